import pytest
from django.core.exceptions import PermissionDenied

from core.exceptions import ActionNotAllowed
from core.permissions import (
    ORGANISATION_SCOPED,
    Perm,
    Role,
    check_permission,
    has_permission,
    permission_flags,
    roles_with,
)


def test_every_role_has_a_label_a_description_and_permissions():
    for key, definition in Role.DEFINITIONS.items():
        assert definition.key == key
        assert str(definition.label)
        assert len(str(definition.description)) > 20
        assert definition.permissions
        assert all(isinstance(perm, Perm) for perm in definition.permissions)


def test_caseworker_may_edit_cases_of_own_organisation_only(cw_a, org_a, org_b):
    assert has_permission(cw_a, Perm.CASE_EDIT, organisation=org_a)
    assert not has_permission(cw_a, Perm.CASE_EDIT, organisation=org_b)


def test_caseworker_cannot_manage_staff_or_import(cw_a, org_a):
    assert not has_permission(cw_a, Perm.ORG_MANAGE_STAFF, organisation=org_a)
    assert not has_permission(cw_a, Perm.DATA_IMPORT)


def test_manager_manages_own_staff_but_not_another_organisations(mgr_a, org_a, org_b):
    assert has_permission(mgr_a, Perm.ORG_MANAGE_STAFF, organisation=org_a)
    assert not has_permission(mgr_a, Perm.ORG_MANAGE_STAFF, organisation=org_b)


def test_ministry_officer_has_national_figures_but_no_case_access(min_officer, org_a):
    assert has_permission(min_officer, Perm.NATIONAL_DASHBOARD)
    assert has_permission(min_officer, Perm.REPORTS_VIEW)
    assert not has_permission(min_officer, Perm.CASE_VIEW)
    assert not has_permission(min_officer, Perm.CASE_VIEW, organisation=org_a)


def test_administrator_imports_and_manages_staff_of_any_organisation(adm, org_a, org_b):
    assert has_permission(adm, Perm.DATA_IMPORT)
    assert has_permission(adm, Perm.ORG_MANAGE_STAFF, organisation=org_b)
    # ...but holds no case permission: administrators do not read children's records.
    assert not has_permission(adm, Perm.CASE_VIEW, organisation=org_a)


def test_ministry_officer_cannot_import(min_officer):
    assert not has_permission(min_officer, Perm.DATA_IMPORT)


@pytest.mark.django_db
def test_anonymous_and_memberless_users_have_no_permission(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    for user in (AnonymousUser(), loner):
        assert not any(has_permission(user, perm) for perm in Perm)


def test_deactivated_user_loses_every_permission(cw_a):
    cw_a.is_active = False
    assert not has_permission(cw_a, Perm.CASE_VIEW)


def test_template_flags_follow_the_role(cw_a, mgr_a):
    assert permission_flags(cw_a)["case_edit"] is True
    assert permission_flags(cw_a)["org_manage_staff"] is False
    assert permission_flags(mgr_a)["org_manage_staff"] is True


def test_case_permissions_are_organisation_scoped():
    assert {Perm.CASE_VIEW, Perm.CASE_EDIT, Perm.REFERRAL_SEND} <= ORGANISATION_SCOPED


def test_roles_with_a_permission_are_found_in_the_role_table():
    """Queries choose users by permission: who holds cases, reads the backlog, reads reports."""
    assert set(roles_with(Perm.CASE_EDIT)) == {Role.CASEWORKER, Role.ORG_MANAGER}
    assert roles_with(Perm.ORG_DASHBOARD) == [Role.ORG_MANAGER]
    assert roles_with(Perm.REPORTS_VIEW) == [Role.MINISTRY_OFFICER]


# The whole table, written out: a change to who may do what must change this test too.
ROLE_TABLE = {
    Role.CASEWORKER: {
        "case.view",
        "case.edit",
        "outreach.log",
        "referral.send",
        "referral.answer",
        "followup.manage",
        "directory.view",
        "meetings.view",
    },
    Role.ORG_MANAGER: {
        "case.view",
        "case.edit",
        "case.reassign",
        "case.approve_closure",
        "case.legal_hold",
        "case.transfer",
        "case.audit_view",
        "outreach.log",
        "referral.send",
        "referral.answer",
        "consent.override",
        "consent.override_approve",
        "followup.manage",
        "directory.view",
        "meetings.view",
        "org.view_staff",
        "org.manage_staff",
        "org.edit_profile",
        "org.dashboard",
        "resolution.update",
        "documents.policy_cases",
        # The duty to report: decide alerts, list the organisation's (docs/adr/0036).
        "report_alert.decide",
    },
    Role.MINISTRY_OFFICER: {
        "national.dashboard",
        "reports.view",
        "directory.view",
        "directory.coverage",
        "org.verify",
        "org.history",
        "org.view_staff",
        "meetings.manage",
        "meetings.view",
        "documents.policy_record",
    },
    Role.ADMINISTRATOR: {
        "data.import",
        "users.manage_all",
        "orgs.manage_all",
        "api.tokens",
        "directory.view",
        "directory.coverage",
        "org.history",
        "org.view_staff",
        "org.manage_staff",
        "org.edit_profile",
        "documents.policy_record",
    },
}


def test_the_role_table_is_exactly_this():
    actual = {
        key: {str(perm) for perm in definition.permissions}
        for key, definition in Role.DEFINITIONS.items()
    }
    assert actual == ROLE_TABLE


def test_every_permission_is_granted_to_some_role():
    granted = set().union(*ROLE_TABLE.values())
    assert {str(perm) for perm in Perm} == granted


def test_only_who_manages_them_all_acts_across_organisations(adm, mgr_a, min_officer, org_b):
    assert has_permission(adm, Perm.ORG_EDIT_PROFILE, organisation=org_b)
    assert has_permission(adm, Perm.ORG_VIEW_STAFF, organisation=org_b)
    assert not has_permission(mgr_a, Perm.ORG_EDIT_PROFILE, organisation=org_b)
    assert not has_permission(min_officer, Perm.ORG_VIEW_STAFF, organisation=org_b)


def test_check_permission_raises_a_permission_denied_carrying_its_message(cw_a, org_b):
    check_permission(cw_a, Perm.CASE_EDIT, cw_a.membership.organisation)
    with pytest.raises(ActionNotAllowed) as refusal:
        check_permission(cw_a, Perm.CASE_EDIT, org_b, message="Not yours.")
    assert isinstance(refusal.value, PermissionDenied)
    assert refusal.value.messages == ["Not yours."]


def test_a_second_approver_holds_the_approval_permissions_in_his_organisation_only(
    cw_a, org_a, org_b
):
    """docs/adr/0038: the membership row grants them, not a check on who the user is."""
    membership = cw_a.membership
    membership.second_approver = True
    membership.save(update_fields=["second_approver"])
    for perm in (Perm.CASE_APPROVE_CLOSURE, Perm.CONSENT_OVERRIDE_APPROVE):
        assert has_permission(cw_a, perm, organisation=org_a)
        assert not has_permission(cw_a, perm, organisation=org_b)
    assert not has_permission(cw_a, Perm.CONSENT_OVERRIDE)
