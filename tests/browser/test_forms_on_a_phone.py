"""Issue 17, forms on a phone: the error summary after a failed save, the duplicate warning whose
confirm button is at the top, checkboxes a finger can hit, and a date picker that works on a phone
while typed dates are still accepted."""

import re

import pytest

from children.models import Case

from .axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401 - a fixture
from .test_case_page import case_a  # noqa: F401 - a fixture
from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


@pytest.fixture
def case_in_a(case_a):  # noqa: F811
    """The boy the case page's tests register at organisation A."""
    return case_a


def _fill_child(page, *, given="امیرحسین"):
    page.fill("input[name=given_name]", given)
    page.fill("input[name=family_name]", "کریمی")
    page.fill("input[name=father_name]", "عباس")
    page.select_option("select[name=sex]", "male")
    page.fill("input[name=estimated_age]", "۱۳")
    page.select_option("select[name=nationality]", "iranian")
    page.select_option("select[name=documentation]", "undocumented")
    page.select_option("select[name=consent_given_by]", "guardian")


def _submit(page):
    page.click("form[data-testid=register-form] button[type=submit]")
    page.wait_for_load_state()


def test_a_failed_save_starts_with_a_summary_that_leads_to_each_field(
    axe_phone_page,  # noqa: F811
    cast,  # noqa: F811
    screenshot,
):
    """A failed save once showed the long form again from its top with no word of what was wrong."""
    page = axe_phone_page
    sign_in(page, "fatemeh")
    page.goto("/cases/register/")
    _fill_child(page, given="")
    page.fill("input[name=birth_date]", "۱۴۰۴/۱۲/۳۱")  # 1404 is not a leap year
    _submit(page)

    summary = page.get_by_test_id("error-summary")
    assert summary.evaluate("element => element === document.activeElement")
    box = summary.bounding_box()
    assert box["y"] < 844
    assert summary.locator("a").count() == 2
    assert serious_axe_findings(page) == []
    screenshot(page, "summary")

    summary.locator("a[href='#id_birth_date']").click()
    assert page.evaluate("document.activeElement.name") == "birth_date"
    field = page.locator("#id_birth_date").bounding_box()
    assert 0 <= field["y"] <= 844 - field["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_duplicate_warning_confirms_at_the_top(
    axe_phone_page,  # noqa: F811
    cast,  # noqa: F811
    screenshot,
):
    """The confirm button sat at the end of a 2,400 px form; the matches showed no age or sex."""
    page = axe_phone_page
    sign_in(page, "fatemeh")
    for _ in range(2):
        page.goto("/cases/register/")
        _fill_child(page)
        _submit(page)
    page.wait_for_selector("[data-testid=duplicate-warning]")
    assert Case.objects.filter(given_name="امیرحسین").count() == 1
    details = page.get_by_test_id("duplicate-match-details").inner_text()
    assert "پسر" in details or "male" in details.lower()
    assert re.search("[۰-۹0-9]", details), details
    confirm = page.get_by_test_id("confirm-not-duplicate")
    assert confirm.bounding_box()["y"] < 844
    assert serious_axe_findings(page) == []
    screenshot(page, "duplicate-warning")

    confirm.click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert Case.objects.filter(given_name="امیرحسین").count() == 2


def test_checkboxes_are_big_enough_for_a_finger(phone_page, cast):  # noqa: F811
    """The consent and chosen-child checkboxes were 16 px; WCAG 2.2 asks for 24."""
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto("/cases/register/")
    sizes = page.eval_on_selector_all(
        "input.form-check-input[type=checkbox]",
        "boxes => boxes.map(box => [box.offsetWidth, box.offsetHeight])",
    )
    assert sizes and all(width >= 24 and height >= 24 for width, height in sizes), sizes


def test_a_jalali_date_is_picked_on_a_calendar_or_typed(
    axe_phone_page,  # noqa: F811
    cast,  # noqa: F811
    screenshot,
):
    page = axe_phone_page
    sign_in(page, "fatemeh")
    page.goto("/cases/register/")
    date = page.locator("#id_birth_date")
    assert date.get_attribute("placeholder").startswith("مثلاً")

    # The calendar opens from the button beside the input; a day chosen fills the input.
    page.locator(".date-input:has(#id_birth_date) .date-picker-button").click()
    page.wait_for_selector("jdp-container .jdp-day:not(.not-in-month)", state="visible")
    page.wait_for_timeout(500)  # the calendar fades in for 0.3 s; axe measures colours as shown
    assert serious_axe_findings(page) == []
    screenshot(page, "calendar")
    page.locator("jdp-container .jdp-day:not(.not-in-month)", has_text="۱۰").first.click()
    value = date.input_value()
    assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/۱۰", value), value

    # Typing still works: the input is not read-only on a phone.
    assert not date.evaluate("input => input.readOnly")
    date.fill("۱۳۹۲/۰۵/۰۱")
    _fill_child(page, given="سینا")
    _submit(page)
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert str(Case.objects.get(given_name="سینا").birth_date) == "2013-07-23"


def test_chosen_child_checkboxes_are_big_enough_for_a_finger(phone_page, cast, case_in_a):  # noqa: F811
    """Children picked on the encounter form were 16 px checkboxes."""
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto("/outreach/new/")
    page.fill("[data-testid=pick-search]", "امیرحسین")
    box = page.locator("#pick-results input[type=checkbox]").first
    box.wait_for()
    size = box.bounding_box()
    assert size["width"] >= 24 and size["height"] >= 24, size
    box.check()
    picked = page.locator("#picked input[type=checkbox]").first.bounding_box()
    assert picked["width"] >= 24 and picked["height"] >= 24


def test_an_english_date_is_picked_on_the_phones_calendar_or_typed(
    phone_page,
    live_server,
    cast,  # noqa: F811
    screenshot,
):
    """In English, dates are Gregorian: the button opens the browser's own date picker."""
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(page, "fatemeh")
    page.goto("/cases/register/")
    date = page.locator("#id_birth_date")
    assert date.get_attribute("placeholder") == "YYYY-MM-DD"
    assert date.get_attribute("data-date-picker") == "gregorian"
    button = page.locator(".date-input:has(#id_birth_date) .date-picker-button")
    assert button.get_attribute("aria-label")
    # The hidden native input fills the text input when a date is chosen on it.
    page.locator(".date-input:has(#id_birth_date) input[type=date]").fill("2013-07-23")
    assert date.input_value() == "2013-07-23"
    screenshot(page, "english")
    date.fill("2013-07-24")
    _fill_child(page, given="Sina")
    _submit(page)
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert str(Case.objects.get(given_name="Sina").birth_date) == "2013-07-24"


def test_on_a_desktop_the_calendar_opens_beside_its_input(page, cast, screenshot):  # noqa: F811
    sign_in(page, "fatemeh")
    page.goto("/cases/register/")
    group = page.locator(".date-input:has(#id_birth_date)")
    group.locator(".date-picker-button").click()
    calendar = page.locator("jdp-container")
    calendar.locator(".jdp-day").first.wait_for()
    page.wait_for_timeout(400)
    near, box = group.bounding_box(), calendar.bounding_box()
    assert abs(box["y"] - (near["y"] + near["height"])) < 60, (near, box)
    assert box["x"] < near["x"] + near["width"] and box["x"] + box["width"] > near["x"]
