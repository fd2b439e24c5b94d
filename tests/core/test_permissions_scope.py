"""has_permission's edges: no user, an organisation given by id, ministry-wide permissions
asked about an organisation, and the template flags of an anonymous visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.permissions import Perm, has_permission, permission_flags, role_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_no_user_has_no_role_and_no_permission(user):
    assert role_of(user) is None
    assert not has_permission(user, Perm.DIRECTORY_VIEW)


def test_an_organisation_may_be_given_by_its_id(cw_a, org_a, org_b):
    assert has_permission(cw_a, Perm.CASE_EDIT, organisation=org_a.pk)
    assert not has_permission(cw_a, Perm.CASE_EDIT, organisation=org_b.pk)


def test_a_ministry_wide_permission_holds_whatever_organisation_it_is_asked_about(
    min_officer, org_a
):
    assert has_permission(min_officer, Perm.DIRECTORY_VIEW, organisation=org_a)
    assert has_permission(min_officer, Perm.MEETINGS_MANAGE, organisation=org_a.pk)


def test_an_anonymous_visitor_gets_every_flag_false(cw_a):
    flags = permission_flags(AnonymousUser())
    assert set(flags) == {perm.name.lower() for perm in Perm}
    assert not any(flags.values())
    assert permission_flags(cw_a)["case_edit"] is True
