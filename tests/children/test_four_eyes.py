"""Issue 20: approvals that are real. A closure and a consent override are approved by someone
other than the person who asked (service, page, forged POST, database), and an organisation with
one manager names a second approver (docs/adr/0038, AC-15)."""

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from children import services
from children.models import ClosureRequest, Referral
from children.models.choices import CaseStatus
from children.selectors.approvals import approvals_count
from core.exceptions import ActionNotAllowed
from core.models import AuditEvent, User
from core.permissions import Perm, Role, has_permission, permission_flags
from ngos.models import Membership
from ngos.services import second_approver_set, staff_change_role
from tests.factories import member

from .test_approvals import OVERRIDE_REASON
from .test_referrals import SHARED, case_without_referral_consent, offer, verify


@pytest.fixture
def mgr_a2(org_a):
    return member("mgr_a2", org_a, Role.ORG_MANAGER)


@pytest.fixture
def senior_a(org_a, mgr_a):
    """A senior caseworker of A named its second approver by A's only manager."""
    user = member("senior_a", org_a, Role.CASEWORKER)
    second_approver_set(by=mgr_a, organisation=org_a, user=user)
    user.refresh_from_db()
    return user


@pytest.fixture
def senior_b(org_b, mgr_b):
    user = member("senior_b", org_b, Role.CASEWORKER)
    second_approver_set(by=mgr_b, organisation=org_b, user=user)
    user.refresh_from_db()
    return user


@pytest.fixture
def own_closure(mgr_a, case_a):
    """A closure A's manager asked for himself."""
    return services.closure_request(by=mgr_a, case=case_a, reason="back_in_school")


@pytest.fixture
def education():
    from ngos.reference import ensure_services

    return ensure_services()["education"]


@pytest.fixture
def override(mgr_a, org_b, min_officer, education):
    offer(org_b, "education", "tehran")
    verify(org_b, min_officer)
    case = case_without_referral_consent(mgr_a)
    return services.referral_send(
        by=mgr_a,
        case=case,
        to_organisation=org_b,
        service=education,
        data=SHARED,
        consent_override_reason=OVERRIDE_REASON,
    )


# --- Closures ---------------------------------------------------------------------------------


def test_manager_cannot_approve_his_own_closure_request(mgr_a, case_a, own_closure):
    with pytest.raises(ActionNotAllowed) as refused, translation.override("en"):
        services.closure_approve(by=mgr_a, request=own_closure)
    with translation.override("en"):
        assert "another manager" in str(refused.value.messages[0])
    own_closure.refresh_from_db()
    case_a.refresh_from_db()
    assert own_closure.state == ClosureRequest.State.PENDING
    assert case_a.status != CaseStatus.CLOSED


def test_asker_may_still_withdraw_his_own_request(mgr_a, own_closure):
    services.closure_return(by=mgr_a, request=own_closure, comment="اشتباه درخواست دادم")
    own_closure.refresh_from_db()
    assert own_closure.state == ClosureRequest.State.RETURNED


def test_the_database_refuses_a_self_approved_closure(mgr_a, own_closure):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureRequest.objects.filter(pk=own_closure.pk).update(
            state=ClosureRequest.State.APPROVED, decided_by=mgr_a, decided_at=timezone.now()
        )


def test_forged_post_of_self_approval_is_refused_with_a_message(
    client_as, mgr_a, case_a, own_closure
):
    client = client_as(mgr_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("children:closure_decide", args=[case_a.pk, own_closure.pk]),
        {"decision": "approve", "back": "my_work"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "another manager" in messages[0]
    own_closure.refresh_from_db()
    assert own_closure.state == ClosureRequest.State.PENDING


def test_the_asker_sees_no_approve_button_on_the_case_or_in_the_queue(
    client_as, mgr_a, case_a, own_closure
):
    client = client_as(mgr_a)
    case_page = client.get(reverse("children:case_detail", args=[case_a.pk])).content.decode()
    assert 'data-testid="approve-closure"' not in case_page
    assert 'data-testid="closure-own-request"' in case_page
    queue = client.get(reverse("children:my_work"))
    body = queue.content.decode()
    assert 'data-testid="queue-approve-closure"' not in body
    assert 'data-testid="queue-own-closure"' in body
    # What he asked for is not "awaiting his approval".
    assert queue.context["approvals"]["approvals_count"] == 0
    assert approvals_count(user=mgr_a) == 0


def test_another_manager_approves_and_it_is_audited(client_as, mgr_a, mgr_a2, case_a, own_closure):
    assert approvals_count(user=mgr_a2) == 1
    page = client_as(mgr_a2).get(reverse("children:my_work")).content.decode()
    assert 'data-testid="queue-approve-closure"' in page
    client_as(mgr_a2).post(
        reverse("children:closure_decide", args=[case_a.pk, own_closure.pk]),
        {"decision": "approve", "back": "my_work"},
    )
    own_closure.refresh_from_db()
    case_a.refresh_from_db()
    assert own_closure.decided_by == mgr_a2 and case_a.status == CaseStatus.CLOSED
    assert AuditEvent.objects.filter(
        actor=mgr_a2,
        object_id=str(case_a.pk),
        detail__closure_request=own_closure.pk,
        detail__decision="approved",
    ).exists()


def test_second_approver_approves_the_lone_managers_closure(
    client_as, mgr_a, senior_a, case_a, own_closure
):
    assert has_permission(senior_a, Perm.CASE_APPROVE_CLOSURE, case_a.organisation_id)
    assert approvals_count(user=senior_a) == 1
    page = client_as(senior_a).get(reverse("children:my_work")).content.decode()
    assert 'data-testid="queue-approve-closure"' in page
    response = client_as(senior_a).post(
        reverse("children:closure_decide", args=[case_a.pk, own_closure.pk]),
        {"decision": "approve", "back": "my_work"},
    )
    assert response.status_code == 302
    own_closure.refresh_from_db()
    assert own_closure.state == ClosureRequest.State.APPROVED
    assert own_closure.decided_by == senior_a


def test_second_approver_cannot_approve_his_own_request(senior_a, case_a):
    closure = services.closure_request(by=senior_a, case=case_a, reason="moved_away")
    with pytest.raises(ActionNotAllowed):
        services.closure_approve(by=senior_a, request=closure)


def test_second_approver_of_b_gets_404_on_a_closure_of_a(client_as, senior_b, case_a, own_closure):
    response = client_as(senior_b).post(
        reverse("children:closure_decide", args=[case_a.pk, own_closure.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    own_closure.refresh_from_db()
    assert own_closure.state == ClosureRequest.State.PENDING
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=senior_b
    ).exists()
    with pytest.raises(ActionNotAllowed):
        services.closure_approve(by=senior_b, request=own_closure)


def test_ministry_officer_gets_404_on_deciding_a_closure(
    client_as, min_officer, case_a, own_closure
):
    response = client_as(min_officer).post(
        reverse("children:closure_decide", args=[case_a.pk, own_closure.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 404


def test_an_ordinary_caseworker_cannot_approve(cw_a, mgr_a, case_a, own_closure):
    assert not has_permission(cw_a, Perm.CASE_APPROVE_CLOSURE, case_a.organisation_id)
    with pytest.raises(ActionNotAllowed):
        services.closure_approve(by=cw_a, request=own_closure)


# --- Consent overrides --------------------------------------------------------------------------


def test_sender_cannot_approve_his_own_override(mgr_a, override):
    with pytest.raises(ActionNotAllowed) as refused, translation.override("en"):
        services.consent_override_approve(by=mgr_a, referral=override)
    with translation.override("en"):
        assert "another manager" in str(refused.value.messages[0])
    override.refresh_from_db()
    assert override.override_approved_at is None


def test_the_database_refuses_a_self_approved_override(mgr_a, override):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=override.pk).update(
            override_approved_by=mgr_a, override_approved_at=timezone.now()
        )


def test_forged_post_of_own_override_approval_is_refused(client_as, mgr_a, override):
    client = client_as(mgr_a)
    page = client.get(reverse("children:my_work")).content.decode()
    assert 'data-testid="queue-approve-override"' not in page
    assert 'data-testid="queue-own-override"' in page
    response = client.post(reverse("children:override_approve", args=[override.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    override.refresh_from_db()
    assert override.override_approved_at is None


def test_second_approver_approves_an_override_once_and_it_is_audited(client_as, senior_a, override):
    assert approvals_count(user=senior_a) == 1
    client = client_as(senior_a)
    assert (
        'data-testid="queue-approve-override"'
        in client.get(reverse("children:my_work")).content.decode()
    )
    response = client.post(reverse("children:override_approve", args=[override.pk]))
    assert response["Location"] == reverse("children:my_work") + "#approvals"
    override.refresh_from_db()
    assert override.override_approved_by == senior_a
    assert approvals_count(user=senior_a) == 0
    # Still listed until the consent is recorded, now marked approved.
    page = client.get(reverse("children:my_work")).content.decode()
    assert 'data-testid="override-approved"' in page
    assert AuditEvent.objects.filter(
        actor=senior_a, object_id=str(override.case_id), detail__override="approved"
    ).exists()
    again = client.post(reverse("children:override_approve", args=[override.pk]), follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


@pytest.mark.parametrize("who", ["senior_b", "mgr_b", "cw_b", "min_officer", "cw_a"])
def test_anyone_but_the_senders_approvers_gets_404_on_an_override(
    request, client_as, override, who
):
    user = request.getfixturevalue(who)
    response = client_as(user).post(reverse("children:override_approve", args=[override.pk]))
    assert response.status_code == 404
    override.refresh_from_db()
    assert override.override_approved_at is None


def test_a_get_on_the_approval_changes_nothing(client_as, mgr_a2, override):
    response = client_as(mgr_a2).get(reverse("children:override_approve", args=[override.pk]))
    assert response.status_code == 405


# --- Naming the second approver ------------------------------------------------------------------


def test_manager_names_a_second_approver_through_the_page(client_as, org_a, mgr_a, cw_a):
    url = reverse("ngos:second_approver", args=[org_a.pk])
    assert client_as(mgr_a).get(url).status_code == 200
    response = client_as(mgr_a).post(url, {"second_approver": cw_a.pk})
    assert response.status_code == 302
    assert Membership.objects.get(user=cw_a).second_approver
    assert permission_flags(User.objects.get(pk=cw_a.pk))["case_approve_closure"]
    event = AuditEvent.objects.get(actor=mgr_a, detail__event="second_approver_set")
    assert event.detail["username"] == "cw_a"
    # Nobody again.
    client_as(mgr_a).post(url, {"second_approver": ""})
    assert not Membership.objects.get(user=cw_a).second_approver
    assert not has_permission(User.objects.get(pk=cw_a.pk), Perm.CASE_APPROVE_CLOSURE)


def test_naming_another_replaces_the_first(org_a, mgr_a, cw_a, senior_a):
    second_approver_set(by=mgr_a, organisation=org_a, user=cw_a)
    assert list(
        Membership.objects.filter(organisation=org_a, second_approver=True).values_list(
            "user__username", flat=True
        )
    ) == ["cw_a"]


def test_only_a_caseworker_of_the_organisation_can_be_named(client_as, org_a, mgr_a, mgr_a2, cw_b):
    url = reverse("ngos:second_approver", args=[org_a.pk])
    for user in (mgr_a2, cw_b):
        response = client_as(mgr_a).post(url, {"second_approver": user.pk})
        assert response.status_code == 200  # the form again, with the error beside the field
        assert response.context["form"].errors["second_approver"]
    assert not Membership.objects.filter(second_approver=True).exists()


def test_the_database_allows_one_second_approver_per_organisation(org_a, senior_a, cw_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=cw_a).update(second_approver=True)


def test_a_second_approver_made_manager_stops_being_one(org_a, mgr_a, senior_a):
    staff_change_role(by=mgr_a, membership=senior_a.membership, role=Role.ORG_MANAGER)
    assert not Membership.objects.get(user=senior_a).second_approver


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        ("cw_a", "own", 403),
        ("mgr_a", "own", 200),
        ("mgr_a", "other", 404),
        ("min_officer", "own", 403),
        ("adm", "own", 200),
    ],
)
def test_who_reaches_the_second_approver_page(request, client_as, org_a, org_b, who, whose, status):
    organisation = org_a if whose == "own" else org_b
    user = request.getfixturevalue(who)
    url = reverse("ngos:second_approver", args=[organisation.pk])
    assert client_as(user).get(url).status_code == status


def test_manager_of_b_cannot_name_a_second_approver_of_a(client_as, org_a, mgr_b, cw_a):
    response = client_as(mgr_b).post(
        reverse("ngos:second_approver", args=[org_a.pk]), {"second_approver": cw_a.pk}
    )
    assert response.status_code == 404
    assert not Membership.objects.get(user=cw_a).second_approver


# --- Who may approve, and the lone manager's warning -----------------------------------------------


@pytest.mark.parametrize(("language", "lang_attr"), [("en", 'lang="en"'), ("fa", 'lang="fa"')])
def test_a_lone_manager_is_warned_until_a_second_approver_is_named(
    settings, client_as, org_a, mgr_a, cw_a, language, lang_attr
):
    client = client_as(mgr_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("children:my_work")).content.decode()
    assert lang_attr in body
    assert 'data-testid="lone-manager-warning"' in body
    if language == "en":
        assert "the organisation's only manager" in body
    second_approver_set(by=mgr_a, organisation=org_a, user=cw_a)
    body = client.get(reverse("children:my_work")).content.decode()
    assert 'data-testid="lone-manager-warning"' not in body
    assert 'data-testid="approvers"' in body and str(cw_a) in body


def test_two_managers_get_no_warning(client_as, mgr_a, mgr_a2):
    body = client_as(mgr_a).get(reverse("children:my_work")).content.decode()
    assert 'data-testid="lone-manager-warning"' not in body
    assert str(mgr_a2) in body
