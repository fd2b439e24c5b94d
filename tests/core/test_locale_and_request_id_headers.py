"""The language and request-id headers every page carries (core/middleware.py): the same as
Django's LocaleMiddleware and a fresh id gave, after their per-request work was cut (issue 21)."""

import uuid

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from core.middleware import PersianFirstLocaleMiddleware


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_page_says_its_language_and_varies_on_accept_language(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("login"))
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("path", ["/", "/en/", "/fa/x/", "/cases/12/", "/my-work/"])
@pytest.mark.parametrize("vary", [None, "Cookie", "Accept-Language"])
@pytest.mark.parametrize("status", [200, 404])
def test_the_response_headers_are_djangos(path, vary, status):
    request = RequestFactory().get(path)

    def response():
        made = HttpResponse(status=status)
        if vary:
            made["Vary"] = vary
        return made

    with translation.override("en"):
        ours = PersianFirstLocaleMiddleware(lambda r: response()).process_response(
            request, response()
        )
        django = LocaleMiddleware(lambda r: response()).process_response(request, response())
    assert dict(ours.headers) == dict(django.headers)


@pytest.mark.django_db
def test_a_well_formed_request_id_is_kept_and_anything_else_replaced():
    given = uuid.uuid4()
    response = Client().get(reverse("login"), HTTP_X_REQUEST_ID=str(given))
    assert response["X-Request-ID"] == str(given)
    for header in ({}, {"HTTP_X_REQUEST_ID": ""}, {"HTTP_X_REQUEST_ID": "forged\nline"}):
        made = Client().get(reverse("login"), **header)["X-Request-ID"]
        assert uuid.UUID(made) != given
