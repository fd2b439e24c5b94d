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
