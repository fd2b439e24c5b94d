"""The access decorators applied here, at test time: what each one marks on a view, and the 403
of require_permission. (Views are decorated when their module is imported, so the walk over the
URLconf in test_access.py sees only the result.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.access import get_for_user_or_404, object_access, public, require_permission, signed_in
from core.models import AuditEvent
from core.permissions import Perm


def a_view(request, *args, **kwargs):
    """A view's docstring."""
    return HttpResponse(f"{args} {sorted(kwargs.items())}")


def fresh_view():
    def view(request):
        return HttpResponse("ok")

    return view


def test_public_marks_the_view_and_lifts_the_login_requirement():
    view = fresh_view()
    assert public(view) is view
    assert view.access_rule == "public"
    assert view.login_required is False


@pytest.mark.parametrize(
    ("decorator", "rule"), [(signed_in, "signed_in"), (object_access, "object")]
)
def test_the_other_rules_only_mark_the_view(decorator, rule):
    view = fresh_view()
    assert decorator(view) is view
    assert view.access_rule == rule
    assert not hasattr(view, "login_required")  # Django's middleware keeps asking for a login


def test_require_permission_names_its_permissions_in_order_and_keeps_the_view_name():
    wrapped = require_permission(Perm.REPORTS_VIEW, Perm.NATIONAL_DASHBOARD)(a_view)
    assert wrapped.access_rule == "permission:national.dashboard,reports.view"
    assert wrapped.__name__ == "a_view" and wrapped.__doc__ == "A view's docstring."


@pytest.mark.django_db
def test_require_permission_lets_through_a_holder_of_any_one_of_them(cw_a, min_officer):
    wrapped = require_permission(Perm.NATIONAL_DASHBOARD, Perm.CASE_EDIT)(a_view)
    for user in (cw_a, min_officer):
        request = RequestFactory().get("/")
        request.user = user
        response = wrapped(request, 7, kind="x")
        assert response.content == b"(7,) [('kind', 'x')]"


@pytest.mark.django_db
def test_require_permission_refuses_the_others_with_403(cw_a):
    wrapped = require_permission(Perm.NATIONAL_DASHBOARD, Perm.DATA_IMPORT)(a_view)
    for user in (cw_a, AnonymousUser()):
        request = RequestFactory().get("/")
        request.user = user
        with pytest.raises(PermissionDenied):
            wrapped(request)


@pytest.mark.django_db
def test_a_miss_without_a_lookup_value_is_audited_with_an_empty_id(cw_a):
    with pytest.raises(Http404):
        get_for_user_or_404(cw_a, AuditEvent.objects.none())
    denied = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert (denied.object_type, denied.object_id) == ("core.auditevent", "")
