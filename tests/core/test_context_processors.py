"""The layout's permission flags (core/context_processors.py): kept per set of permissions, the
same map as permission_flags, and a change of role or a second approver's grant counts at once."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from core.context_processors import access
from core.permissions import Role, permission_flags

pytestmark = pytest.mark.django_db


def flags(user):
    request = RequestFactory().get("/")
    request.user = user
    return access(request)["can"]


def test_the_flags_are_permission_flags_for_every_role(cw_a, mgr_a, cw_b, min_officer, adm):
    for user in (cw_a, mgr_a, cw_b, min_officer, adm):
        assert flags(user) == permission_flags(user)
    assert flags(AnonymousUser()) == {}


def test_each_page_gets_its_own_map(cw_a):
    first = flags(cw_a)
    first["org_manage_staff"] = True
    assert flags(cw_a)["org_manage_staff"] is False


def test_a_new_role_and_a_second_approver_count_at_once(cw_a):
    assert flags(cw_a)["org_manage_staff"] is False
    cw_a.membership.role = Role.ORG_MANAGER
    cw_a.membership.save()
    promoted = get_user_model().objects.get(pk=cw_a.pk)
    assert flags(promoted)["org_manage_staff"] is True
    assert flags(promoted) == permission_flags(promoted)
    promoted.membership.second_approver = True
    assert flags(promoted) == permission_flags(promoted)
