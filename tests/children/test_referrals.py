"""Issue 4 referrals: sending with consent (AC-05), the state machine, what the receiver sees and
for how long (AC-04, AC-06), the inbox (AC-02), consent withdrawal, reminders, audit (LG-01)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from children import services
from children.access import get_referral_for_user
from children.models import Referral, TimelineEntry
from children.models.choices import ConsentGiver, ConsentScope, Documentation, ReferralState
from children.services.referrals import ReferralConsentRequired
from children.tasks import send_referral_reminders
from core.exceptions import ActionNotAllowed, InvalidState
from core.jalali import format_date
from core.models import AuditEvent
from core.permissions import Role
from ngos.models import Organisation, Service, ServiceOffering
from ngos.reference import ensure_services
from tests.factories import OrganisationFactory, member, province

from .conftest import by_testid, field_errors, identity, without_tokens

SHARED = {
    "need": "ثبت‌نام در کلاس سوادآموزی؛ سه سال است مدرسه نمی‌رود",
    "contact_arrangements": "از طریق مددکار ما در مرکز، شنبه‌ها",
    "sender_note": "",
}


def offer(organisation, code, *province_codes):
    """`organisation` offers the service `code` in the provinces named."""
    ensure_services()
    ServiceOffering.objects.get_or_create(
        organisation=organisation, service=Service.objects.get(code=code)
    )
    organisation.provinces.add(*(province(p) for p in province_codes))


def verify(organisation, by):
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.save()


@pytest.fixture
def education():
    return ensure_services()["education"]


@pytest.fixture
def org_c(db):
    return OrganisationFactory(code="NGOC", name_fa="انجمن ج", name_en="NGO C")


@pytest.fixture
def cw_c(org_c):
    return member("cw_c", org_c, Role.CASEWORKER)


@pytest.fixture
def receivers(org_b, org_c, min_officer):
    """B (verified) and C offer education and health in Tehran, where A's children live."""
    for organisation in (org_b, org_c):
        offer(organisation, "education", "tehran")
        offer(organisation, "health", "tehran")
    verify(org_b, min_officer)
    return org_b, org_c


@pytest.fixture
def child(cw_a, receivers, register):
    """A's case with the details the receiver must never see."""
    return register(
        cw_a,
        given_name="امیرحسین",
        family_name="کریمی",
        father_name="غلامعباس",
        documentation=Documentation.NATIONAL_ID,
        id_number="0012345679",
        phone="09121234567",
        birth_date=datetime.date(2013, 7, 15),
        district="خیابان خاوران کوچه نهم",
    )


@pytest.fixture
def send(cw_a, education):
    def make(case, *, to, by=None, service=None, **data):
        return services.referral_send(
            by=by or cw_a,
            case=case,
            to_organisation=to,
            service=service or education,
            data={**SHARED, **data},
        )

    return make


@pytest.fixture
def referral(child, org_b, send):
    return send(child, to=org_b)


def case_without_referral_consent(user):
    return services.case_register(
        by=user,
        organisation=user.membership.organisation,
        data=identity(),
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )


def referral_audits(referral):
    return AuditEvent.objects.filter(
        object_type="children.case",
        object_id=str(referral.case_id),
        detail__referral=referral.pk,
    )


def referral_timeline(referral):
    return list(
        TimelineEntry.objects.filter(case=referral.case, detail__referral=referral.pk)
        .order_by("at", "pk")
        .values_list("detail__state", flat=True)
    )


# --- Sending (AC-05) ---------------------------------------------------------------------------


def test_send_records_consent_due_date_timeline_and_audit(cw_a, org_a, org_b, child, referral):
    assert referral.state == ReferralState.SENT
    assert (referral.from_organisation, referral.to_organisation) == (org_a, org_b)
    assert referral.consent == child.current_consent()
    assert referral.answer_due_at == referral.sent_at + datetime.timedelta(days=7)
    assert referral_timeline(referral) == ["sent"]
    event = referral_audits(referral).get()
    assert (event.action, event.actor, event.organisation) == (
        AuditEvent.Action.UPDATE,
        cw_a,
        org_a,
    )
    assert event.detail["consent"] == referral.consent_id


def test_answer_days_come_from_settings(settings, child, org_b, send):
    settings.REFERRAL_ANSWER_DAYS = 3
    referral = send(child, to=org_b)
    assert referral.answer_due_at - referral.sent_at == datetime.timedelta(days=3)


def test_send_without_consent_is_refused(cw_a, org_b, receivers, send):
    case = case_without_referral_consent(cw_a)
    with pytest.raises(ReferralConsentRequired):
        send(case, to=org_b)
    assert not Referral.objects.exists()


def test_withdrawn_consent_no_longer_allows_referral(cw_a, child, org_b, send):
    services.consent_withdraw(by=cw_a, consent=child.current_consent(), reason="خانواده نخواست")
    with pytest.raises(ReferralConsentRequired):
        send(child, to=org_b)


def test_manager_may_refer_without_consent_giving_a_reason(
    mgr_a, org_a, org_b, receivers, education
):
    case = case_without_referral_consent(mgr_a)
    referral = services.referral_send(
        by=mgr_a,
        case=case,
        to_organisation=org_b,
        service=education,
        data=SHARED,
        consent_override_reason="کودک در خطر فوری است و سرپرست در دسترس نیست",
    )
    assert referral.consent is None
    assert referral.consent_override_reason.startswith("کودک در خطر")
    event = referral_audits(referral).get()
    assert event.actor == mgr_a and event.organisation == org_a
    assert event.detail["consent_override_reason"] == referral.consent_override_reason


def test_manager_override_needs_a_reason(mgr_a, org_b, receivers, education):
    case = case_without_referral_consent(mgr_a)
    with pytest.raises(ReferralConsentRequired):
        services.referral_send(
            by=mgr_a,
            case=case,
            to_organisation=org_b,
            service=education,
            data=SHARED,
            consent_override_reason="   ",
        )
    assert not Referral.objects.exists()


def test_caseworker_cannot_override_consent(cw_a, org_b, receivers, education):
    case = case_without_referral_consent(cw_a)
    with pytest.raises(ReferralConsentRequired):
        services.referral_send(
            by=cw_a,
            case=case,
            to_organisation=org_b,
            service=education,
            data=SHARED,
            consent_override_reason="فوری",
        )
    assert not Referral.objects.exists()


def test_referral_to_a_suspended_organisation_is_refused(child, org_b, min_officer, send):
    Organisation.objects.filter(pk=org_b.pk).update(
        status=Organisation.Status.SUSPENDED,
        suspended_at=timezone.now(),
        suspended_by=min_officer,
        suspension_reason="مدارک ناقص",
    )
    with pytest.raises(InvalidState):
        send(child, to=org_b)
    assert not Referral.objects.exists()


def test_referral_to_own_organisation_is_refused(child, org_a, send):
    offer(org_a, "education", "tehran")
    with pytest.raises(ValidationError):
        send(child, to=org_a)
    assert not Referral.objects.exists()


def test_referral_for_a_service_not_offered_in_the_province_is_refused(child, org_b, send):
    shelter = ensure_services()["shelter"]
    mashhad = OrganisationFactory(code="NGOD", home_province=province("razavi-khorasan"))
    offer(mashhad, "shelter", "razavi-khorasan")  # offered, but not where the child lives
    with pytest.raises(ValidationError):
        send(child, to=mashhad, service=shelter)
    with pytest.raises(ValidationError):
        send(child, to=org_b, service=shelter)  # works in the province, without this service


def test_referral_needs_a_need(child, org_b, send):
    with pytest.raises(ValidationError):
        send(child, to=org_b, need="  ")


def test_second_open_referral_for_the_same_service_and_organisation_is_refused(
    child, org_b, referral, send
):
    with pytest.raises(InvalidState):
        send(child, to=org_b)


def test_outsider_cannot_refer_another_organisations_case(cw_b, org_c, child, send):
    with pytest.raises(ActionNotAllowed):
        send(child, to=org_c, by=cw_b)


# --- The state machine --------------------------------------------------------------------------


def test_accept_then_complete(cw_b, org_b, referral):
    services.referral_accept(by=cw_b, referral=referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert referral.answered_by == cw_b and referral.answered_at is not None

    services.referral_complete(
        by=cw_b, referral=referral, completed=True, notes="در کلاس ثبت‌نام شد"
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    assert referral.outcome_notes == "در کلاس ثبت‌نام شد"
    assert referral.closed_by == cw_b and referral.closed_at is not None
    assert referral_timeline(referral) == ["sent", "accepted", "completed"]
    # Each change is audited; the receiver's rows carry the receiver's organisation.
    changes = referral_audits(referral).filter(action=AuditEvent.Action.UPDATE).order_by("pk")
    assert [e.detail["state"] for e in changes] == ["sent", "accepted", "completed"]
    assert [e.organisation_id for e in changes][1:] == [org_b.pk, org_b.pk]


def test_accepted_referral_can_end_not_completed(cw_b, referral):
    services.referral_accept(by=cw_b, referral=referral)
    services.referral_complete(by=cw_b, referral=referral, completed=False, notes="خانواده نیامد")
    referral.refresh_from_db()
    assert referral.state == ReferralState.NOT_COMPLETED


def test_decline_with_reason(cw_b, referral):
    services.referral_decline(by=cw_b, referral=referral, reason="ظرفیت کلاس پر است")
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED
    assert referral.decline_reason == "ظرفیت کلاس پر است"
    assert referral.answered_at is not None
    assert referral_timeline(referral) == ["sent", "declined"]


def test_decline_without_reason_is_refused(cw_b, referral):
    with pytest.raises(ValidationError):
        services.referral_decline(by=cw_b, referral=referral, reason=" ")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_sender_withdraws_an_open_referral(cw_a, cw_b, referral):
    services.referral_accept(by=cw_b, referral=referral)
    services.referral_withdraw(by=cw_a, referral=referral, reason="کودک به شهر دیگری رفت")
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.withdrawn_reason == "کودک به شهر دیگری رفت"
    assert referral_timeline(referral) == ["sent", "accepted", "withdrawn"]
    assert referral_audits(referral).filter(detail__state="withdrawn", actor=cw_a).exists()


def test_accepting_a_withdrawn_referral_is_refused(cw_a, cw_b, referral):
    services.referral_withdraw(by=cw_a, referral=referral, reason="اشتباه فرستاده شد")
    with pytest.raises(InvalidState):
        services.referral_accept(by=cw_b, referral=referral)
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN and referral.answered_at is None


def test_sender_cannot_answer_its_own_referral(cw_a, mgr_a, referral):
    for user in (cw_a, mgr_a):
        with pytest.raises(ActionNotAllowed):
            services.referral_accept(by=user, referral=referral)
        with pytest.raises(ActionNotAllowed):
            services.referral_decline(by=user, referral=referral, reason="نه")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_receiver_cannot_withdraw(cw_b, mgr_b, referral):
    for user in (cw_b, mgr_b):
        with pytest.raises(ActionNotAllowed):
            services.referral_withdraw(by=user, referral=referral, reason="نه")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_outsider_cannot_answer(cw_c, referral):
    with pytest.raises(ActionNotAllowed):
        services.referral_accept(by=cw_c, referral=referral)


def test_only_an_accepted_referral_can_be_completed(cw_b, referral):
    with pytest.raises(InvalidState):
        services.referral_complete(by=cw_b, referral=referral, completed=True, notes="انجام شد")


def test_a_closed_referral_cannot_be_withdrawn_or_answered_again(cw_a, cw_b, referral):
    services.referral_accept(by=cw_b, referral=referral)
    services.referral_complete(by=cw_b, referral=referral, completed=True, notes="انجام شد")
    with pytest.raises(InvalidState):
        services.referral_withdraw(by=cw_a, referral=referral, reason="دیر شد")
    with pytest.raises(InvalidState):
        services.referral_accept(by=cw_b, referral=referral)
    with pytest.raises(InvalidState):
        services.referral_complete(by=cw_b, referral=referral, completed=False, notes="دوباره")


def test_completion_needs_notes(cw_b, referral):
    services.referral_accept(by=cw_b, referral=referral)
    with pytest.raises(ValidationError):
        services.referral_complete(by=cw_b, referral=referral, completed=True, notes="")


# --- Consent withdrawal ends sharing (AC-05) ----------------------------------------------------


def test_withdrawn_consent_ends_every_active_referral_of_the_child_at_once(
    client_as, cw_a, cw_b, cw_c, child, org_b, org_c, send
):
    health = ensure_services()["health"]
    to_b = send(child, to=org_b)
    to_c = send(child, to=org_c, service=health)
    services.referral_accept(by=cw_c, referral=to_c)
    finished = send(child, to=org_b, service=health)
    services.referral_decline(by=cw_b, referral=finished, reason="ظرفیت نداریم")

    services.consent_withdraw(by=cw_a, consent=child.current_consent(), reason="پدر مخالف است")

    for referral in (to_b, to_c):
        referral.refresh_from_db()
        assert referral.state == ReferralState.WITHDRAWN
        assert referral.sharing_ended_at is not None
        assert referral_audits(referral).filter(detail__sharing_ended="consent_withdrawn").exists()
    finished.refresh_from_db()
    assert finished.state == ReferralState.DECLINED and finished.sharing_ended_at is None
    assert (
        client_as(cw_b).get(reverse("children:referral_detail", args=[to_b.pk])).status_code == 404
    )
    assert (
        client_as(cw_c).get(reverse("children:referral_detail", args=[to_c.pk])).status_code == 404
    )
    page = client_as(cw_a).get(reverse("children:case_detail", args=[child.pk]))
    assert len(by_testid(page, "referral-sharing-ended")) == 2


def test_withdrawing_a_consent_that_does_not_cover_referral_ends_nothing(cw_a, child, referral):
    photo = services.consent_record(
        by=cw_a,
        case=child,
        data={"given_by": "child", "given_on": datetime.date(2026, 11, 2), "scope": ["photo"]},
    )
    services.consent_withdraw(by=cw_a, consent=photo, reason="عکس نه")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.sharing_ended_at is None


# --- The referral form --------------------------------------------------------------------------


def test_form_offers_organisations_with_the_service_in_the_province_verified_first(
    client_as, cw_a, org_a, org_b, org_c, child, min_officer
):
    offer(org_a, "education", "tehran")  # own organisation: never offered
    elsewhere = OrganisationFactory(code="NGOD", home_province=province("razavi-khorasan"))
    offer(elsewhere, "education", "razavi-khorasan")
    suspended = OrganisationFactory(code="NGOE")
    offer(suspended, "education", "tehran")
    Organisation.objects.filter(pk=suspended.pk).update(
        status="suspended",
        suspended_at=timezone.now(),
        suspended_by=min_officer,
        suspension_reason="x",
    )
    no_service = OrganisationFactory(code="NGOF")
    offer(no_service, "health", "tehran")

    response = client_as(cw_a).get(
        reverse("children:referral_create", args=[child.pk]), {"service": "education"}
    )

    assert response.status_code == 200
    offered = list(response.context["form"].fields["to_organisation"].queryset)
    assert offered == [org_b, org_c]  # B is verified, C not yet


def test_refer_through_the_page_ignores_extra_fields(client_as, cw_a, org_a, org_b, org_c, child):
    response = client_as(cw_a).post(
        reverse("children:referral_create", args=[child.pk]),
        {
            "service": "education",
            "to_organisation": org_b.pk,
            **SHARED,
            "from_organisation": org_c.pk,
            "state": "completed",
            "consent_override_reason": "نفوذی",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.from_organisation, referral.state) == (org_a, ReferralState.SENT)
    assert referral.consent_override_reason == "" and referral.consent is not None


def test_caseworker_without_consent_sees_the_refusal_and_nothing_is_sent(
    client_as, cw_a, org_b, receivers
):
    case = case_without_referral_consent(cw_a)
    url = reverse("children:referral_create", args=[case.pk])
    page = client_as(cw_a).get(url, {"service": "education"})
    assert by_testid(page, "referral-no-consent")
    assert not by_testid(page, "referral-form")
    response = client_as(cw_a).post(
        url, {"service": "education", "to_organisation": org_b.pk, **SHARED}
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_manager_refers_without_consent_through_the_page(client_as, mgr_a, org_b, receivers):
    case = case_without_referral_consent(mgr_a)
    url = reverse("children:referral_create", args=[case.pk])
    data = {"service": "education", "to_organisation": org_b.pk, **SHARED}
    missing_reason = client_as(mgr_a).post(url, data)
    assert missing_reason.status_code == 400 and not Referral.objects.exists()
    client_as(mgr_a).post(url, {**data, "consent_override_reason": "کودک در خطر است"})
    assert Referral.objects.get().consent_override_reason == "کودک در خطر است"


def test_outsider_gets_404_on_the_refer_page(client_as, cw_b, child):
    response = client_as(cw_b).get(reverse("children:referral_create", args=[child.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=cw_b).exists()


# --- What the receiver sees (AC-04, AC-06) -----------------------------------------------------


def test_receiver_sees_only_what_the_referral_shares(client_as, cw_b, child, referral):
    response = client_as(cw_b).get(reverse("children:referral_detail", args=[referral.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("امیرحسین", "کریمی", SHARED["need"], SHARED["contact_arrangements"], "انجمن الف"):
        assert shown in html
    for secret in (
        child.case_number,
        "غلامعباس",  # father's name
        "0012345679",
        "۰۰۱۲۳۴۵۶۷۹",
        "09121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "خاوران",  # address
        "2013-07-15",
        format_date(child.birth_date, "fa"),
        reverse("children:case_detail", args=[child.pk]),
    ):
        assert secret not in html


def test_every_receiver_view_is_audited_for_the_case(client_as, cw_b, org_b, referral):
    client_as(cw_b).get(reverse("children:referral_detail", args=[referral.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=cw_b)
    assert event.object_type == "children.case"
    assert event.object_id == str(referral.case_id)
    assert event.detail == {"referral": referral.pk}
    assert event.organisation == org_b


def test_sender_sees_the_referral_with_a_link_to_its_case(client_as, cw_a, child, referral):
    response = client_as(cw_a).get(reverse("children:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("children:case_detail", args=[child.pk]) in html
    assert child.case_number in html


@pytest.mark.parametrize("ending", ["withdraw", "complete", "decline"])
def test_receiver_gets_404_once_the_referral_ends(client_as, cw_a, cw_b, referral, ending):
    client = client_as(cw_b)
    url = reverse("children:referral_detail", args=[referral.pk])
    assert client.get(url).status_code == 200  # seen once: nothing is granted from this

    if ending == "withdraw":
        services.referral_withdraw(by=cw_a, referral=referral, reason="دیگر لازم نیست")
    elif ending == "decline":
        services.referral_decline(by=cw_b, referral=referral, reason="ظرفیت نداریم")
    else:
        services.referral_accept(by=cw_b, referral=referral)
        services.referral_complete(by=cw_b, referral=referral, completed=True, notes="انجام شد")

    response = client.get(url)
    missing = client.get(reverse("children:referral_detail", args=[referral.pk + 1000]))
    assert response.status_code == missing.status_code == 404
    assert without_tokens(response.content, referral.pk) == without_tokens(
        missing.content, referral.pk + 1000
    )
    denied = AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=cw_b, object_id=str(referral.pk)
    )
    assert denied.get().object_type == "children.referral"
    # The sender still sees it, with the outcome.
    assert client_as(cw_a).get(url).status_code == 200


def test_outsider_organisation_gets_404(client_as, cw_c, referral):
    response = client_as(cw_c).get(reverse("children:referral_detail", args=[referral.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=cw_c).exists()


@pytest.mark.parametrize("user", ["min_officer", "adm"])
def test_ministry_and_administrator_see_no_referral(request, client_as, referral, user):
    client = client_as(request.getfixturevalue(user))
    detail = client.get(reverse("children:referral_detail", args=[referral.pk]))
    assert detail.status_code == 404  # the same answer as for a missing id (AC-07)
    for url in (reverse("children:referral_inbox"), reverse("children:referral_sent")):
        assert client.get(url).status_code == 403
    for name in ("referral_accept", "referral_withdraw"):
        response = client.post(reverse(f"children:{name}", args=[referral.pk]), {"reason": "x"})
        assert response.status_code == 404
    assert "امیرحسین" not in detail.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_access_helper_answers_per_request(cw_a, cw_b, referral):
    assert get_referral_for_user(cw_b, referral.pk) == referral
    services.referral_withdraw(by=cw_a, referral=referral, reason="دیگر لازم نیست")
    with pytest.raises(Http404):
        get_referral_for_user(cw_b, referral.pk)


# --- Answering through the pages ------------------------------------------------------------------


def test_receiver_accepts_and_completes_through_the_pages(client_as, cw_a, cw_b, child, referral):
    client = client_as(cw_b)
    client.post(reverse("children:referral_accept", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED

    response = client.post(
        reverse("children:referral_complete", args=[referral.pk]),
        {"completed": "yes", "notes": "در کلاس سوادآموزی ثبت‌نام شد"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "children:referral_inbox"
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED

    # The notes flow back to A's case page: the referrals card and the timeline.
    page = client_as(cw_a).get(reverse("children:case_detail", args=[child.pk]))
    html = page.content.decode()
    assert html.count("در کلاس سوادآموزی ثبت‌نام شد") >= 2


def test_decline_without_reason_shows_the_error_and_changes_nothing(client_as, cw_b, referral):
    response = client_as(cw_b).post(
        reverse("children:referral_decline", args=[referral.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert field_errors(response, "reason")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_sender_posting_accept_is_refused_with_a_message(client_as, cw_a, referral):
    response = client_as(cw_a).post(
        reverse("children:referral_accept", args=[referral.pk]), follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_receiver_posting_withdraw_is_refused(client_as, cw_b, referral):
    client_as(cw_b).post(
        reverse("children:referral_withdraw", args=[referral.pk]), {"reason": "نه"}
    )
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


def test_outsider_posts_change_nothing(client_as, cw_c, referral):
    client = client_as(cw_c)
    for name, data in (
        ("referral_accept", {}),
        ("referral_decline", {"reason": "نه"}),
        ("referral_complete", {"completed": "yes", "notes": "x"}),
        ("referral_withdraw", {"reason": "نه"}),
    ):
        assert client.post(reverse(f"children:{name}", args=[referral.pk]), data).status_code == 404
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT


# --- The inbox (AC-02) ---------------------------------------------------------------------------


def test_inbox_lists_only_referrals_to_my_organisation(
    client_as, cw_b, cw_c, child, org_b, org_c, send
):
    to_b = send(child, to=org_b)
    send(child, to=org_c)

    response = client_as(cw_b).get(reverse("children:referral_inbox"))

    assert [r.pk for r in response.context["page"]] == [to_b.pk]
    assert (
        client_as(cw_c).get(reverse("children:referral_inbox")).context["page"].paginator.count == 1
    )


def test_inbox_filters_by_state_and_service(client_as, cw_b, child, org_b, send):
    health = ensure_services()["health"]
    education_referral = send(child, to=org_b)
    health_referral = send(child, to=org_b, service=health)
    services.referral_accept(by=cw_b, referral=health_referral)
    client = client_as(cw_b)
    url = reverse("children:referral_inbox")

    by_state = client.get(url, {"state": "accepted"}).context["page"]
    by_service = client.get(url, {"service": "education"}).context["page"]

    assert [r.pk for r in by_state] == [health_referral.pk]
    assert [r.pk for r in by_service] == [education_referral.pk]


def test_inbox_hides_the_name_once_the_referral_ends(client_as, cw_a, cw_b, referral):
    services.referral_withdraw(by=cw_a, referral=referral, reason="دیگر لازم نیست")
    html = client_as(cw_b).get(reverse("children:referral_inbox")).content.decode()
    assert "امیرحسین" not in html
    assert reverse("children:referral_detail", args=[referral.pk]) not in html


def test_overdue_badge_on_both_sides(client_as, cw_a, cw_b, child, org_b, send):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        referral = send(child, to=org_b)
    with time_machine.travel(
        datetime.datetime(2026, 11, 10, 8, 0, tzinfo=datetime.UTC), tick=False
    ):
        inbox = client_as(cw_b).get(reverse("children:referral_inbox"))
        case_page = client_as(cw_a).get(reverse("children:case_detail", args=[child.pk]))
        overdue = client_as(cw_b).get(reverse("children:referral_inbox"), {"overdue": "true"})
    assert 'data-testid="referral-overdue"' in inbox.content.decode()
    assert 'data-testid="referral-overdue"' in case_page.content.decode()
    assert [r.pk for r in overdue.context["page"]] == [referral.pk]


def test_sent_list_shows_my_organisations_referrals(client_as, cw_a, cw_b, referral):
    assert [
        r.pk for r in client_as(cw_a).get(reverse("children:referral_sent")).context["page"]
    ] == [referral.pk]
    assert (
        client_as(cw_b).get(reverse("children:referral_sent")).context["page"].paginator.count == 0
    )


# --- Reminders ---------------------------------------------------------------------------------

SENT_AT = datetime.datetime(2026, 11, 1, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def overdue_referral(child, org_b, mgr_b, send):
    with time_machine.travel(SENT_AT, tick=False):
        return send(child, to=org_b)


def run_reminders(django_capture_on_commit_callbacks, at):
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        send_referral_reminders.delay()


def test_overdue_referral_reminds_the_receiving_managers_once(
    django_capture_on_commit_callbacks, mgr_b, cw_b, overdue_referral
):
    run_reminders(django_capture_on_commit_callbacks, SENT_AT + datetime.timedelta(days=8))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mgr_b.email]
    body = message.body + message.alternatives[0][0] + message.subject
    for secret in ("امیرحسین", "کریمی", overdue_referral.case.case_number, SHARED["need"]):
        assert secret not in body
    assert reverse("children:referral_inbox") in body
    overdue_referral.refresh_from_db()
    assert overdue_referral.reminder_sent_at == SENT_AT + datetime.timedelta(days=8)

    run_reminders(django_capture_on_commit_callbacks, SENT_AT + datetime.timedelta(days=9))
    assert len(mail.outbox) == 1


def test_no_reminder_before_the_answer_is_due(django_capture_on_commit_callbacks, overdue_referral):
    run_reminders(django_capture_on_commit_callbacks, SENT_AT + datetime.timedelta(days=6))
    assert mail.outbox == []
    overdue_referral.refresh_from_db()
    assert overdue_referral.reminder_sent_at is None


def test_no_reminder_for_an_answered_referral(
    django_capture_on_commit_callbacks, cw_b, overdue_referral
):
    services.referral_accept(by=cw_b, referral=overdue_referral)
    run_reminders(django_capture_on_commit_callbacks, SENT_AT + datetime.timedelta(days=8))
    assert mail.outbox == []


def test_a_rolled_back_reminder_run_sends_nothing(overdue_referral):
    """RE-03: the mail is queued on commit, so without a commit nothing goes out."""
    with time_machine.travel(SENT_AT + datetime.timedelta(days=8), tick=False):
        services.referral_send_overdue_reminders()
    assert mail.outbox == []  # the test's transaction never commits


def test_one_message_per_manager_counts_the_organisations_overdue_referrals(
    django_capture_on_commit_callbacks, child, org_b, mgr_b, send, overdue_referral
):
    with time_machine.travel(SENT_AT, tick=False):
        send(child, to=org_b, service=ensure_services()["health"])
    other_manager = member("mgr_b2", org_b, Role.ORG_MANAGER)

    run_reminders(django_capture_on_commit_callbacks, SENT_AT + datetime.timedelta(days=8))

    assert sorted(m.to[0] for m in mail.outbox) == sorted([mgr_b.email, other_manager.email])
    assert all("2" in m.subject or "۲" in m.subject for m in mail.outbox)
    assert Referral.objects.filter(reminder_sent_at__isnull=True).count() == 0
