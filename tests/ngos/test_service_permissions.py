"""ngos services refuse with core's exceptions (ADR 0013); the administrator's reach across
organisations comes from USERS_MANAGE_ALL and ORGS_MANAGE_ALL."""

import pytest
from django.contrib.auth import get_user_model

from core.exceptions import ActionNotAllowed, InvalidState
from core.permissions import Role
from ngos.services import (
    organisation_suspend,
    organisation_update_profile,
    staff_invite,
    staff_reactivate,
)

from .test_staff import invitation_data


def test_a_caseworker_cannot_invite_staff(cw_a, org_a):
    with pytest.raises(ActionNotAllowed):
        staff_invite(by=cw_a, organisation=org_a, data=invitation_data())
    assert not get_user_model().objects.filter(username=invitation_data()["username"]).exists()


def test_a_manager_cannot_give_a_role_only_administrators_give(mgr_a, org_a):
    with pytest.raises(ActionNotAllowed):
        staff_invite(by=mgr_a, organisation=org_a, data=invitation_data(role=Role.ADMINISTRATOR))


def test_a_manager_cannot_suspend_an_organisation(mgr_a, org_b):
    with pytest.raises(ActionNotAllowed):
        organisation_suspend(by=mgr_a, organisation=org_b, reason="مدارک ناقص")
    org_b.refresh_from_db()
    assert not org_b.is_suspended


def test_reactivating_an_active_member_is_a_state_refusal(mgr_a, cw_a):
    with pytest.raises(InvalidState):
        staff_reactivate(by=mgr_a, membership=cw_a.membership)


def test_only_who_manages_every_organisation_changes_its_code(mgr_a, adm, org_a):
    organisation_update_profile(by=mgr_a, organisation=org_a, data={"code": "MGR"})
    org_a.refresh_from_db()
    assert org_a.code != "MGR"
    organisation_update_profile(by=adm, organisation=org_a, data={"code": "ADM"})
    org_a.refresh_from_db()
    assert org_a.code == "ADM"
