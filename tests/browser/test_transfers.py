"""Issue 20 transfers in the browser, on a 390 px phone: NGO A's manager transfers a child's case
to NGO B (the family moved to Mashhad); B's manager finds it on "My work", sees only what the
request shares, accepts it for a caseworker; A's staff then get 404 for the case and find only
its closing summary (docs/adr/0037)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from children import services
from children.models import Case, CaseTransfer
from children.models.choices import ConsentGiver, ConsentScope
from children.services.transfers import transfer_request
from core.permissions import Role
from tests.browser.children import amirhossein
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser

REASON = "خانواده به مشهد کوچ کرد و کودک در محله طلاب زندگی می‌کند"


@pytest.fixture
def cast(transactional_db):
    tehran = province("tehran")
    org_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    org_b = OrganisationFactory(
        code="NGOB",
        name_fa="خانه کودک مشهد",
        name_en="Mashhad Children's House",
        home_province=province("razavi-khorasan"),
    )
    worker_a = member("fatemeh", org_a, Role.CASEWORKER)
    member("manager.a", org_a, Role.ORG_MANAGER)
    member("manager.b", org_b, Role.ORG_MANAGER)
    worker_b = member("narges", org_b, Role.CASEWORKER)
    worker_b.first_name, worker_b.last_name = "نرگس", "احمدی"
    worker_b.save()
    case = services.case_register(
        by=worker_a,
        organisation=org_a,
        data=amirhossein(),
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "مادر",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD, ConsentScope.TRANSFER],
        },
    )
    return {"case": case, "org_b": org_b, "worker_b": worker_b}


def another_phone(page):
    """The next person, on their own 390 px phone."""
    browser = page.context.browser
    context = browser.new_context(
        base_url=page.url.split("/", 3)[:3] and "/".join(page.url.split("/", 3)[:3]),
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    fresh = context.new_page()
    fresh.set_default_timeout(15_000)
    return fresh


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_send_accept_and_the_sender_keeps_only_the_summary(phone_page, cast, screenshot):
    page = phone_page
    case = cast["case"]
    old_number = case.case_number

    # 1. A's manager asks B to take the case.
    sign_in(page, "manager.a")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("transfer-start").click()
    expect(page.get_by_test_id("transfer-consent")).to_be_visible()
    page.select_option("select[name=province]", "razavi-khorasan")
    page.click("form[data-testid=transfer-province-form] button[type=submit]")
    expect(page.locator("select[name=to_organisation] option")).to_have_count(2)
    page.select_option("select[name=to_organisation]", str(cast["org_b"].pk))
    page.get_by_test_id("transfer-send").click()  # no reason: the error shows beside the field
    expect(page.locator(".invalid-feedback")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "1-transfer-form-error-phone-fa")
    page.fill("textarea[name=reason]", REASON)
    page.get_by_test_id("transfer-send").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_test_id("transfer-pending")).to_contain_text("خانه کودک مشهد")
    transfer = CaseTransfer.objects.get()
    assert transfer.state == "pending"
    page = another_phone(page)

    # 2. B's manager finds it on "My work" and sees only what the request shares.
    sign_in(page, "manager.b")
    page.goto("/my-work/")
    expect(page.get_by_test_id("transfers-incoming-count")).to_have_text("۱")
    no_sideways_scroll(page)
    screenshot(page, "2-my-work-phone-fa")
    page.get_by_test_id("transfer-incoming").get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/transfers/{transfer.pk}/$"))
    expect(page.get_by_test_id("shared-given-name")).to_have_text("امیرحسین")
    html = page.content()
    for secret in (old_number, "غلامعباس", "0012345679", "09121234567", "خاوران"):
        assert secret not in html
    no_sideways_scroll(page)
    screenshot(page, "3-transfer-as-receiver-phone-fa")

    # 3. B accepts for its caseworker: the case page is B's, with a number of B's.
    page.select_option("select[name=assigned_to]", str(cast["worker_b"].pk))
    page.get_by_test_id("transfer-accept").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    moved = Case.objects.get(pk=case.pk)
    expect(page.get_by_test_id("case-number")).to_have_text(moved.case_number)
    expect(page.get_by_test_id("transfer-arrival")).to_contain_text(old_number)
    assert "NGOB" in moved.case_number
    screenshot(page, "4-case-at-receiver-phone-fa")
    page = another_phone(page)

    # 4. A's manager: the case is a 404; the closing summary is what is left.
    sign_in(page, "manager.a")
    assert page.goto(f"/cases/{case.pk}/").status == 404
    page.goto("/cases/")
    page.get_by_test_id("transfer-summaries-link").click()
    page.wait_for_url(re.compile(r"/transfers/summaries/$"))
    expect(page.get_by_test_id("summary-row")).to_have_count(1)
    no_sideways_scroll(page)
    screenshot(page, "5-summaries-phone-fa")
    page.get_by_test_id("open-summary").click()
    expect(page.get_by_test_id("summary-child")).to_have_text("امیرحسین ک.")
    expect(page.get_by_test_id("summary-number")).to_have_text(old_number)
    assert "غلامعباس" not in page.content()
    no_sideways_scroll(page)
    screenshot(page, "6-summary-phone-fa")
    page.get_by_test_id("language-en").click()
    expect(page.get_by_test_id("summary-receiver")).to_have_text("Mashhad Children's House")
    screenshot(page, "7-summary-phone-en")


def test_the_transfer_pages_on_a_desktop_in_both_languages(page, cast, screenshot):
    case = cast["case"]
    transfer = transfer_request(
        by=member_user("manager.a"), case=case, to_organisation=cast["org_b"], reason=REASON
    )
    sign_in(page, "manager.b")
    page.goto(f"/transfers/{transfer.pk}/")
    expect(page.get_by_test_id("shared-given-name")).to_have_text("امیرحسین")
    screenshot(page, "1-receiver-desktop-fa")
    page.get_by_test_id("language-en").click()
    expect(page.get_by_test_id("transfer-accept")).to_have_text("Accept: the case becomes ours")
    screenshot(page, "2-receiver-desktop-en")
    page.goto("/transfers/received/")
    expect(page.get_by_test_id("transfer-row")).to_have_count(1)
    screenshot(page, "3-received-list-desktop-en")


def member_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
