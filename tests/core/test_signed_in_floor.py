"""What every signed-in page pays (issue 21): the user read in one query, the second factor decided
from it, the navigation bar drawn once and reused. None of it may hold a change back to a later
request, nor show one user's bar to another."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from children import services
from core.permissions import Role
from core.templatetags import layout_tags
from ngos.models import Membership
from tests.factories import CaseFactory, UserFactory
from tests.second_factor import give_device

ENROL = reverse("second_factor_enrol")
VERIFY = reverse("second_factor_verify")
LAYOUT = reverse("password_change")


def signed_in_without_code(user):
    client = Client()
    client.force_login(user)
    return client


def navigation(page):
    html = page.content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_the_layout_reads_the_session_and_the_user_and_nothing_else(
    client_as, cw_a, django_assert_num_queries
):
    client = client_as(cw_a)
    client.get(LAYOUT)
    with django_assert_num_queries(2):
        assert client.get(LAYOUT).status_code == 200


def test_a_session_whose_device_is_removed_is_sent_to_set_it_up_on_its_next_page(client_as, mgr_a):
    client = client_as(mgr_a)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=mgr_a).delete()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_a_role_that_needs_the_second_factor_asks_for_it_from_the_next_page(client_as, cw_a):
    client = client_as(cw_a)
    assert client.get("/").status_code == 200
    Membership.objects.filter(user=cw_a).update(role=Role.ORG_MANAGER)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_a_caseworker_who_chose_it_is_asked_until_the_device_goes(cw_a):
    give_device(cw_a)
    client = signed_in_without_code(cw_a)
    assert client.get("/")["Location"].startswith(VERIFY)
    TOTPDevice.objects.filter(user=cw_a).delete()
    assert client.get("/").status_code == 200


def test_a_session_signed_in_through_djangos_own_backend_stays_signed_in(cw_a):
    client = Client()
    client.force_login(cw_a, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(LAYOUT).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == "core.backends.SignedInUserBackend"


def test_each_user_sees_their_own_navigation(client_as, cw_a, mgr_a):
    manager, caseworker = client_as(mgr_a), client_as(cw_a)
    for _ in range(2):  # the second time, from what was kept
        mine = navigation(manager.get(LAYOUT))
        theirs = navigation(caseworker.get(LAYOUT))
        assert 'data-testid="nav-org-dashboard"' in mine
        assert 'data-testid="nav-org-dashboard"' not in theirs
        assert str(mgr_a) in mine and str(cw_a) not in mine
        assert str(cw_a) in theirs and str(mgr_a) not in theirs


def test_the_navigation_follows_a_change_of_role_or_organisation_name_at_once(client_as, mgr_a):
    client = client_as(mgr_a)
    assert 'data-testid="nav-org-dashboard"' in navigation(client.get(LAYOUT))
    Membership.objects.filter(user=mgr_a).update(role=Role.CASEWORKER)
    assert 'data-testid="nav-org-dashboard"' not in navigation(client.get(LAYOUT))
    organisation = mgr_a.membership.organisation
    organisation.name_fa = "انجمن تازه"
    organisation.save()
    assert "انجمن تازه" in navigation(client.get(LAYOUT))


def test_the_approvals_count_in_the_navigation_stays_live(client_as, org_a, cw_a, mgr_a):
    case_a = CaseFactory(organisation=org_a, assigned_to=cw_a)
    client = client_as(mgr_a)
    assert 'data-testid="nav-approvals-count"' not in navigation(client.get(LAYOUT))
    services.closure_request(by=cw_a, case=case_a, reason="back_in_school")
    assert 'data-testid="nav-approvals-count"' in navigation(client.get(LAYOUT))


def test_a_kept_navigation_carries_the_pages_own_csrf_token(client_as, cw_a):
    client = client_as(cw_a)
    client.get(LAYOUT)
    html = client.get(LAYOUT).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)
    assert len(tokens) >= 2 and len(set(tokens)) == 1
    assert layout_tags._TOKEN not in html


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_navigation_is_drawn_in_the_pages_language(client_as, cw_a, language, settings):
    client = client_as(cw_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = navigation(client.get(LAYOUT))
    assert ("Sign out" in html) == (language == "en")


def test_a_session_past_its_expiry_date_is_not_read(cw_a):
    client = Client()
    client.force_login(cw_a)
    assert client.get(LAYOUT).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(LAYOUT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_language_switch_returns_to_the_pages_own_address(client_as, cw_a):
    client = client_as(cw_a)
    client.get(LAYOUT + "?a=1")
    html = client.get(LAYOUT + "?q=%3Cb%3E&x=2").content.decode()
    assert 'name="next" value="' + LAYOUT + '?q=%3Cb%3E&amp;x=2"' in html
    assert layout_tags._PATH not in html


def test_a_user_without_an_organisation_is_read_as_one(db):
    user = UserFactory(username="loner")
    client = Client()
    client.force_login(user)
    response = client.get(LAYOUT)
    assert response.status_code == 200
    assert response.wsgi_request.user.membership_or_none is None
    assert 'data-testid="current-user"' in response.content.decode()


def test_the_head_follows_the_language_and_the_sign_in(client, client_as, cw_a, settings):
    signed_out = client.get(reverse("login")).content.decode()
    assert "offline-signed-out.js" in signed_out and 'rel="manifest"' not in signed_out
    signed_in = client_as(cw_a)
    for language, bootstrap in (("fa", "bootstrap.rtl.min.css"), ("en", "bootstrap.min.css")):
        signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = signed_in.get(LAYOUT).content.decode()
        assert bootstrap in html and 'rel="manifest"' in html
        assert "offline-signed-out.js" not in html
    assert "offline-signed-out.js" in client.get(reverse("login")).content.decode()
