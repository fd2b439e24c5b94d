"""Pages in both languages: Persian by default, right to left; English on request."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_persian_and_right_to_left_by_default():
    page = Client().get(reverse("login"))
    html = page.content.decode()
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    assert "ورود" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_persian_until_the_user_chooses():
    html = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="fa"' in html


@pytest.mark.django_db
def test_english_is_chosen_with_the_language_switch():
    client = Client()
    client.post(reverse("switch_language"), {"language": "en", "next": reverse("login")})
    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "Sign in" in html


def test_home_shows_organisation_and_role(client_as, cw_a):
    html = client_as(cw_a).get(reverse("home")).content.decode()
    assert "انجمن الف" in html
    assert "مددکار" in html


def test_signed_in_pages_are_not_stored_by_browsers(client_as, cw_a):
    response = client_as(cw_a).get(reverse("home"))
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_security_headers_are_sent():
    response = Client().get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]
