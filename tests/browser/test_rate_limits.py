"""Rate limits in the browser (RL-01): the 429 page on a phone in Persian, and the htmx picker
showing the short message where its results would go."""

import pytest
from django.urls import reverse

from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


def test_the_too_many_requests_page_fits_a_phone_right_to_left(phone_page, settings, screenshot):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_address": "1/h"}
    page = phone_page
    for _ in range(2):
        page.goto(reverse("password_reset"))
        page.fill("input[name=email]", "someone@example.org")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

    message = page.get_by_test_id("too-many-requests")
    assert message.is_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "429")


def test_the_picker_shows_when_to_try_again_above_its_rate(phone_page, cast, settings):  # noqa: F811
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "picker": "1/m"}
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto(reverse("children:encounter_create"))
    picker = reverse("children:case_pick")
    # Wait for the first answer: on a busy machine a fixed pause let the two inputs fall into one
    # debounce window, so only one request was sent and the limit was never reached.
    with page.expect_response(lambda response: picker in response.url):
        page.fill("[data-testid=pick-search]", "زهرا")
    with page.expect_response(lambda response: picker in response.url):
        page.fill("[data-testid=pick-search]", "زهرا محمدی")

    message = page.locator("#pick-results [data-testid=too-many-requests]")
    message.wait_for()
    assert "alert" in message.get_attribute("class")
