"""The browser smoke test: sign in in Persian, right to left with Jalali dates, switch to English,
sign out. Every later feature can be tested the same way."""

import re

import pytest

from core.permissions import Role
from tests.factories import TEST_PASSWORD, OrganisationFactory, member

pytestmark = pytest.mark.browser

PERSIAN_JALALI_DATE = re.compile(r"1[34]\d\d/\d\d/\d\d|[۱][۳۴][۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}")


@pytest.fixture
def caseworker(transactional_db):
    organisation = OrganisationFactory(
        code="NGOA", name_fa="انجمن یاری کودکان کار", name_en="Helping Children"
    )
    return member("fatemeh", organisation, Role.CASEWORKER)


def test_sign_in_in_persian_switch_to_english_and_sign_out(page, caseworker, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    screenshot(page, "1-login-fa")

    page.fill("input[name=username]", "fatemeh")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_url("**/")
    today = page.get_by_test_id("today").inner_text()
    assert re.search(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", today), today
    assert "انجمن یاری کودکان کار" in page.get_by_test_id("current-user").inner_text()
    # The Persian font is served from our own static files, not a CDN.
    assert page.evaluate(
        "[...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded')"
    )
    screenshot(page, "2-home-fa")

    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.get_by_test_id("today").inner_text())
    assert "Helping Children" in page.get_by_test_id("current-user").inner_text()
    screenshot(page, "3-home-en")

    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.locator("form[data-testid=login-form]").is_visible()
    screenshot(page, "4-signed-out-en")


def test_wrong_password_shows_the_error_beside_the_form(page, caseworker, screenshot):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "fatemeh")
    page.fill("input[name=password]", "not the password")
    page.click("form[data-testid=login-form] button[type=submit]")
    assert page.get_by_test_id("login-error").is_visible()
    screenshot(page, "wrong-password-fa")


def test_login_page_fits_a_phone_screen(phone_page, transactional_db, screenshot):
    phone_page.goto("/accounts/login/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "login-phone")
