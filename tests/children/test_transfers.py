"""Issue 20: transferring a case to another organisation (docs/adr/0037).

The key rule: after acceptance the case is 404 for the sender's staff everywhere (pages, search,
exports, the API, the audit trail, the offline bundle), except the closing summary; the receiver
sees the whole case; before acceptance the receiver sees only what the request shares; a third
organisation sees nothing, and the ministry never sees a child.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from children import services
from children.models import (
    Case,
    CaseTransfer,
    ClosureRequest,
    FollowUp,
    PlanAction,
    TimelineEntry,
    TransferState,
    TransferSummary,
)
from children.models.choices import ConsentGiver, ConsentScope, ReferralState
from children.services.transfers import (
    TransferConsentRequired,
    transfer_accept,
    transfer_decline,
    transfer_request,
    transfer_withdraw,
)
from core.exceptions import ActionNotAllowed, InvalidState
from core.models import AuditEvent
from core.permissions import Role
from tests.factories import OrganisationFactory, ReferralFactory, member
from tests.second_factor import verify_session

REASON = "خانواده به مشهد رفت"


@pytest.fixture
def org_c(db):
    return OrganisationFactory(code="NGOC", name_fa="انجمن ج", name_en="NGO C")


@pytest.fixture
def mgr_c(org_c):
    return member("mgr_c", org_c, Role.ORG_MANAGER)


@pytest.fixture
def child(cw_a, register):
    """A's case, with a consent that covers transferring it."""
    case = register(cw_a)
    services.consent_record(
        by=cw_a,
        case=case,
        data={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "مادر",
            "given_on": datetime.date(2026, 11, 20),
            "scope": [ConsentScope.RECORD, ConsentScope.TRANSFER],
        },
    )
    return case


@pytest.fixture
def pending(child, mgr_a, org_b):
    return transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)


@pytest.fixture
def accepted(pending, mgr_b, cw_b):
    return transfer_accept(by=mgr_b, transfer=pending, assigned_to=cw_b)


def api(user):
    client = APIClient()
    client.force_login(user)
    return verify_session(client, user)


# --- Asking -----------------------------------------------------------------------------------


def test_request_keeps_consent_and_is_audited_and_on_the_timeline(pending, child, mgr_a, org_b):
    assert pending.state == TransferState.PENDING
    assert pending.consent.covers(ConsentScope.TRANSFER)
    assert pending.previous_case_number == child.case_number
    event = AuditEvent.objects.get(actor=mgr_a, detail__transfer=pending.pk)
    assert event.object_id == str(child.pk)
    assert event.detail["to_organisation"] == org_b.pk
    assert REASON not in str(event.detail)  # ids and states only
    assert TimelineEntry.objects.filter(
        case=child, kind=TimelineEntry.Kind.TRANSFER, detail__state="pending"
    ).exists()
    # Until the receiver accepts, the case stays the sender's.
    assert Case.objects.get(pk=child.pk).organisation_id == child.organisation_id


def test_request_without_a_consent_covering_transfer_is_refused(case_a, mgr_a, org_b):
    """The registration consent covers keeping the record and referral, not a transfer."""
    with pytest.raises(TransferConsentRequired):
        transfer_request(by=mgr_a, case=case_a, to_organisation=org_b, reason=REASON)
    assert not CaseTransfer.objects.exists()


def test_a_caseworker_cannot_transfer(child, cw_a, org_b):
    with pytest.raises(ActionNotAllowed):
        transfer_request(by=cw_a, case=child, to_organisation=org_b, reason=REASON)


def test_request_needs_a_reason_and_another_organisation(child, mgr_a, org_a, org_b, ministry):
    with pytest.raises(ValidationError) as blank:
        transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason="  ")
    assert "reason" in blank.value.error_dict
    for target in (org_a, ministry):
        with pytest.raises(ValidationError) as wrong:
            transfer_request(by=mgr_a, case=child, to_organisation=target, reason=REASON)
        assert "to_organisation" in wrong.value.error_dict
    assert not CaseTransfer.objects.exists()


def test_one_request_waits_at_a_time(pending, child, mgr_a, org_c):
    with pytest.raises(InvalidState):
        transfer_request(by=mgr_a, case=child, to_organisation=org_c, reason=REASON)


def test_a_pending_closure_blocks_the_request(child, cw_a, mgr_a, org_b):
    services.closure_request(by=cw_a, case=child, reason="moved_away")
    with pytest.raises(InvalidState):
        transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)


# --- Answers ----------------------------------------------------------------------------------


def test_decline_keeps_the_case_with_the_sender(pending, child, mgr_b, org_a):
    with pytest.raises(ValidationError):
        transfer_decline(by=mgr_b, transfer=pending, reason="")
    transfer_decline(by=mgr_b, transfer=pending, reason="ظرفیت نداریم")
    pending.refresh_from_db()
    assert pending.state == TransferState.DECLINED
    assert Case.objects.get(pk=child.pk).organisation == org_a
    assert not TransferSummary.objects.exists()


def test_only_the_receiver_answers_and_only_the_sender_withdraws(
    pending, mgr_a, mgr_b, mgr_c, cw_b
):
    with pytest.raises(ActionNotAllowed):
        transfer_accept(by=mgr_a, transfer=pending, assigned_to=cw_b)
    with pytest.raises(ActionNotAllowed):
        transfer_accept(by=mgr_c, transfer=pending, assigned_to=cw_b)
    with pytest.raises(ActionNotAllowed):
        transfer_decline(by=cw_b, transfer=pending, reason="نه")
    with pytest.raises(ActionNotAllowed):
        transfer_withdraw(by=mgr_b, transfer=pending, reason="نه")


def test_withdraw_ends_the_receivers_sight(pending, mgr_a, mgr_b, client_as):
    transfer_withdraw(by=mgr_a, transfer=pending, reason="خانواده برگشت")
    pending.refresh_from_db()
    assert pending.state == TransferState.WITHDRAWN
    assert (
        client_as(mgr_b).get(reverse("children:transfer_detail", args=[pending.pk])).status_code
        == 404
    )
    with pytest.raises(InvalidState):
        transfer_accept(by=mgr_b, transfer=pending, assigned_to=mgr_b)


def test_withdrawn_consent_ends_the_waiting_transfer(pending, cw_a, mgr_b, cw_b, client_as):
    services.consent_withdraw(by=cw_a, consent=pending.consent, reason="سرپرست نخواست")
    pending.refresh_from_db()
    assert pending.state == TransferState.WITHDRAWN
    assert (
        client_as(mgr_b).get(reverse("children:transfer_detail", args=[pending.pk])).status_code
        == 404
    )
    with pytest.raises(InvalidState):
        transfer_accept(by=mgr_b, transfer=pending, assigned_to=cw_b)


def test_accept_needs_a_caseworker_of_the_receiver(pending, mgr_b, cw_a, child, org_a):
    with pytest.raises(ValidationError) as refused:
        transfer_accept(by=mgr_b, transfer=pending, assigned_to=cw_a)
    assert "assigned_to" in refused.value.error_dict
    assert Case.objects.get(pk=child.pk).organisation == org_a
    assert not TransferSummary.objects.exists()


# --- Acceptance: the case moves ---------------------------------------------------------------


def test_accept_moves_the_case_with_its_history(child, cw_a, mgr_a, org_b, cw_b, mgr_b, org_a):
    services.case_add_note(by=cw_a, case=child, body="یادداشت اول")
    goal = services.plan_goal_add(by=cw_a, case=child, goal="بازگشت به مدرسه")
    action = services.plan_action_add(by=cw_a, goal=goal, description="ثبت‌نام", responsible=cw_a)
    followup = services.followup_schedule(
        by=cw_a,
        case=child,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
        kind="home_visit",
        responsible=cw_a,
    )
    old_number = child.case_number
    transfer = transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    transfer_accept(by=mgr_b, transfer=transfer, assigned_to=cw_b)

    case = Case.objects.get(pk=child.pk)
    assert case.organisation == org_b
    assert case.assigned_to == cw_b
    # A number of the receiver's numbering; the old one is kept on the transfer and the summary.
    assert case.case_number.split("-")[1] == "NGOB" and case.case_number != old_number
    transfer.refresh_from_db()
    assert (transfer.previous_case_number, transfer.new_case_number) == (
        old_number,
        case.case_number,
    )
    assert case.notes.count() == 1 and case.plan_goals.count() == 1
    assert FollowUp.objects.get(pk=followup.pk).responsible == cw_b
    assert PlanAction.objects.get(pk=action.pk).responsible == cw_b
    event = AuditEvent.objects.get(
        actor=mgr_b, detail__transfer=transfer.pk, detail__state="accepted"
    )
    assert event.detail["previous_case_number"] == old_number
    assert event.organisation == org_b

    summary = TransferSummary.objects.get()
    assert summary.organisation == org_a
    assert summary.case_number == old_number
    assert summary.child_name == "علی ر."
    assert summary.reason == REASON
    assert summary.last_caseworker == cw_a


def test_accept_withdraws_open_referrals_and_returns_a_pending_closure(
    child, mgr_a, org_b, mgr_b, cw_b, cw_a, org_c
):
    referral = ReferralFactory(
        case=child, from_organisation=child.organisation, to_organisation=org_c
    )
    transfer = transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    # A closure asked while the transfer waits is sent back when the case moves.
    closure = services.closure_request(by=cw_a, case=child, reason="moved_away")
    transfer_accept(by=mgr_b, transfer=transfer, assigned_to=cw_b)
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN and referral.sharing_ended_at is not None
    closure.refresh_from_db()
    assert closure.state == ClosureRequest.State.RETURNED


def test_case_numbers_stay_unique_across_organisations(
    child, mgr_a, org_b, mgr_b, cw_b, cw_a, register, org_a
):
    """The number is unique over every organisation (Case Meta): the moved case takes one from
    the receiver's sequence, so it cannot collide with B's own cases, and the sender's later
    registrations cannot collide with the number it had. A case moved away and back and away
    again leaves two summaries with the same old number, which nothing forbids."""
    b_own = register(cw_b, given_name="زهرا")
    transfer = transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    transfer_accept(by=mgr_b, transfer=transfer, assigned_to=cw_b)
    moved = Case.objects.get(pk=child.pk)
    assert moved.case_number != b_own.case_number
    a_new = register(cw_a, given_name="رضا")
    numbers = list(Case.objects.values_list("case_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3
    assert a_new.case_number != transfer.previous_case_number

    # Back to A, then to B again: each leg takes a fresh number.
    services.consent_record(
        by=cw_b,
        case=moved,
        data={
            "given_by": "guardian",
            "given_on": datetime.date(2026, 11, 25),
            "scope": ["record", "transfer"],
        },
    )
    back = transfer_request(by=mgr_b, case=moved, to_organisation=org_a, reason="برگشتند")
    transfer_accept(by=mgr_a_user(org_a), transfer=back, assigned_to=cw_a)
    assert Case.objects.get(pk=child.pk).organisation == org_a
    numbers = list(Case.objects.values_list("case_number", flat=True))
    assert len(numbers) == len(set(numbers))
    # The database refuses a copied number outright.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=a_new.pk).update(case_number=b_own.case_number)


def mgr_a_user(org_a):
    from core.models import User

    return User.objects.get(username="mgr_a")


# --- Who sees what (the key test) -------------------------------------------------------------


def test_after_acceptance_the_sender_gets_404_everywhere_but_the_summary(
    accepted, child, cw_a, mgr_a, client_as
):
    summary = TransferSummary.objects.get()
    for user in (cw_a, mgr_a):
        client = client_as(user)
        for name in ("case_detail", "case_duplicates", "referral_create", "transfer_create"):
            assert client.get(reverse(f"children:{name}", args=[child.pk])).status_code == 404, name
        # The transfer request itself is no longer the sender's to open.
        assert (
            client.get(reverse("children:transfer_detail", args=[accepted.pk])).status_code == 404
        )
        # The case list, its search and its exports do not hold the child.
        case_url = reverse("children:case_detail", args=[child.pk])
        for term in ("علی", accepted.new_case_number, accepted.previous_case_number):
            page = client.get(reverse("children:case_list"), {"q": term})
            assert case_url not in page.content.decode(), term
        export = client.get(reverse("children:case_export_csv"))
        content = b"".join(export.streaming_content).decode("utf-8-sig")
        assert child.case_number not in content and "رضایی" not in content
        # The closing summary is the one thing left.
        response = client.get(reverse("children:transfer_summary_detail", args=[summary.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "علی ر." in body and "رضایی" not in body
        listing = client.get(reverse("children:transfer_summaries")).content.decode()
        assert "علی ر." in listing
    # The audit trail is the case's: 404 for the sender's manager.
    assert client_as(mgr_a).get(reverse("children:case_audit", args=[child.pk])).status_code == 404
    # The sent list shows the summary, never the full name.
    sent = client_as(mgr_a).get(reverse("children:transfers_sent")).content.decode()
    assert "علی ر." in sent and "رضایی" not in sent


def test_after_acceptance_the_sender_gets_404_over_the_api_and_the_bundle(
    accepted, child, cw_a, mgr_a
):
    for user in (cw_a, mgr_a):
        client = api(user)
        assert client.get(f"/api/v1/cases/{child.pk}/").status_code == 404
        assert client.get(f"/api/v1/cases/{child.pk}/notes/").status_code == 404
        assert client.get(f"/api/v1/cases/{child.pk}/follow-ups/").status_code == 404
        listed = client.get("/api/v1/cases/").json()["results"]
        assert child.pk not in [row["id"] for row in listed]
        found = client.get("/api/v1/cases/", {"q": "علی"}).json()["results"]
        assert child.pk not in [row["id"] for row in found]
    bundle = api(cw_a).get("/api/v1/offline/bundle/").json()
    assert child.pk not in [row["id"] for row in bundle["cases"]]


def test_after_acceptance_the_receiver_sees_the_full_case(accepted, child, cw_b, mgr_b, client_as):
    for user in (cw_b, mgr_b):
        page = client_as(user).get(reverse("children:case_detail", args=[child.pk]))
        assert page.status_code == 200
        assert "رضایی" in page.content.decode()
        assert api(user).get(f"/api/v1/cases/{child.pk}/").status_code == 200
    assert client_as(mgr_b).get(reverse("children:case_audit", args=[child.pk])).status_code == 200
    bundle = api(cw_b).get("/api/v1/offline/bundle/").json()
    assert child.pk in [row["id"] for row in bundle["cases"]]


def test_before_acceptance_the_receiver_sees_only_what_the_request_shares(
    pending, child, mgr_b, cw_b, client_as
):
    client = client_as(mgr_b)
    page = client.get(reverse("children:transfer_detail", args=[pending.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "علی" in body and REASON in body
    # Never the case itself, nor what only the case holds.
    assert child.case_number not in body and "حسن" not in body
    assert client.get(reverse("children:case_detail", args=[child.pk])).status_code == 404
    assert api(mgr_b).get(f"/api/v1/cases/{child.pk}/").status_code == 404
    # A caseworker of the receiver does not answer transfers.
    assert (
        client_as(cw_b).get(reverse("children:transfer_detail", args=[pending.pk])).status_code
        == 404
    )
    assert client_as(cw_b).get(reverse("children:transfers_received")).status_code == 403


def test_a_third_organisation_and_the_ministry_see_nothing(
    pending, child, mgr_c, min_officer, client_as
):
    for user in (mgr_c, min_officer):
        client = client_as(user)
        assert client.get(reverse("children:transfer_detail", args=[pending.pk])).status_code == 404
        assert client.get(reverse("children:case_detail", args=[child.pk])).status_code == 404
    summaries = client_as(mgr_c).get(reverse("children:transfer_summaries")).content.decode()
    assert "علی" not in summaries
    assert client_as(min_officer).get(reverse("children:transfer_summaries")).status_code == 403
    assert client_as(min_officer).get(reverse("children:transfers_received")).status_code == 403


def test_summaries_are_the_senders_alone(accepted, mgr_b, mgr_c, client_as):
    summary = TransferSummary.objects.get()
    for user in (mgr_b, mgr_c):
        response = client_as(user).get(
            reverse("children:transfer_summary_detail", args=[summary.pk])
        )
        assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, object_type="children.transfersummary"
    ).exists()


def test_the_senders_old_encounter_no_longer_names_the_child(
    child, cw_a, mgr_a, org_b, mgr_b, cw_b, log_encounter, client_as
):
    encounter = log_encounter(cw_a, cases=[child])
    transfer = transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    transfer_accept(by=mgr_b, transfer=transfer, assigned_to=cw_b)
    page = client_as(cw_a).get(reverse("children:encounter_detail", args=[encounter.pk]))
    assert page.status_code == 200
    assert "رضایی" not in page.content.decode()


def test_the_receiver_opens_referrals_made_before_the_transfer_and_the_sender_does_not(
    child, mgr_a, org_b, mgr_b, cw_b, cw_a, org_c, client_as
):
    referral = ReferralFactory(
        case=child, from_organisation=child.organisation, to_organisation=org_c
    )
    transfer = transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    transfer_accept(by=mgr_b, transfer=transfer, assigned_to=cw_b)
    url = reverse("children:referral_detail", args=[referral.pk])
    assert client_as(cw_a).get(url).status_code == 404
    assert client_as(cw_b).get(url).status_code == 200
    sent = client_as(cw_a).get(reverse("children:referral_sent")).content.decode()
    assert "رضایی" not in sent


# --- Pages ------------------------------------------------------------------------------------


def test_the_manager_asks_on_the_page_and_bad_input_stays_beside_the_field(
    child, mgr_a, org_b, client_as
):
    client = client_as(mgr_a)
    url = reverse("children:transfer_create", args=[child.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"to_organisation": org_b.pk, "reason": ""})
    assert bad.status_code == 400
    assert (
        "Give the reason for the transfer." in bad.content.decode()
        or "دلیل" in bad.content.decode()
    )
    assert not CaseTransfer.objects.exists()
    good = client.post(url, {"to_organisation": org_b.pk, "reason": REASON})
    assert good.status_code == 302
    assert CaseTransfer.objects.get().state == TransferState.PENDING


def test_a_caseworker_gets_403_on_the_transfer_page(child, cw_a, client_as):
    assert (
        client_as(cw_a).get(reverse("children:transfer_create", args=[child.pk])).status_code == 403
    )


def test_the_receiver_accepts_on_the_page(pending, child, mgr_b, cw_b, client_as):
    client = client_as(mgr_b)
    home = client.get(reverse("children:my_work")).content.decode()
    assert reverse("children:transfer_detail", args=[pending.pk]) in home
    listing = client.get(reverse("children:transfers_received")).content.decode()
    assert "علی" in listing
    url = reverse("children:transfer_accept", args=[pending.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"assigned_to": cw_b.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("children:case_detail", args=[child.pk])
    assert Case.objects.get(pk=child.pk).organisation == pending.to_organisation


@pytest.mark.parametrize(
    "language,text", [("en", "Transfer this case"), ("fa", "انتقال این پرونده")]
)
def test_the_case_page_offers_the_transfer_to_managers_in_both_languages(
    child, mgr_a, cw_a, client_as, language, text
):
    client = client_as(mgr_a)
    client.cookies["django_language"] = language
    page = client.get(
        reverse("children:case_detail", args=[child.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    if language == "en":
        assert text in page.content.decode()
    assert reverse("children:transfer_create", args=[child.pk]) in page.content.decode()
    caseworker_page = client_as(cw_a).get(reverse("children:case_detail", args=[child.pk]))
    assert (
        reverse("children:transfer_create", args=[child.pk]) not in caseworker_page.content.decode()
    )


def test_the_receiver_declines_and_the_sender_reads_the_reason(pending, mgr_a, mgr_b, client_as):
    client = client_as(mgr_b)
    url = reverse("children:transfer_decline", args=[pending.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "ظرفیت این ماه پر است"}).status_code == 302
    pending.refresh_from_db()
    assert pending.state == TransferState.DECLINED
    # The receiver no longer opens it; the sender reads why.
    assert client.get(reverse("children:transfer_detail", args=[pending.pk])).status_code == 404
    listing = client.get(reverse("children:transfers_received")).content.decode()
    assert "رضایی" not in listing
    assert reverse("children:transfer_detail", args=[pending.pk]) not in listing
    page = client_as(mgr_a).get(reverse("children:transfer_detail", args=[pending.pk]))
    assert "ظرفیت این ماه پر است" in page.content.decode()


def test_the_sender_withdraws_on_the_page(pending, mgr_a, client_as):
    client = client_as(mgr_a)
    url = reverse("children:transfer_withdraw", args=[pending.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "خانواده ماند"}).status_code == 302
    pending.refresh_from_db()
    assert pending.state == TransferState.WITHDRAWN


def test_posting_extra_fields_on_acceptance_changes_nothing_else(
    pending, child, mgr_b, cw_b, org_a, client_as
):
    """AC-06: the accept form takes a caseworker and nothing else."""
    client_as(mgr_b).post(
        reverse("children:transfer_accept", args=[pending.pk]),
        {
            "assigned_to": cw_b.pk,
            "organisation": org_a.pk,
            "case_number": "X-1",
            "state": "declined",
        },
    )
    case = Case.objects.get(pk=child.pk)
    assert case.organisation == pending.to_organisation
    assert case.case_number != "X-1"
    pending.refresh_from_db()
    assert pending.state == TransferState.ACCEPTED


def test_the_senders_caseworker_sees_the_waiting_transfer_but_no_button(
    pending, child, cw_a, client_as
):
    page = client_as(cw_a).get(reverse("children:case_detail", args=[child.pk])).content.decode()
    assert 'data-testid="transfer-pending"' in page
    assert reverse("children:transfer_create", args=[child.pk]) not in page
    assert reverse("children:transfer_detail", args=[pending.pk]) not in page


def test_the_receivers_managers_are_mailed_without_the_child(
    django_capture_on_commit_callbacks, child, mgr_a, mgr_b, org_b
):
    from django.core import mail

    mgr_b.language = "en"
    mgr_b.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        transfer_request(by=mgr_a, case=child, to_organisation=org_b, reason=REASON)
    assert [message.to[0] for message in mail.outbox] == [mgr_b.email]
    message = mail.outbox[0]
    assert message.subject == "A case transfer is waiting for your answer"
    text = message.body + message.alternatives[0][0]
    for secret in (child.given_name, child.family_name, child.case_number, REASON):
        assert secret not in text
    assert "/transfers/received/?state=pending" in text


def test_a_refused_request_mails_nobody(django_capture_on_commit_callbacks, case_a, mgr_a, org_b):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransferConsentRequired):
        transfer_request(by=mgr_a, case=case_a, to_organisation=org_b, reason=REASON)
    assert mail.outbox == []


# --- Retention ----------------------------------------------------------------------------------


def test_anonymising_the_moved_case_clears_the_senders_summary_and_the_transfers_text(accepted):
    from children.selectors.retention import Rule
    from children.services.retention import case_anonymise

    moment = timezone.make_aware(datetime.datetime(2025, 1, 1, 12))
    Case.objects.filter(pk=accepted.case_id).update(
        status="closed", closed_at=moment, birth_date=datetime.date(2010, 3, 1)
    )
    rule = Rule(years_after_closure=5, years_after_adulthood=2)
    assert case_anonymise(case_id=accepted.case_id, today=datetime.date(2031, 6, 15), rule=rule)

    summary = TransferSummary.objects.get(transfer=accepted)
    assert (summary.given_name, summary.family_initial, summary.reason) == ("—", "", "—")
    accepted.refresh_from_db()
    assert accepted.reason == "—"


# --- The child may already have a case at the receiver -------------------------------------------


def test_the_receiver_sees_its_own_likely_duplicate_and_must_say_it_is_not_the_child(
    pending, child, mgr_b, cw_b, register, client_as
):
    """B already registered the same child: before accepting, B's manager sees B's own case and
    accepts only after saying it is another child; nothing of A's other cases is shown."""
    own = register(cw_b)  # the same identity as A's child
    client = client_as(mgr_b)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("children:transfer_detail", args=[pending.pk]))
    assert list(page.context["already_here"])[0].case == own
    html = page.content.decode()
    assert own.case_number in html and child.case_number not in html

    url = reverse("children:transfer_accept", args=[pending.pk])
    refused = client.post(url, {"assigned_to": cw_b.pk})
    assert refused.status_code == 400
    assert "may already have a case here" in refused.content.decode()
    assert Case.objects.get(pk=child.pk).organisation == pending.from_organisation

    accepted = client.post(url, {"assigned_to": cw_b.pk, "not_already_here": "on"})
    assert accepted.status_code == 302
    assert Case.objects.get(pk=child.pk).organisation == pending.to_organisation


def test_a_likely_duplicate_at_another_organisation_is_not_shown_to_the_receiver(
    pending, mgr_b, mgr_c, register, client_as
):
    register(mgr_c)  # the same identity, but at C: not B's to see
    page = client_as(mgr_b).get(reverse("children:transfer_detail", args=[pending.pk]))
    assert page.context["already_here"] == []
    assert b'data-testid="transfer-already-here"' not in page.content


def test_the_follow_ups_move_with_the_case(pending, child, cw_a, mgr_b, cw_b, org_b):
    """Each follow-up carries its case's organisation (for "My work"): all of them move."""
    services.followup_schedule(
        by=cw_a, case=child, due_on=timezone.localdate(), kind="home_visit", responsible=cw_a
    )
    assert set(FollowUp.objects.filter(case=child).values_list("organisation", flat=True)) == {
        child.organisation_id
    }
    transfer_accept(by=mgr_b, transfer=pending, assigned_to=cw_b)
    assert set(FollowUp.objects.filter(case=child).values_list("organisation", flat=True)) == {
        org_b.pk
    }


def test_my_work_shows_the_waiting_transfer_to_both_managers(
    pending, child, mgr_a, mgr_b, org_a, org_b, client_as
):
    asked = client_as(mgr_a).get(reverse("children:my_work")).content.decode()
    assert f"<bdi>{child.full_name}</bdi>" in asked and f"<bdi>{org_b.name_fa}</bdi>" in asked
    waiting = client_as(mgr_b).get(reverse("children:my_work")).content.decode()
    # The receiver sees only what the request shares: the names, the sender, the day.
    assert f"<bdi>{child.given_name} {child.family_name}</bdi>" in waiting
    assert f"<bdi>{org_a.name_fa}</bdi>" in waiting
    assert 'data-testid="transfers-incoming-count">۱<' in waiting
    assert reverse("children:transfer_detail", args=[pending.pk]) in waiting
