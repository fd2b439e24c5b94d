"""The second factor in a real browser on a 390 px phone, in Persian and English (AU-03): set it
up with the key shown beside the QR code, keep the recovery codes, sign in again with a code."""

import base64
import re

import pytest
from django.urls import reverse

from core.permissions import Role
from tests.browser.signing_in import sign_in, type_code
from tests.factories import OrganisationFactory, member
from tests.second_factor import code_for_key

from .axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401 - a fixture used by name

pytestmark = pytest.mark.browser


def fits_and_passes_axe(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_findings(page) == []


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_manager_sets_up_the_second_factor_on_a_phone_and_signs_in_again_with_a_code(
    axe_phone_page,  # noqa: F811
    live_server,
    transactional_db,
    screenshot,
    language,
):
    organisation = OrganisationFactory(code="NGO9", name_fa="انجمن آزمایش", name_en="Test NGO")
    member("zohreh", organisation, Role.ORG_MANAGER)
    page = axe_phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, "zohreh", code=False)
    assert page.url.split("?")[0].endswith(reverse("second_factor_enrol"))
    assert page.get_by_test_id("qr-code").locator("svg").is_visible()
    fits_and_passes_axe(page)
    screenshot(page, f"enrol-{language}")

    key_text = page.get_by_test_id("key-text").inner_text().replace(" ", "")
    key_hex = base64.b32decode(key_text + "=" * (-len(key_text) % 8)).hex()
    page.fill("form[data-testid=second-factor-enrol-form] input[name=code]", code_for_key(key_hex))
    page.click("form[data-testid=second-factor-enrol-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/second-factor/recovery-codes/"))
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    fits_and_passes_axe(page)
    screenshot(page, f"recovery-codes-{language}")
    page.get_by_test_id("codes-continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    # A new session on another phone: a fresh browser context, with no cookie and no service
    # worker of the first one still fetching in the background.
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "zohreh", code=False)
    assert page.url.split("?")[0].endswith(reverse("second_factor_verify"))
    fits_and_passes_axe(page)
    screenshot(page, f"code-{language}")
    type_code(page, "zohreh")
    assert page.get_by_test_id("current-user").count() == 1
    page.goto(reverse("second_factor"))
    fits_and_passes_axe(page)
