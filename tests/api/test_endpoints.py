"""Every API route obeys the pages' rules (AC-11): outsiders get the same 404 as for a missing id
(AC-01), lists hold only the caller's organisation (AC-02), extra fields change nothing (AC-06),
the ministry sees no case (AC-07); writes go through the services, audited."""

import datetime

import pytest

from children.models import Case, Referral
from children.services.cases import refresh_search_fields
from core.models import AuditEvent
from tests.factories import (
    CaseFactory,
    EncounterFactory,
    FollowUpFactory,
    MeetingFactory,
    ReferralFactory,
    ResolutionFactory,
    WorkingGroupFactory,
)

# Every case-scoped route of the API, with the method that reaches it (AC-01: add a new route here).
CASE_SCOPED = [
    ("get", "/api/v1/cases/{case}/"),
    ("patch", "/api/v1/cases/{case}/sections/identity/"),
    ("get", "/api/v1/cases/{case}/notes/"),
    ("post", "/api/v1/cases/{case}/notes/"),
    ("get", "/api/v1/cases/{case}/follow-ups/"),
    ("post", "/api/v1/cases/{case}/follow-ups/"),
    ("post", "/api/v1/cases/{case}/follow-ups/{followup}/outcome/"),
    ("post", "/api/v1/cases/{case}/referrals/"),
    ("get", "/api/v1/encounters/{encounter}/"),
    ("get", "/api/v1/referrals/{referral}/"),
    ("post", "/api/v1/referrals/{referral}/answer/"),
]

WRITE_BODY = {
    "version": 1,
    "values": {"given_name": "تغییر"},
    "body": "یادداشت",
    "result": "done",
    "outcome": "دیده شد",
    "answer": "accept",
    "service": "education",
    "need": "نیاز",
}


@pytest.fixture
def b_objects(org_b, cw_b, org_a):
    case = CaseFactory(organisation=org_b, assigned_to=cw_b)
    return {
        "case": case.pk,
        "followup": FollowUpFactory(case=case).pk,
        "encounter": EncounterFactory(organisation=org_b, caseworker=cw_b).pk,
        # B's referral to a third organisation: A has nothing to do with it.
        "referral": ReferralFactory(case=case).pk,
    }


def _missing(ids):
    return {key: value + 100000 for key, value in ids.items()}


def _request(client, method, url):
    return getattr(client, method)(url, WRITE_BODY, format="json")


def _counts():
    return (
        Case.objects.count(),
        Referral.objects.count(),
        sorted(Case.objects.values_list("given_name", flat=True)),
    )


@pytest.mark.parametrize("method,route", CASE_SCOPED)
def test_outsider_gets_the_same_404_as_a_missing_id_and_is_audited(
    method, route, session_client, cw_a, b_objects
):
    """AC-01 over the API, for each case-scoped route."""
    client = session_client(cw_a)
    before = _counts()
    other = _request(client, method, route.format(**b_objects))
    missing = _request(client, method, route.format(**_missing(b_objects)))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert _counts() == before
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=cw_a).exists()


@pytest.mark.parametrize("method,route", CASE_SCOPED)
def test_an_organisation_token_gets_404_for_another_organisations_objects(
    method, route, make_token, token_client, org_a, b_objects
):
    """AC-11: a token is scoped to its one organisation."""
    _token, secret = make_token(org_a)
    before = _counts()
    assert _request(token_client(secret), method, route.format(**b_objects)).status_code == 404
    assert _counts() == before


@pytest.mark.parametrize("method,route", CASE_SCOPED)
def test_ministry_officer_gets_404_on_every_case_level_route(
    method, route, session_client, min_officer, b_objects
):
    """AC-07 over the API."""
    response = _request(session_client(min_officer), method, route.format(**b_objects))
    assert response.status_code == 404


def test_case_list_holds_only_the_callers_organisation(session_client, cw_a, mgr_a, org_a, org_b):
    """AC-02: counts equal A's own, for a caseworker and a manager."""
    own = {CaseFactory(organisation=org_a).pk for _ in range(3)}
    CaseFactory.create_batch(2, organisation=org_b)
    for user in (cw_a, mgr_a):
        rows = session_client(user).get("/api/v1/cases/?page_size=2")
        ids = [r["id"] for r in rows.json()["results"]]
        nxt = rows.json()["next"]
        ids += [r["id"] for r in session_client(user).get(nxt).json()["results"]]
        assert set(ids) == own and len(ids) == 3


def test_case_list_search_and_filters_are_the_pages(session_client, cw_a, org_a, org_b):
    """AC-02: the case list's FilterSet, search included, never reaches B."""
    mine = CaseFactory(organisation=org_a, given_name="فاطمه", family_name="رضایی", sex="female")
    CaseFactory(organisation=org_a, given_name="علی", family_name="رضایی", sex="male")
    CaseFactory(organisation=org_b, given_name="فاطمه", family_name="رضایی", sex="female")
    for case in Case.objects.all():
        refresh_search_fields(case)  # the factory writes rows as they are; the service indexes
        case.save()
    client = session_client(cw_a)
    rows = client.get("/api/v1/cases/", {"q": "فاطمه"}).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    rows = client.get("/api/v1/cases/", {"sex": "female"}).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert client.get("/api/v1/cases/", {"status": "nonsense"}).status_code == 400


def test_encounter_and_referral_lists_hold_only_the_callers_organisation(
    session_client, cw_a, org_a, org_b, cw_b
):
    """AC-02 for the other lists."""
    own = EncounterFactory(organisation=org_a, caseworker=cw_a)
    EncounterFactory(organisation=org_b, caseworker=cw_b)
    sent = ReferralFactory(case=CaseFactory(organisation=org_a, assigned_to=cw_a))
    ReferralFactory(case=CaseFactory(organisation=org_b, assigned_to=cw_b))
    client = session_client(cw_a)
    assert [r["id"] for r in client.get("/api/v1/encounters/").json()["results"]] == [own.pk]
    rows = client.get("/api/v1/referrals/", {"box": "sent"}).json()["results"]
    assert [r["id"] for r in rows] == [sent.pk]
    assert client.get("/api/v1/referrals/").json()["results"] == []


def test_registering_a_case_goes_through_the_service_and_ignores_extra_fields(
    session_client, cw_a, org_a, org_b
):
    """AC-06: organisation, owner and status in the body change nothing."""
    body = {
        "given_name": "رضا",
        "family_name": "محمدی",
        "father_name": "حسین",
        "sex": "male",
        "estimated_age": 11,
        "nationality": "afghan",
        "documentation": "undocumented",
        "province": org_a.home_province_id,
        "city": "تهران",
        "consent_given_by": "guardian",
        "consent_given_on": "1405/08/10",
        "consent_scope": ["record"],
        "assigned_to": cw_a.pk,
        "organisation": org_b.pk,
        "created_by": 1,
        "status": "closed",
    }
    response = session_client(cw_a).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.organisation == org_a and case.created_by == cw_a
    assert case.status != "closed"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(case.pk), actor=cw_a
    ).exists()


def test_registration_with_bad_input_answers_field_errors_and_saves_nothing(session_client, cw_a):
    response = session_client(cw_a).post("/api/v1/cases/", {"given_name": ""}, format="json")
    assert response.status_code == 400
    assert "given_name" in response.json()
    assert not Case.objects.exists()


def test_section_update_with_the_current_version_saves(session_client, cw_a, case_a):
    response = session_client(cw_a).patch(
        f"/api/v1/cases/{case_a.pk}/sections/work/",
        {"version": case_a.version, "values": {"work_hours_per_week": 30}},
        format="json",
    )
    assert response.status_code == 200, response.content
    case_a.refresh_from_db()
    assert case_a.work_hours_per_week == 30
    assert case_a.given_name == "مریم"  # other fields of the case are kept
    assert response.json()["version"] == case_a.version


def test_a_stale_version_answers_409_with_both_values(session_client, cw_a, mgr_a, case_a):
    """RE-02 over the API: the second save from the old version is refused, the first survives."""
    version = case_a.version
    url = f"/api/v1/cases/{case_a.pk}/sections/work/"
    first = session_client(mgr_a).patch(
        url, {"version": version, "values": {"workplace": "کارگاه"}}, format="json"
    )
    assert first.status_code == 200
    second = session_client(cw_a).patch(
        url, {"version": version, "values": {"workplace": "چهارراه"}}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert body["saved"] == {"workplace": "کارگاه"}
    assert body["yours"] == {"workplace": "چهارراه"}
    case_a.refresh_from_db()
    assert case_a.workplace == "کارگاه"


def test_section_update_ignores_fields_of_other_sections_and_the_owner(
    session_client, cw_a, case_a, org_b
):
    """AC-06: organisation, status and other sections' fields are not changed by a section."""
    response = session_client(cw_a).patch(
        f"/api/v1/cases/{case_a.pk}/sections/work/",
        {
            "version": case_a.version,
            "values": {"organisation": org_b.pk, "status": "closed", "given_name": "x"},
        },
        format="json",
    )
    assert response.status_code == 200
    case_a.refresh_from_db()
    assert (case_a.organisation_id, case_a.given_name) != (org_b.pk, "x")
    assert case_a.status != "closed"


def test_notes_and_follow_ups_are_written_by_the_services(session_client, cw_a, case_a):
    client = session_client(cw_a)
    response = client.post(f"/api/v1/cases/{case_a.pk}/notes/", {"body": "دیدار"}, format="json")
    assert response.status_code == 201
    due = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        f"/api/v1/cases/{case_a.pk}/follow-ups/",
        {"due_on": due, "kind": "home_visit", "responsible": cw_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    followup = response.json()["id"]
    response = client.post(
        f"/api/v1/cases/{case_a.pk}/follow-ups/{followup}/outcome/",
        {"result": "done", "outcome": "دیده شد"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert client.get(f"/api/v1/cases/{case_a.pk}/notes/").json()["results"][0]["body"] == "دیدار"


def test_the_receiver_reads_only_what_a_referral_shares(session_client, cw_b, case_a, org_b):
    """AC-04/AC-06 over the API: the child's name, age and sex; no case id, no other field."""
    referral = ReferralFactory(case=case_a, to_organisation=org_b)
    client = session_client(cw_b)
    body = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["direction"] == "received"
    assert body["case"] is None
    assert set(body["child"]) == {"given_name", "family_name", "age", "sex"}
    assert client.get(f"/api/v1/cases/{case_a.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/answer/", {"answer": "accept"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "accepted"


def test_the_sender_cannot_answer_its_own_referral(session_client, cw_a, case_a, org_b):
    referral = ReferralFactory(case=case_a, to_organisation=org_b)
    response = session_client(cw_a).post(
        f"/api/v1/referrals/{referral.pk}/answer/", {"answer": "accept"}, format="json"
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == "sent"


def test_directory_and_services_answer_every_role_with_the_permission(
    session_client, cw_a, min_officer, org_a, org_b
):
    for user in (cw_a, min_officer):
        client = session_client(user)
        ids = {r["id"] for r in client.get("/api/v1/organisations/").json()["results"]}
        assert {org_a.pk, org_b.pk} <= ids
        assert client.get(f"/api/v1/organisations/{org_b.pk}/").status_code == 200
        assert client.get("/api/v1/services/").status_code == 200


def test_resolutions_are_those_of_the_callers_groups(session_client, cw_a, org_a, cw_b, org_b):
    group = WorkingGroupFactory(member_organisations=[org_a])
    resolution = ResolutionFactory(meeting=MeetingFactory(working_group=group))
    assert session_client(cw_a).get(f"/api/v1/resolutions/{resolution.pk}/").status_code == 200
    rows = session_client(cw_a).get("/api/v1/resolutions/").json()["results"]
    assert [r["id"] for r in rows] == [resolution.pk]
    assert session_client(cw_b).get(f"/api/v1/resolutions/{resolution.pk}/").status_code == 404
    assert session_client(cw_b).get("/api/v1/resolutions/").json()["results"] == []


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/api/v1/aggregates/", {"min": 200, "cw_a": 403, "adm": 403}),
        ("/api/v1/cases/", {"min": 403, "cw_a": 200, "adm": 403}),
        ("/api/v1/encounters/", {"min": 403, "cw_a": 200, "adm": 403}),
        ("/api/v1/referrals/", {"min": 403, "cw_a": 200, "adm": 403}),
        ("/api/v1/organisations/", {"min": 200, "cw_a": 200, "adm": 200}),
    ],
)
def test_role_by_endpoint(url, expected, session_client, min_officer, cw_a, adm):
    """AC-07 over the API: lists and figures by role."""
    users = {"min": min_officer, "cw_a": cw_a, "adm": adm}
    for who, status in expected.items():
        assert session_client(users[who]).get(url).status_code == status, (who, url)


def test_session_writes_need_the_csrf_token(cw_a, case_a):
    """The app's session is CSRF-checked like the pages (AC-09); a token request has no cookie."""
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cw_a)
    response = client.post(f"/api/v1/cases/{case_a.pk}/notes/", {"body": "x"}, format="json")
    assert response.status_code == 403
    assert case_a.notes.count() == 0


def test_every_api_route_that_names_a_case_is_checked():
    """A new API route naming a case, encounter or referral fails here until it joins CASE_SCOPED."""
    import re

    from tests.core.test_access import project_views

    named = set()
    for route, _pattern in project_views():
        if not route.startswith("api/v1/") or "<int:" not in route:
            continue
        if route.startswith(("api/v1/cases/", "api/v1/encounters/", "api/v1/referrals/")):
            named.add("/" + re.sub(r"<int:(\w+)>", lambda m: "{" + m.group(1) + "}", route))
    listed = {
        route.replace("{case}", "{pk}").replace("{encounter}", "{pk}").replace("{referral}", "{pk}")
        for _method, route in CASE_SCOPED
    }
    listed = {r.replace("identity", "{section}") for r in listed}
    named = {r.replace("<slug:section>", "{section}") for r in named}
    assert named == {r.replace("{followup}", "{followup_pk}") for r in listed}


def test_a_refused_step_answers_400_with_the_services_message(session_client, cw_b, case_a, org_b):
    """An answer the referral's state no longer allows is the service's refusal, not an error."""
    referral = ReferralFactory(case=case_a, to_organisation=org_b)
    client = session_client(cw_b)
    url = f"/api/v1/referrals/{referral.pk}/answer/"
    assert client.post(url, {"answer": "accept"}, format="json").status_code == 200
    again = client.post(url, {"answer": "accept"}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"]
