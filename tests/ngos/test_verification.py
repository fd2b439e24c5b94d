"""Ministry officers verify and suspend organisations; every change is audited and the managers
are told by email; a suspended organisation's staff still work on their own cases."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.permissions import Role
from ngos.services import organisation_reinstate, organisation_suspend, organisation_verify
from tests.factories import OrganisationFactory, member, province


def audit_events(organisation, event):
    return AuditEvent.objects.filter(
        object_type="ngos.organisation", object_id=str(organisation.pk), detail__event=event
    )


def test_verifying_records_who_when_audits_and_emails_the_managers(
    min_officer, org_a, mgr_a, cw_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation_verify(by=min_officer, organisation=org_a, note="اساسنامه بررسی شد")
    org_a.refresh_from_db()
    assert org_a.is_verified and org_a.verified_by == min_officer
    event = audit_events(org_a, "verified").get()
    assert event.actor == min_officer and event.detail["note"] == "اساسنامه بررسی شد"
    assert [m.to for m in mailoutbox] == [[mgr_a.email]]  # managers only, not caseworkers
    assert "انجمن الف" in mailoutbox[0].subject


def test_suspending_needs_a_reason(min_officer, org_a):
    with pytest.raises(ValidationError):
        organisation_suspend(by=min_officer, organisation=org_a, reason="  ")
    org_a.refresh_from_db()
    assert not org_a.is_suspended


def test_suspension_is_audited_and_the_managers_get_the_reason_in_their_language(
    min_officer, org_a, mgr_a, mailoutbox, django_capture_on_commit_callbacks
):
    mgr_a.language = "en"
    mgr_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        organisation_suspend(by=min_officer, organisation=org_a, reason="Licence expired")
    org_a.refresh_from_db()
    assert org_a.is_suspended and org_a.suspension_reason == "Licence expired"
    assert audit_events(org_a, "suspended").get().detail["reason"] == "Licence expired"
    (message,) = mailoutbox
    assert message.subject == "NGO A has been suspended"
    assert "Licence expired" in message.body and "no new referrals" in message.body


def test_no_email_is_sent_when_the_change_rolls_back(
    min_officer, org_a, mgr_a, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        organisation_suspend(by=min_officer, organisation=org_a, reason="x")
        raise RuntimeError("fails after the service")
    assert mailoutbox == []
    assert not audit_events(org_a, "suspended").exists()


def test_a_suspended_organisation_cannot_be_suspended_twice_or_verified(min_officer, org_a):
    organisation_suspend(by=min_officer, organisation=org_a, reason="بازرسی")
    with pytest.raises(ValidationError):
        organisation_suspend(by=min_officer, organisation=org_a, reason="دوباره")
    with pytest.raises(ValidationError):
        organisation_verify(by=min_officer, organisation=org_a)


def test_reinstating_ends_the_suspension_and_is_audited_with_the_old_reason(min_officer, org_a):
    organisation_suspend(by=min_officer, organisation=org_a, reason="بازرسی")
    organisation_reinstate(by=min_officer, organisation=org_a, note="مدارک رسید")
    org_a.refresh_from_db()
    assert org_a.can_receive_referrals and org_a.suspension_reason == ""
    event = audit_events(org_a, "reinstated").get()
    assert event.detail["suspension_reason"] == "بازرسی"


@pytest.mark.parametrize("who", ["cw_a", "mgr_a", "adm"])
def test_only_ministry_officers_verify(who, request, org_a):
    with pytest.raises(PermissionDenied):
        organisation_verify(by=request.getfixturevalue(who), organisation=org_a)


def test_a_provincial_officer_verifies_only_organisations_in_their_province(
    sb_officer, org_a, client_as
):
    sb_ngo = OrganisationFactory(code="SBX", home_province=province("sistan-baluchestan"))
    organisation_verify(by=sb_officer, organisation=sb_ngo)
    with pytest.raises(PermissionDenied):
        organisation_verify(by=sb_officer, organisation=org_a)  # a Tehran NGO
    assert client_as(sb_officer).get(reverse("ngos:suspend", args=[org_a.pk])).status_code == 404


@pytest.mark.parametrize("who", ["cw_a", "mgr_a", "adm"])
def test_verification_pages_are_403_for_anyone_but_ministry_officers(
    who, request, client_as, org_b
):
    client = client_as(request.getfixturevalue(who))
    for name in ("verify", "suspend", "reinstate"):
        assert client.get(reverse(f"ngos:{name}", args=[org_b.pk])).status_code == 403


def test_ministry_officer_suspends_through_the_page(
    client_as, min_officer, org_b, mgr_b, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_as(min_officer)
    url = reverse("ngos:suspend", args=[org_b.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "is-invalid" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "گزارش تخلف"})
    assert response.status_code == 302
    org_b.refresh_from_db()
    assert org_b.is_suspended
    assert len(mailoutbox) == 1
    detail = client.get(reverse("ngos:detail", args=[org_b.pk])).content.decode()
    assert "گزارش تخلف" in detail


def test_verify_page_needs_both_confirmations(client_as, min_officer, org_b):
    client = client_as(min_officer)
    url = reverse("ngos:verify", args=[org_b.pk])
    client.post(url, {"documents_checked": "on"})
    org_b.refresh_from_db()
    assert not org_b.is_verified
    client.post(url, {"documents_checked": "on", "registration_confirmed": "on"})
    org_b.refresh_from_db()
    assert org_b.is_verified


def test_a_suspended_organisations_staff_still_sign_in_and_see_a_notice(client, min_officer, org_a):
    from tests.factories import TEST_PASSWORD

    user = member("worker", org_a, Role.CASEWORKER)
    organisation_suspend(by=min_officer, organisation=org_a, reason="بازرسی")
    signed_in = client.post(reverse("login"), {"username": "worker", "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-testid="organisation-suspended"' in response.content.decode()
    assert response.context["user"] == user
