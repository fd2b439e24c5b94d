"""Issue 17 in the browser: identifiers that cannot be misread, separators that are not digits."""

import pytest
from django.urls import reverse

from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


def test_a_case_number_keeps_latin_digits_and_never_wraps_in_persian(phone_page, cast, screenshot):  # noqa: F811
    """The Persian-digit font once drew "NGOB01" as "NGOB۰۱"; a separator dot read as a zero."""
    page = phone_page
    sign_in(page, "narges")
    case = cast["other_case"]

    page.goto(reverse("children:case_list"))
    number = page.get_by_text(case.case_number, exact=True).first
    style = number.evaluate(
        "element => { const s = getComputedStyle(element.closest('[dir=ltr]'));"
        " return [s.fontFamily, s.whiteSpace, s.direction]; }"
    )
    assert not style[0].startswith('"Vazirmatn FD"'), style
    assert style[1:] == ["nowrap", "ltr"]
    assert "·" not in page.inner_text("main")
    screenshot(page, "case-list")


def test_english_chosen_on_the_sign_in_page_stays_after_signing_in(phone_page, cast):  # noqa: F811
    page = phone_page
    page.goto(reverse("login"))
    page.get_by_test_id("language-en").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.fill("input[name=username]", "narges")
    from tests.factories import TEST_PASSWORD

    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_url("**/")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_a_missing_page_is_friendly_and_every_title_is_text(phone_page, cast):  # noqa: F811
    page = phone_page
    sign_in(page, "narges")
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert "پیدا نشد" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(reverse("meetings:group_list"))
    assert "<" not in page.title()
