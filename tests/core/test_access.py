"""Deny by default (AC-03), CSRF and safe GETs (AC-09), and the 404 access helper (AC-01)."""

import re

import pytest
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import AuditEvent

# The short, reviewed list of views anyone may open without signing in.
PUBLIC_VIEWS = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "favicon",
    "switch_language",
    "invitation_accept",
    # The offline app's worker: a browser checks for a new one signed in or not; it holds no data.
    "service_worker",
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def project_views():
    """Every route except Django admin's own, which checks `is_staff` itself."""
    for route, namespace, pattern in walk(get_resolver().url_patterns):
        if namespace == admin_site.name:
            continue
        yield route, pattern


def test_every_view_declares_its_access_rule():
    undeclared = [
        route for route, pattern in project_views() if not hasattr(pattern.callback, "access_rule")
    ]
    assert undeclared == [], f"views without an access rule: {undeclared}"


def test_public_views_are_exactly_the_reviewed_list():
    public = {
        pattern.name
        for _route, pattern in project_views()
        if getattr(pattern.callback, "access_rule", "") == "public"
    }
    assert public == PUBLIC_VIEWS


def is_api(pattern):
    """An API route (AC-11): DRF signs it in by token or session and answers 401, not a redirect."""
    return getattr(pattern.callback, "access_rule", "").startswith("api:")


def test_every_non_public_view_requires_login():
    for _route, pattern in project_views():
        if pattern.name in PUBLIC_VIEWS or is_api(pattern):
            continue
        assert getattr(pattern.callback, "login_required", True) is not False, pattern.name


def test_every_api_route_requires_a_signed_in_caller():
    """AC-03 for the API: each route declares its rule, signs in by token or session only and
    refuses anyone else."""
    from api.base import ApiView

    routes = [(route, pattern) for route, pattern in project_views() if is_api(pattern)]
    assert routes
    for route, pattern in routes:
        view_class = pattern.callback.cls
        assert issubclass(view_class, ApiView), route
        assert "IsAuthenticated" in {p.__name__ for p in view_class.permission_classes}, route


def _sample_url(route):
    # Fill converters with harmless sample values so every route can be requested.
    url = re.sub(r"<int:\w+>", "1", route)
    url = re.sub(r"<(?:str:|slug:)?\w+>", "x", url)
    return "/" + url.lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_anonymous_requests_to_non_public_views_go_to_sign_in():
    client = Client()
    for route, pattern in project_views():
        if pattern.name in PUBLIC_VIEWS:
            continue
        response = client.get(_sample_url(route))
        if is_api(pattern):
            assert response.status_code == 401, route
            continue
        assert response.status_code == 302, route
        assert response["Location"].startswith(reverse("login")), route


def _row_counts():
    skip = {"core.auditevent", "sessions.session"}
    return {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.label_lower not in skip
        and not model._meta.label_lower.startswith(("axes.", "pghistory."))
    }


def test_get_requests_change_no_rows(client_as, cw_a, mgr_a, min_officer, adm, org_b):
    """AC-09: a crawl of every GET route, as each member of the cast, leaves the data as it was."""
    # Signed in first: the cast's authenticator devices are made then, not by the crawl.
    clients = [client_as(user) for user in (cw_a, mgr_a, min_officer, adm)]
    before = _row_counts()
    for client in clients:
        for route, _pattern in project_views():
            client.get(_sample_url(route))
    assert _row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "logout", "switch_language", "password_reset"])
def test_post_without_csrf_token_is_refused(name):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(name), {"username": "x", "password": "y", "language": "en"})
    assert response.status_code == 403


def test_post_without_csrf_token_is_refused_for_signed_in_user(cw_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cw_a)
    response = client.post(reverse("password_change"), {})
    assert response.status_code == 403


def test_logout_is_post_only(client_as, cw_a):
    client = client_as(cw_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def _without_tokens(html, *ids):
    # CSRF tokens differ per response and the page echoes its own address; nothing else may differ.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
    for value in ids:
        text = text.replace(f"/{value}/", "/ID/")
    return text


def test_access_helper_gives_outsider_the_same_404_as_a_missing_id(client_as, mgr_a, org_b):
    client = client_as(mgr_a)
    other = client.get(reverse("ngos:staff_list", args=[org_b.pk]))
    missing = client.get(reverse("ngos:staff_list", args=[org_b.pk + 1000]))
    assert other.status_code == missing.status_code == 404
    assert _without_tokens(other.content, org_b.pk) == _without_tokens(
        missing.content, org_b.pk + 1000
    )


def test_access_helper_audits_the_denied_attempt(client_as, mgr_a, org_b):
    client_as(mgr_a).get(reverse("ngos:staff_list", args=[org_b.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.actor == mgr_a
    assert event.object_type == "ngos.organisation"
    assert event.object_id == str(org_b.pk)
    assert event.organisation == mgr_a.membership.organisation
    assert event.request_id is not None
