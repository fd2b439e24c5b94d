"""Issue 15 in the browser, on a phone in Persian: a name typed by ear finds the child, and
another NGO's child is not found by its sound."""

import pytest

from children import services
from tests.children.conftest import CONSENT, identity

from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


def test_a_name_typed_by_ear_finds_the_child_on_a_phone(phone_page, cast, screenshot):  # noqa: F811
    worker = cast["worker_a"]
    child = services.case_register(
        by=worker,
        organisation=worker.membership.organisation,
        data=identity(given_name="حسین", family_name="رضایی", father_name="غلامرضا"),
        consent=dict(CONSENT),
    )
    page = phone_page
    sign_in(page, "fatemeh")

    page.goto("/cases/?q=هسین+رزایی")
    table = page.get_by_test_id("case-table")
    assert child.case_number in table.inner_text()
    assert "حسین رضایی" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-found-by-sound")

    page.goto("/cases/?q=Hossein+Rezaei")
    assert child.case_number in page.get_by_test_id("case-table").inner_text()
    screenshot(page, "2-found-in-latin")

    # B's زهرا محمدی, typed by ear: not A's to find.
    page.goto("/cases/?q=ظهرا+مهمدی")
    assert cast["other_case"].case_number not in page.content()
    assert "زهرا" not in page.content()
    screenshot(page, "3-other-ngo-not-found")
