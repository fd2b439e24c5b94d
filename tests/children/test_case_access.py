"""Who may reach which case: outsiders get 404 (AC-01), lists are scoped (AC-02), extra fields
are ignored (AC-06)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from children import services
from children import urls as children_urls
from children.forms import SECTIONS
from children.models import Case, CaseLink, Encounter, TimelineEntry
from children.models.choices import CaseStatus, Sex
from children.services import documents as document_services
from children.services import letters as letter_services
from children.services.duty import report_alert_start
from core.models import AuditEvent

from .conftest import (
    encounter_post,
    registration_post,
    row_counts,
    section_post,
    without_tokens,
)

# --- Every case-scoped route ------------------------------------------------------------------

# One harmless-looking change per section: what an outsider would try to write.
SECTION_CHANGES = {
    "identity": {"given_name": "نفوذی"},
    "household": {"guardian_name": "نفوذی"},
    "work": {"workplace": "نفوذی"},
    "schooling": {"school_status": "dropped_out"},
    "health": {"health_concerns": "نفوذی"},
}


@dataclass(frozen=True)
class Route:
    """A route that names one case (or encounter) by id; `world` holds the ids to fill it with.

    `who` is the outsider who tries it: a caseworker, or a manager for the routes only managers
    may use at all (a caseworker gets 403 there whatever the id).
    """

    name: str
    method: str
    args: Callable
    data: Callable = field(default=lambda world: {})
    kind: str = "children.case"
    who: str = "cw_a"

    def url(self, world):
        return reverse(f"children:{self.name}", args=self.args(world))

    def request(self, client, world):
        url = self.url(world)
        if self.method == "get":
            return client.get(url)
        return client.post(url, self.data(world))

    def object_id(self, world):
        return world.encounter.pk if self.kind == "children.encounter" else world.case.pk


def _edit(section, method):
    return Route(
        "case_edit_section",
        method,
        lambda w: [w.case.pk, section],
        data=lambda w: section_post(w.real_case, section, **SECTION_CHANGES[section]),
    )


NEEDS = dict.fromkeys(["education", "health", "family", "economic", "protection"], "high")

CASE_ROUTES = {
    "detail": Route("case_detail", "get", lambda w: [w.case.pk]),
    **{f"edit-{s}-get": _edit(s, "get") for s in SECTIONS},
    **{f"edit-{s}-post": _edit(s, "post") for s in SECTIONS},
    "note": Route("case_add_note", "post", lambda w: [w.case.pk], lambda w: {"body": "یادداشت"}),
    "reassign": Route(
        "case_reassign",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"assigned_to": w.outsider.pk},
        who="mgr_a",
    ),
    "consent": Route(
        "consent_add",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"given_by": "child", "given_on": "۱۴۰۵/۰۹/۰۱", "scope": ["record"]},
    ),
    "consent-withdraw": Route(
        "consent_withdraw",
        "post",
        lambda w: [w.case.pk, w.consent.pk],
        lambda w: {"reason": "خانواده نخواست"},
    ),
    "duplicates": Route("case_duplicates", "get", lambda w: [w.case.pk]),
    "audit-trail": Route("case_audit", "get", lambda w: [w.case.pk], who="mgr_a"),
    "legal-hold": Route(
        "case_legal_hold",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"hold": "on", "reason": "دستور دادگاه"},
        who="mgr_a",
    ),
    "link-request": Route("case_link_request", "post", lambda w: [w.case.pk, w.target.pk]),
    "link-answer": Route(
        "case_link_answer", "post", lambda w: [w.case.pk, w.link.pk], lambda w: {"answer": "accept"}
    ),
    "assessment-get": Route("assessment_create", "get", lambda w: [w.case.pk]),
    "assessment-post": Route(
        "assessment_create",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"assessed_on": "۱۴۰۵/۰۹/۰۱", **NEEDS, "risk_level": "high", "confirm": "1"},
    ),
    "plan-goal": Route(
        "plan_goal_add", "post", lambda w: [w.case.pk], lambda w: {"goal": "بازگشت به مدرسه"}
    ),
    "plan-action-get": Route("plan_action_add", "get", lambda w: [w.case.pk, w.goal.pk]),
    "plan-action-post": Route(
        "plan_action_add",
        "post",
        lambda w: [w.case.pk, w.goal.pk],
        lambda w: {"description": "ثبت‌نام", "responsible": w.outsider.pk},
    ),
    "plan-action-status": Route(
        "plan_action_status",
        "post",
        lambda w: [w.case.pk, w.action.pk],
        lambda w: {"status": "done"},
    ),
    "closure-request": Route(
        "closure_request", "post", lambda w: [w.case.pk], lambda w: {"reason": "moved_away"}
    ),
    "closure-decide": Route(
        "closure_decide",
        "post",
        lambda w: [w.case.pk, w.closure.pk],
        lambda w: {"decision": "approve", "comment": "تأیید"},
        who="mgr_a",
    ),
    "reopen": Route("case_reopen", "post", lambda w: [w.case.pk], lambda w: {"reason": "دوباره"}),
    "followup-get": Route("followup_schedule", "get", lambda w: [w.case.pk]),
    "followup-post": Route(
        "followup_schedule",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"due_on": "۱۴۰۵/۱۰/۰۱", "kind": "home_visit", "responsible": w.outsider.pk},
    ),
    "followup-outcome-get": Route("followup_outcome", "get", lambda w: [w.case.pk, w.followup.pk]),
    "followup-outcome-post": Route(
        "followup_outcome",
        "post",
        lambda w: [w.case.pk, w.followup.pk],
        lambda w: {"result": "done", "outcome": "دیدار شد"},
    ),
    "refer-get": Route("referral_create", "get", lambda w: [w.case.pk]),
    "refer-post": Route(
        "referral_create",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"service": "education"},
    ),
    "family-add": Route(
        "family_add",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"case_number": w.target.case_number},
    ),
    "family-remove": Route("family_remove", "post", lambda w: [w.case.pk, w.case.pk]),
    "transfer-get": Route("transfer_create", "get", lambda w: [w.case.pk], who="mgr_a"),
    "transfer-post": Route(
        "transfer_create",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"to_organisation": w.outsider.membership.organisation_id, "reason": "جابه‌جایی"},
        who="mgr_a",
    ),
    "document-add-get": Route("document_add", "get", lambda w: [w.case.pk]),
    "document-add-post": Route(
        "document_add",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"type": "amayesh", "number": "123", "expires_on": "۱۴۰۶/۰۱/۰۱"},
    ),
    "document-edit-get": Route("document_edit", "get", lambda w: [w.case.pk, w.document.pk]),
    "document-edit-post": Route(
        "document_edit",
        "post",
        lambda w: [w.case.pk, w.document.pk],
        lambda w: {"type": "amayesh", "number": "نفوذی"},
    ),
    "document-remove": Route("document_remove", "post", lambda w: [w.case.pk, w.document.pk]),
    "document-scan": Route("document_scan", "get", lambda w: [w.case.pk, w.document.pk]),
    "letter-create-get": Route("letter_create", "get", lambda w: [w.case.pk]),
    "letter-create-post": Route(
        "letter_create",
        "post",
        lambda w: [w.case.pk],
        lambda w: {"recipient": "بهزیستی", "subject": "ارجاع", "body": "نفوذی"},
    ),
    "letter-pdf": Route("letter_pdf", "get", lambda w: [w.case.pk, w.letter.pk]),
    "report-alert-decide-get": Route(
        "report_alert_decide", "get", lambda w: [w.case.pk, w.alert.pk], who="mgr_a"
    ),
    "report-alert-decide-post": Route(
        "report_alert_decide",
        "post",
        lambda w: [w.case.pk, w.alert.pk],
        lambda w: {"decision": "not_reported", "reason_not_reported": "نفوذی"},
        who="mgr_a",
    ),
    "encounter-detail": Route(
        "encounter_detail", "get", lambda w: [w.encounter.pk], kind="children.encounter"
    ),
}
ROUTE_IDS = list(CASE_ROUTES)


def _world(*, case, owner, other_case, other_user, outsider, log_encounter):
    """`case` with a consent, a link request, an encounter, a plan, a closure request and a
    follow-up hanging off it, as `owner`'s organisation holds them."""
    link = CaseLink.objects.create(
        requesting_case=other_case, target_case=case, requested_by=other_user
    )
    encounter = log_encounter(owner, cases=[case], anonymous={("male", "6_11"): 2})
    goal = services.plan_goal_add(by=owner, case=case, goal="بازگشت به مدرسه")
    action = services.plan_action_add(by=owner, goal=goal, description="ثبت‌نام", responsible=owner)
    followup = services.followup_schedule(
        by=owner,
        case=case,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        kind="home_visit",
        responsible=owner,
    )
    closure = services.closure_request(by=owner, case=case, reason="moved_away")
    document = document_services.document_add(
        by=owner,
        case=case,
        data={"type": "amayesh", "number": "AM-555", "expires_on": datetime.date(2027, 3, 1)},
        scan=SimpleUploadedFile("card.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
    )
    alert = report_alert_start(case=case, trigger="critical_risk", by=owner)
    letter = letter_services.letter_create(
        by=owner, case=case, data={"recipient": "بهزیستی", "subject": "ارجاع", "body": "متن نامه"}
    )
    return SimpleNamespace(
        document=document,
        letter=letter,
        case=case,
        real_case=case,
        consent=case.consents.get(),
        link=link,
        target=other_case,
        encounter=encounter,
        goal=goal,
        action=action,
        followup=followup,
        closure=closure,
        alert=alert,
        outsider=outsider,
    )


@pytest.fixture
def b_world(case_a, case_b, cw_a, cw_b, log_encounter):
    """Ids of B's case and of things hanging off it, as CW-A would type them into addresses."""
    return _world(
        case=case_b,
        owner=cw_b,
        other_case=case_a,
        other_user=cw_a,
        outsider=cw_a,
        log_encounter=log_encounter,
    )


def _missing(world):
    """The same request with ids that exist nowhere."""
    missing_case = Case.objects.order_by("-pk").first().pk + 1000
    missing_encounter = Encounter.objects.order_by("-pk").first().pk + 1000
    return SimpleNamespace(
        **{
            **vars(world),
            "case": SimpleNamespace(pk=missing_case),
            "encounter": SimpleNamespace(pk=missing_encounter),
        }
    )


def _database_state():
    """Every row of the children app (and the row counts of everything else)."""
    rows = {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("children").get_models()
    }
    return row_counts(), rows


def test_every_route_that_names_a_case_or_encounter_is_checked():
    """A new route naming a case or an encounter fails here until it is added to CASE_ROUTES.

    Routes named by a referral's id (`referrals/<pk>/...`) follow AC-04's rule instead: the
    receiving organisation may read them while the referral is active.
    """
    with_ids = {
        entry.name
        for entry in children_urls.urlpatterns
        if isinstance(entry, URLPattern)
        and str(entry.pattern).startswith(("cases/<int:pk>/", "outreach/<int:pk>/"))
    }
    assert with_ids == {route.name for route in CASE_ROUTES.values()}
    edited = {
        route.args(SimpleNamespace(case=SimpleNamespace(pk=1)))[1]
        for route in CASE_ROUTES.values()
        if route.name == "case_edit_section"
    }
    assert edited == set(SECTIONS)


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_outsider_gets_the_same_404_as_for_a_missing_id(request, client_as, b_world, route_id):
    route = CASE_ROUTES[route_id]
    client = client_as(request.getfixturevalue(route.who))
    missing = _missing(b_world)

    other = route.request(client, b_world)
    nothing = route.request(client, missing)

    assert other.status_code == nothing.status_code == 404
    assert without_tokens(other.content, *route.args(b_world)) == without_tokens(
        nothing.content, *route.args(missing)
    )


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_outsider_request_changes_nothing(request, client_as, b_world, route_id):
    route = CASE_ROUTES[route_id]
    client = client_as(request.getfixturevalue(route.who))
    before = _database_state()

    response = route.request(client, b_world)

    assert response.status_code == 404
    assert _database_state() == before


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_outsider_request_is_audited_as_access_denied(request, client_as, org_a, b_world, route_id):
    route = CASE_ROUTES[route_id]
    outsider = request.getfixturevalue(route.who)

    route.request(client_as(outsider), b_world)

    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.actor == outsider
    assert event.organisation == org_a
    assert event.object_type == route.kind
    assert event.object_id == str(route.object_id(b_world))
    assert event.request_id is not None


def test_caseworker_gets_403_on_reassigning_own_case_and_404_on_others(
    client_as, cw_a, case_a, b_world
):
    """Reassigning is a manager's right: 403 on one's own organisation's case; any other id is
    first an outsider's request, answered like a missing one."""
    client = client_as(cw_a)
    route = CASE_ROUTES["reassign"]
    own = SimpleNamespace(**{**vars(b_world), "case": case_a})
    worlds = [own, b_world, _missing(b_world)]
    before = _database_state()

    answers = [route.request(client, world) for world in worlds]

    assert [answer.status_code for answer in answers] == [403, 404, 404]
    pages = {
        without_tokens(a.content, w.case.pk) for a, w in zip(answers[1:], worlds[1:], strict=True)
    }
    assert len(pages) == 1
    assert _database_state() == before


def test_outsider_cannot_withdraw_b_consent_through_own_case(client_as, cw_a, case_a, b_world):
    before = _database_state()

    response = client_as(cw_a).post(
        reverse("children:consent_withdraw", args=[case_a.pk, b_world.consent.pk]),
        {"reason": "نفوذی"},
    )

    assert response.status_code == 404
    assert _database_state() == before


def test_outsider_cannot_answer_b_link_request_through_own_case(client_as, cw_a, case_a, b_world):
    before = _database_state()

    response = client_as(cw_a).post(
        reverse("children:case_link_answer", args=[case_a.pk, b_world.link.pk]),
        {"answer": "accept"},
    )

    assert response.status_code == 404
    assert _database_state() == before


# --- Ministry officer and administrator: no case data ------------------------------------------


@pytest.fixture
def a_world(case_a, case_b, cw_a, cw_b, log_encounter):
    """Real ids of A's case and things hanging off it, for users outside every NGO."""
    return _world(
        case=case_a,
        owner=cw_a,
        other_case=case_b,
        other_user=cw_b,
        outsider=cw_b,
        log_encounter=log_encounter,
    )


@pytest.mark.parametrize("user", ["min_officer", "adm"])
@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_ministry_and_administrator_get_404_on_case_level_urls(
    request, client_as, a_world, user, route_id
):
    response = CASE_ROUTES[route_id].request(client_as(request.getfixturevalue(user)), a_world)

    assert response.status_code == 404


@pytest.mark.parametrize("user", ["min_officer", "adm"])
@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_ministry_and_administrator_get_no_case_data_and_change_nothing(
    request, client_as, a_world, user, route_id
):
    client = client_as(request.getfixturevalue(user))
    before = _database_state()

    response = CASE_ROUTES[route_id].request(client, a_world)

    assert response.status_code in (403, 404)
    body = response.content.decode()
    for value in (a_world.case.case_number, a_world.case.full_name, a_world.encounter.hotspot):
        assert value not in body
    assert _database_state() == before


@pytest.mark.parametrize("user", ["min_officer", "adm"])
@pytest.mark.parametrize(
    "name",
    ["case_list", "case_register", "case_pick", "encounter_list", "encounter_create", "hotspots"],
)
def test_ministry_and_administrator_are_refused_lists_and_registration(
    request, client_as, case_a, user, name
):
    client = client_as(request.getfixturevalue(user))

    response = client.get(reverse(f"children:{name}"), {"q": case_a.given_name})

    assert response.status_code == 403
    assert case_a.case_number not in response.content.decode()


def test_ministry_officer_has_no_link_to_the_case_list(client_as, min_officer):
    response = client_as(min_officer).get(reverse("home"))

    assert response.status_code == 200
    assert reverse("children:case_list") not in response.content.decode()


def test_registration_as_ministry_officer_creates_nothing(client_as, min_officer):
    response = client_as(min_officer).post(
        reverse("children:case_register"), registration_post(min_officer)
    )

    assert response.status_code == 403
    assert Case.objects.count() == 0


# --- AC-02: lists, search, pick and hotspots are scoped -----------------------------------------

# B holds the same child as A, with the same name, ID number and phone: only A's may come back.
SHARED = {
    "given_name": "علی",
    "family_name": "رضایی",
    "father_name": "حسن",
    "id_number": "77889901",
    "phone": "09351112233",
}


@pytest.fixture
def two_orgs(cw_a, cw_a2, cw_b, register):
    a_own = register(cw_a, **SHARED)
    a_colleague = register(cw_a2, given_name="مریم", family_name="کریمی", sex=Sex.FEMALE)
    b_same = register(cw_b, **SHARED)
    b_other = register(cw_b, given_name="زهرا", family_name="محمدی", sex=Sex.FEMALE)
    return SimpleNamespace(a=[a_own, a_colleague], a_own=a_own, b=[b_same, b_other], b_same=b_same)


def _listed(response):
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


@pytest.mark.parametrize("user", ["cw_a", "mgr_a", "cw_a2"])
def test_case_list_shows_all_own_organisation_cases_and_none_of_b(
    request, client_as, two_orgs, user
):
    response = client_as(request.getfixturevalue(user)).get(reverse("children:case_list"))

    assert _listed(response) == {case.pk for case in two_orgs.a}
    assert response.context["page"].paginator.count == len(two_orgs.a)
    body = response.content.decode()
    for case in two_orgs.b:
        assert case.case_number not in body


def test_manager_sees_a_colleagues_case(client_as, mgr_a, cw_a2, two_orgs):
    response = client_as(mgr_a).get(reverse("children:case_list"), {"assigned_to": cw_a2.pk})

    assert _listed(response) == {two_orgs.a[1].pk}


@pytest.mark.parametrize(
    "term",
    [
        pytest.param("علی", id="name"),
        pytest.param("رضایی", id="family-name"),
        pytest.param("77889901", id="id-number"),
        pytest.param("۷۷۸۸۹۹۰۱", id="id-number-persian-digits"),
        pytest.param("09351112233", id="phone"),
        pytest.param("۰۹۳۵۱۱۱۲۲۳۳", id="phone-persian-digits"),
    ],
)
@pytest.mark.parametrize("user", ["cw_a", "mgr_a"])
def test_search_finds_own_child_and_never_b_child_with_the_same_details(
    request, client_as, two_orgs, user, term
):
    response = client_as(request.getfixturevalue(user)).get(
        reverse("children:case_list"), {"q": term}
    )

    assert _listed(response) == {two_orgs.a_own.pk}
    assert response.context["page"].paginator.count == 1
    assert two_orgs.b_same.case_number not in response.content.decode()


def test_search_by_b_case_number_finds_nothing(client_as, cw_a, two_orgs):
    response = client_as(cw_a).get(
        reverse("children:case_list"), {"q": two_orgs.b_same.case_number}
    )

    assert _listed(response) == set()
    assert response.context["page"].paginator.count == 0


def test_filter_by_b_caseworker_shows_none_of_b_cases(client_as, cw_a, cw_b, two_orgs):
    response = client_as(cw_a).get(reverse("children:case_list"), {"assigned_to": cw_b.pk})

    assert not _listed(response) & {case.pk for case in two_orgs.b}


@pytest.mark.parametrize("term", ["علی", "77889901", "09351112233"])
def test_case_pick_offers_only_own_cases(client_as, cw_a, two_orgs, term):
    response = client_as(cw_a).get(reverse("children:case_pick"), {"q": term})

    assert response.status_code == 200
    assert [case.pk for case in response.context["cases"]] == [two_orgs.a_own.pk]
    assert f'value="{two_orgs.b_same.pk}"' not in response.content.decode()


def test_hotspots_and_encounter_list_count_only_own_encounters(
    client_as, cw_a, cw_b, two_orgs, log_encounter
):
    own = log_encounter(cw_a, cases=[two_orgs.a_own], anonymous={("male", "6_11"): 3})
    log_encounter(cw_b, cases=[two_orgs.b_same], anonymous={("male", "6_11"): 7})
    log_encounter(cw_b, hotspot="میدان راه‌آهن", anonymous={("female", "12_14"): 4})
    client = client_as(cw_a)

    hotspots = client.get(reverse("children:hotspots"))
    encounters = client.get(reverse("children:encounter_list"))

    rows = hotspots.context["rows"]
    assert [(r["hotspot"], r["encounters"], r["anonymous"], r["registered"]) for r in rows] == [
        (own.hotspot, 1, 3, 1)
    ]
    assert "میدان راه‌آهن" not in hotspots.content.decode()
    assert [e.pk for e in encounters.context["page"].object_list] == [own.pk]


# --- AC-06: extra fields change nothing they should not -----------------------------------------


def test_section_post_with_extra_fields_changes_only_the_section(
    client_as, cw_a, cw_b, org_b, case_a
):
    number, version = case_a.case_number, case_a.version
    data = section_post(
        case_a,
        "household",
        guardian_name="مریم",
        organisation=org_b.pk,
        case_number="RKH-NGOB-1405-09999",
        created_by=cw_b.pk,
        assigned_to=cw_b.pk,
        status=CaseStatus.CLOSED,
        given_name="نام دیگر",
    )

    response = client_as(cw_a).post(
        reverse("children:case_edit_section", args=[case_a.pk, "household"]), data
    )

    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.guardian_name == "مریم"
    assert case_a.organisation_id == cw_a.membership.organisation_id
    assert case_a.case_number == number
    assert case_a.created_by == cw_a
    assert case_a.assigned_to == cw_a
    assert case_a.status == CaseStatus.REGISTERED
    assert case_a.given_name == "علی"
    assert case_a.version == version + 1


@pytest.mark.parametrize("offset", [1, 5, -1])
def test_section_post_with_a_tampered_version_is_refused_and_changes_nothing(
    client_as, cw_a, case_a, offset
):
    data = section_post(case_a, "identity", given_name="محمد")
    data["version"] = case_a.version + offset
    before = _database_state()

    response = client_as(cw_a).post(
        reverse("children:case_edit_section", args=[case_a.pk, "identity"]), data
    )

    assert response.status_code == 409
    assert _database_state() == before


def test_registration_post_with_extra_fields_registers_in_own_organisation(
    client_as, cw_a, cw_b, org_a, org_b
):
    data = registration_post(
        cw_a,
        organisation=org_b.pk,
        case_number="RKH-NGOB-1405-09999",
        created_by=cw_b.pk,
        status=CaseStatus.CLOSED,
        version=7,
    )

    response = client_as(cw_a).post(reverse("children:case_register"), data)

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.organisation == org_a
    assert case.case_number.startswith("TEH-NGOA-")
    assert case.created_by == cw_a
    assert case.status == CaseStatus.REGISTERED
    assert case.version == 1


def test_registration_cannot_assign_the_case_to_another_organisations_caseworker(
    client_as, cw_a, cw_b
):
    response = client_as(cw_a).post(reverse("children:case_register"), registration_post(cw_b))

    assert response.status_code == 200
    assert "assigned_to" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_encounter_cannot_name_another_organisations_child(client_as, cw_a, org_b, case_b):
    data = encounter_post(cases=[case_b.pk], organisation=org_b.pk)

    response = client_as(cw_a).post(reverse("children:encounter_create"), data)

    assert response.status_code == 200
    assert "cases" in response.context["form"].errors
    assert Encounter.objects.count() == 0
    assert not case_b.timeline.filter(kind=TimelineEntry.Kind.ENCOUNTER).exists()


def test_encounter_post_with_extra_fields_is_logged_for_own_organisation(
    client_as, cw_a, cw_b, org_a, org_b
):
    data = encounter_post(organisation=org_b.pk, caseworker=cw_b.pk)

    response = client_as(cw_a).post(reverse("children:encounter_create"), data)

    assert response.status_code == 302
    encounter = Encounter.objects.get()
    assert encounter.organisation == org_a
    assert encounter.caseworker == cw_a
