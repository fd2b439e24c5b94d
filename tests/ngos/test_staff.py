"""Staff: invitations (one-time, expiring), roles, deactivation that ends sessions at once and
reassigns open cases in the same step, and managers kept to their own organisation (AC-07)."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.models import AuditEvent
from core.permissions import Role
from ngos.services import staff_change_role, staff_deactivate, staff_invite
from ngos.signals import member_deactivating
from tests.factories import TEST_PASSWORD, CaseFactory, member, province

User = get_user_model()
NEW_PASSWORD = "seven ordinary words in a row"
LINK = re.compile(r"https?://[^/\s]+(/organisations/invitation/[^/\s]+/[^/\s]+/)")


def invitation_data(**overrides):
    data = {
        "first_name": "سارا",
        "last_name": "نوری",
        "email": "sara@example.org",
        "username": "sara",
        "role": Role.CASEWORKER,
        "title": "مددکار اجتماعی",
        "language": "fa",
    }
    data.update(overrides)
    return data


def link_in(message):
    return LINK.search(message.body).group(1)


def sign_in(username, password):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client if response.status_code == 302 else None


def accept(path, password=NEW_PASSWORD):
    """Open an invitation link and choose a password, as the browser does; the final response."""
    client = Client()
    response = client.get(path, follow=True)
    if "new_password1" not in response.content.decode():
        return response
    return client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
    )


@pytest.fixture
def invite(mgr_a, org_a, django_capture_on_commit_callbacks, mailoutbox):
    """`invite(**overrides)` invites through the service and returns the emailed link's path."""

    def send(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            staff_invite(by=mgr_a, organisation=org_a, data=invitation_data(**overrides))
        return link_in(mailoutbox[-1])

    return send


# --- Invitations ---------------------------------------------------------------------------


def test_manager_invites_a_caseworker_who_chooses_a_password_and_signs_in(
    client_as, mgr_a, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(mgr_a).post(
            reverse("ngos:staff_invite", args=[org_a.pk]), invitation_data()
        )
    assert response.status_code == 302
    sara = User.objects.get(username="sara")
    assert sara.membership.organisation == org_a and sara.membership.role == Role.CASEWORKER
    assert not sara.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["sara@example.org"]
    assert sign_in("sara", NEW_PASSWORD) is None  # no password until the link is used

    done = accept(link_in(message))
    assert done.status_code == 302 and done["Location"] == reverse("login")
    assert sign_in("sara", NEW_PASSWORD) is not None
    events = set(AuditEvent.objects.values_list("detail__event", flat=True))
    assert {"staff_invited", "invitation_accepted"} <= events


def test_an_invitation_link_works_once(invite):
    path = invite()
    assert accept(path).status_code == 302
    again = accept(path, password="another set of ordinary words")
    assert 'data-testid="invitation-invalid"' in again.content.decode()
    assert sign_in("sara", NEW_PASSWORD) is not None


def test_an_invitation_link_expires_after_72_hours(invite):
    # Django's token clock is naive datetime.now(): freeze it for both making and checking.
    start = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        path = invite()
    with time_machine.travel(start + datetime.timedelta(hours=71, minutes=59), tick=False):
        response = Client().get(path, follow=True)
        assert "new_password1" in response.content.decode()
    with time_machine.travel(start + datetime.timedelta(hours=72, minutes=1), tick=False):
        expired = accept(path)
    assert 'data-testid="invitation-invalid"' in expired.content.decode()
    assert not User.objects.get(username="sara").has_usable_password()


def test_sending_the_invitation_again_cancels_the_older_link(
    invite, client_as, mgr_a, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    old = invite()
    membership = User.objects.get(username="sara").membership
    with django_capture_on_commit_callbacks(execute=True):
        client_as(mgr_a).post(
            reverse("ngos:staff_resend_invitation", args=[org_a.pk, membership.pk])
        )
    new = link_in(mailoutbox[-1])
    assert new != old
    assert 'data-testid="invitation-invalid"' in accept(old).content.decode()
    assert accept(new).status_code == 302


def test_deactivating_an_invited_person_cancels_their_link(invite, mgr_a):
    path = invite()
    staff_deactivate(by=mgr_a, membership=User.objects.get(username="sara").membership)
    assert 'data-testid="invitation-invalid"' in accept(path).content.decode()


def test_a_password_reset_token_does_not_open_an_invitation(invite):
    invite()
    sara = User.objects.get(username="sara")
    path = reverse(
        "ngos:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(sara.pk)),
            "token": default_token_generator.make_token(sara),
        },
    )
    assert 'data-testid="invitation-invalid"' in accept(path).content.decode()


def test_a_short_password_is_refused_beside_the_field(invite):
    response = accept(invite(), password="short")
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not User.objects.get(username="sara").has_usable_password()


def test_the_invitation_is_written_in_the_chosen_language(invite, mailoutbox):
    invite(language="en")
    assert mailoutbox[-1].subject == "You are invited to join NGO A"
    invite(username="reza", email="reza@example.org", language="fa")
    assert "انجمن الف" in mailoutbox[-1].subject


def test_a_taken_username_or_address_is_refused(client_as, mgr_a, org_a, cw_a):
    url = reverse("ngos:staff_invite", args=[org_a.pk])
    response = client_as(mgr_a).post(
        url, invitation_data(username="CW_A", email=cw_a.email.upper())
    )
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") == 2
    assert not User.objects.filter(username="sara").exists()


def test_a_manager_cannot_give_the_administrator_or_ministry_role(client_as, mgr_a, org_a):
    for role in (Role.ADMINISTRATOR, Role.MINISTRY_OFFICER):
        response = client_as(mgr_a).post(
            reverse("ngos:staff_invite", args=[org_a.pk]), invitation_data(role=role)
        )
        assert response.status_code == 200  # refused beside the field
    assert not User.objects.filter(username="sara").exists()
    with pytest.raises(PermissionDenied):
        staff_invite(by=mgr_a, organisation=org_a, data=invitation_data(role=Role.ADMINISTRATOR))


def test_an_administrator_invites_a_provincial_ministry_officer(adm, ministry):
    membership = staff_invite(
        by=adm,
        organisation=ministry,
        data=invitation_data(role=Role.MINISTRY_OFFICER, province=province("sistan-baluchestan")),
    )
    assert membership.province.code == "sistan-baluchestan"


def test_nobody_is_made_an_administrator_of_an_ngo(adm, org_a):
    with pytest.raises(ValidationError):
        staff_invite(by=adm, organisation=org_a, data=invitation_data(role=Role.ADMINISTRATOR))


# --- Roles ---------------------------------------------------------------------------------


def test_manager_changes_a_caseworkers_role_and_it_is_audited(client_as, mgr_a, cw_a, org_a):
    url = reverse("ngos:staff_edit", args=[org_a.pk, cw_a.membership.pk])
    response = client_as(mgr_a).post(url, {"role": Role.ORG_MANAGER, "title": "سرپرست"})
    assert response.status_code == 302
    cw_a.membership.refresh_from_db()
    assert cw_a.membership.role == Role.ORG_MANAGER
    event = AuditEvent.objects.get(detail__event="staff_role_changed")
    assert event.detail["changed"]["role"] == {"from": "caseworker", "to": "org_manager"}


def test_nobody_changes_their_own_role(mgr_a):
    with pytest.raises(ValidationError):
        staff_change_role(by=mgr_a, membership=mgr_a.membership, role=Role.CASEWORKER)


# --- Deactivation and reassignment ---------------------------------------------------------


def open_case(organisation, caseworker, status="registered"):
    return CaseFactory(
        organisation=organisation,
        status=status,
        closed_at=timezone.now() if status == "closed" else None,
        assigned_to=caseworker,
        sex="female",
        estimated_age=11,
        documentation="undocumented",
        province=organisation.home_province,
    )


def test_deactivating_ends_the_persons_sessions_at_once(
    client_as, mgr_a, cw_a, org_a, django_capture_on_commit_callbacks
):
    """SE-01: the leaver's open session is deleted after the commit and refused meanwhile."""
    leaver, manager = client_as(cw_a), client_as(mgr_a)
    assert leaver.get(reverse("home")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            reverse("ngos:staff_deactivate", args=[org_a.pk, cw_a.membership.pk]),
            {"reassign_to": mgr_a.pk},
        )
    assert response.status_code == 302
    next_request = leaver.get(reverse("home"))
    assert next_request.status_code == 302
    assert next_request["Location"].startswith(reverse("login"))
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert remaining == [str(mgr_a.pk)]  # the manager's own session is untouched
    assert sign_in("cw_a", TEST_PASSWORD) is None


def test_deactivation_reassigns_every_open_case_in_one_step(client_as, mgr_a, cw_a, org_a, org_b):
    colleague = member("cw_a2", org_a, Role.CASEWORKER)
    open_cases = [open_case(org_a, cw_a), open_case(org_a, cw_a, status="in_progress")]
    closed = open_case(org_a, cw_a, status="closed")
    response = client_as(mgr_a).post(
        reverse("ngos:staff_deactivate", args=[org_a.pk, cw_a.membership.pk]),
        {"reassign_to": colleague.pk},
    )
    assert response.status_code == 302
    for case in open_cases:
        case.refresh_from_db()
        assert case.assigned_to == colleague
    closed.refresh_from_db()
    assert closed.assigned_to == cw_a
    cw_a.refresh_from_db()
    assert not cw_a.is_active
    event = AuditEvent.objects.get(detail__event="staff_deactivated")
    assert event.detail["cases_reassigned"] == 2 and event.detail["reassigned_to"] == "cw_a2"


def test_a_failure_while_reassigning_undoes_the_whole_deactivation(mgr_a, cw_a, org_a):
    """The cases move in the deactivation's transaction: all of it happens, or none."""
    colleague = member("cw_a2", org_a, Role.CASEWORKER)
    case = open_case(org_a, cw_a)

    def fails_after_the_cases_moved(sender, **kwargs):
        case.refresh_from_db()
        assert case.assigned_to == colleague
        raise RuntimeError("a later receiver fails")

    member_deactivating.connect(fails_after_the_cases_moved)
    try:
        with pytest.raises(RuntimeError):
            staff_deactivate(by=mgr_a, membership=cw_a.membership, reassign_to=colleague)
    finally:
        member_deactivating.disconnect(fails_after_the_cases_moved)
    case.refresh_from_db()
    cw_a.refresh_from_db()
    assert case.assigned_to == cw_a and cw_a.is_active
    assert not AuditEvent.objects.filter(detail__event="staff_deactivated").exists()


def test_the_colleague_must_be_chosen_when_there_is_one(client_as, mgr_a, cw_a, org_a):
    member("cw_a2", org_a, Role.CASEWORKER)
    response = client_as(mgr_a).post(
        reverse("ngos:staff_deactivate", args=[org_a.pk, cw_a.membership.pk]), {}
    )
    assert response.status_code == 200
    cw_a.refresh_from_db()
    assert cw_a.is_active


def test_cases_cannot_go_to_someone_in_another_organisation(mgr_a, cw_a, cw_b, org_a):
    case = open_case(org_a, cw_a)
    with pytest.raises(ValidationError):
        staff_deactivate(by=mgr_a, membership=cw_a.membership, reassign_to=cw_b)
    case.refresh_from_db()
    cw_a.refresh_from_db()
    assert case.assigned_to == cw_a and cw_a.is_active  # nothing happened


def test_another_organisations_caseworker_is_not_offered_as_the_colleague(
    client_as, mgr_a, cw_a, cw_b, org_a
):
    response = client_as(mgr_a).post(
        reverse("ngos:staff_deactivate", args=[org_a.pk, cw_a.membership.pk]),
        {"reassign_to": cw_b.pk},
    )
    assert response.status_code == 200  # not a valid choice
    cw_a.refresh_from_db()
    assert cw_a.is_active


def test_a_manager_cannot_deactivate_themselves(mgr_a):
    with pytest.raises(ValidationError):
        staff_deactivate(by=mgr_a, membership=mgr_a.membership)


def test_an_inactive_users_session_is_refused_even_before_it_is_deleted(client_as, mgr_a, cw_a):
    leaver = client_as(cw_a)
    staff_deactivate(by=mgr_a, membership=cw_a.membership, reassign_to=mgr_a)  # no commit here
    assert Session.objects.exists()
    assert leaver.get(reverse("home")).status_code == 302


def test_a_deactivated_member_can_be_reactivated(client_as, mgr_a, cw_a, org_a):
    staff_deactivate(by=mgr_a, membership=cw_a.membership)
    client_as(mgr_a).post(reverse("ngos:staff_reactivate", args=[org_a.pk, cw_a.membership.pk]))
    cw_a.refresh_from_db()
    assert cw_a.is_active
    assert sign_in("cw_a", TEST_PASSWORD) is not None


# --- Who may manage whose staff (AC-07) ----------------------------------------------------

STAFF_PAGES = [
    ("ngos:staff_invite", False, "get"),
    ("ngos:staff_invite", False, "post"),
    ("ngos:staff_edit", True, "get"),
    ("ngos:staff_edit", True, "post"),
    ("ngos:staff_deactivate", True, "get"),
    ("ngos:staff_deactivate", True, "post"),
    ("ngos:staff_reactivate", True, "post"),
    ("ngos:staff_resend_invitation", True, "post"),
]


def _staff_url(name, with_member, organisation, membership):
    args = [organisation.pk, membership.pk] if with_member else [organisation.pk]
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "with_member", "method"), STAFF_PAGES)
def test_manager_of_a_cannot_touch_bs_staff(
    name, with_member, method, client_as, mgr_a, cw_b, org_b
):
    url = _staff_url(name, with_member, org_b, cw_b.membership)
    client = client_as(mgr_a)
    data = {**invitation_data(), "role": Role.ORG_MANAGER, "reassign_to": ""}
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    cw_b.refresh_from_db()
    assert cw_b.is_active and cw_b.membership.role == Role.CASEWORKER
    assert not User.objects.filter(username="sara").exists()
    assert AuditEvent.objects.filter(action="access_denied", actor=mgr_a).exists()


@pytest.mark.parametrize(("name", "with_member", "method"), STAFF_PAGES)
def test_a_caseworker_gets_403_on_staff_management(
    name, with_member, method, client_as, cw_a, mgr_a, org_a
):
    url = _staff_url(name, with_member, org_a, mgr_a.membership)
    client = client_as(cw_a)
    response = client.get(url) if method == "get" else client.post(url, {})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["ngos:staff_list", "ngos:staff_invite"])
def test_an_administrator_manages_any_organisations_staff(name, client_as, adm, org_b):
    assert client_as(adm).get(reverse(name, args=[org_b.pk])).status_code == 200


def test_an_administrator_deactivates_staff_of_any_organisation(adm, cw_b, mgr_b):
    case = open_case(cw_b.membership.organisation, cw_b)
    assert staff_deactivate(by=adm, membership=cw_b.membership, reassign_to=mgr_b) == 1
    case.refresh_from_db()
    assert case.assigned_to == mgr_b


def test_a_member_of_a_cannot_be_loaded_through_bs_address(client_as, mgr_b, cw_a, org_b):
    """A member id from another organisation under one's own organisation's URL is a 404 too."""
    url = reverse("ngos:staff_deactivate", args=[org_b.pk, cw_a.membership.pk])
    assert client_as(mgr_b).post(url, {}).status_code == 404
    cw_a.refresh_from_db()
    assert cw_a.is_active
