"""The one way browser tests sign in: the sign-in form, then, for a user who needs the second
factor (AU-03), the code page with the current code of their authenticator device. A user who
needs it and has no device is given one first (the demo people already have the demo key)."""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse

from core import second_factor
from tests.factories import TEST_PASSWORD
from tests.second_factor import current_code, give_device


def _path(url):
    return urlsplit(url).path


def sign_in(page, username, password=TEST_PASSWORD, *, code=True):
    """Sign in as `username`, typing the current code when the code page asks for it. With
    `code=False` no device is given and the browser stays where the server sent it (the code page
    or enrolment)."""
    user = get_user_model().objects.get(username=username)
    if code and second_factor.required_for(user):
        give_device(user)
    login = reverse("login")
    page.goto(login)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_url(lambda url: _path(url) != login)
    verify = reverse("second_factor_verify")
    if _path(page.url) == verify and code:
        type_code(page, username)


def type_code(page, username):
    """On the code page: type the user's current code and wait to leave the page."""
    verify = reverse("second_factor_verify")
    user = get_user_model().objects.get(username=username)
    page.fill("form[data-testid=second-factor-form] input[name=code]", current_code(user))
    page.click("form[data-testid=second-factor-form] button[type=submit]")
    page.wait_for_url(lambda url: _path(url) != verify)


def sign_out(page):
    """Click "Sign out" and wait until the browser has left the page: the offline app first
    wipes the phone's store, so the form is sent a moment after the click (RE-08)."""
    with page.expect_navigation():
        page.click("[data-testid=logout]")
