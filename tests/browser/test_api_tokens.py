"""The administrators' token screens on a phone, right to left in Persian (AC-11): create a
token for an organisation, copy it once, see it in the list, revoke it."""

import pytest

from core.permissions import Role
from tests.factories import OrganisationFactory, member, province

from .test_children import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_and_org(transactional_db):
    tehran = province("tehran")
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    return member("sara", ministry, Role.ADMINISTRATOR)


def test_an_administrator_creates_and_revokes_a_token_on_a_phone(
    phone_page, admin_and_org, screenshot
):
    page = phone_page
    sign_in(page, "sara")
    page.goto("/api/tokens/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_test_id("token-create").click()
    page.fill("input[name=name]", "سامانه بهزیستی")
    page.check("input[name=kind][value=organisation]")
    page.select_option("select[name=organisation]", label="انجمن یاری کودکان کار")
    page.check("input[name=scopes][value='cases:read']")
    page.check("input[name=scopes][value='referrals:read']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-form")
    page.get_by_test_id("token-submit").click()

    key = page.get_by_test_id("token-key").inner_text()
    assert key.startswith("kdk_")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "2-shown-once")

    page.goto("/api/tokens/")
    assert key not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "3-list")
    prefix = key.split("_")[1]
    page.get_by_test_id(f"revoke-{prefix}").click()
    page.wait_for_load_state()
    assert page.get_by_test_id(f"revoke-{prefix}").count() == 0
    screenshot(page, "4-revoked")


def test_the_api_docs_render_under_the_content_security_policy(page, admin_and_org, screenshot):
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    sign_in(page, "sara")
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert page.locator(".opblock").count() > 10
    assert not [text for text in refused if "Content Security Policy" in text]
    screenshot(page, "docs")
