"""The error pages people meet: friendly, in their language, usable on a phone (issue 17)."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("fa", "پیدا نشد"), ("en", "Not found")])
def test_a_missing_page_is_the_friendly_page_in_the_chosen_language(cw_a, language, words):
    client = Client()
    client.force_login(cw_a)
    client.cookies["django_language"] = language

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert words in page and f'lang="{language}"' in page
    assert 'name="viewport"' in page and reverse("home") in page


def test_the_too_many_requests_page_renders_in_both_languages(rf_user):
    from django.utils import translation

    for language, words in (("fa", "درخواست"), ("en", "Too many requests")):
        with translation.override(language):
            page = render_to_string("429.html", request=rf_user)
        assert words in page


def test_the_server_error_page_needs_nothing_and_speaks_both_languages():
    page = render_to_string("500.html")
    assert "Something went wrong" in page and "خطا" in page


def test_every_page_has_an_icon_and_favicon_ico_leads_to_it(client):
    home = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in home and "img/favicon.svg" in home

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("img/favicon.svg")


@pytest.fixture
def rf_user(cw_a):
    request = RequestFactory().get("/")
    request.user = cw_a
    return request
