"""Documents on a phone: a caseworker adds a child's Amayesh card with a photo of it from the case
page, in Persian, on 390 px, and finds it on "My work" because it expires soon."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from children.models import CaseDocument
from core.jalali import format_date

from .axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401 - a fixture
from .test_case_page import case_a  # noqa: F401 - a fixture
from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_caseworker_adds_a_document_with_a_scan_and_sees_it_on_my_work(
    axe_phone_page,  # noqa: F811
    live_server,
    cast,  # noqa: F811
    case_a,  # noqa: F811
    screenshot,
):
    page = axe_phone_page
    sign_in(page, "fatemeh")
    page.context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page.goto(reverse("children:case_detail", args=[case_a.pk]) + "#documents")
    page.get_by_test_id("document-add").click()
    form = page.get_by_test_id("document-form")
    expect(form).to_be_visible()
    form.locator("select[name=type]").select_option("amayesh")
    form.locator("input[name=number]").fill("۵۵۵۱۲۳")
    expires = timezone.localdate() + datetime.timedelta(days=20)
    form.locator("input[name=expires_on]").fill(format_date(expires, "fa"))
    form.locator("input[name=scan_file]").set_input_files(
        {"name": "کارت.png", "mimeType": "image/png", "buffer": PNG}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_findings(page) == []
    screenshot(page, "form")
    page.get_by_test_id("document-save").click()

    card = page.get_by_test_id("case-document")
    expect(card).to_contain_text("555123")
    expect(page.get_by_test_id("document-expiring")).to_be_visible()
    expect(page.get_by_test_id("document-scan")).to_be_visible()
    document = CaseDocument.objects.get(case=case_a)
    assert (document.number, document.expires_on) == ("555123", expires)
    assert document.scan_content_type == "image/png"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "case")

    page.goto(reverse("children:my_work"))
    section = page.get_by_test_id("my-documents")
    expect(section.get_by_test_id("my-document")).to_contain_text("امیرحسین کریمی")
    expect(section.get_by_test_id("my-documents-expiring")).to_have_text("۱")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_findings(page) == []
    screenshot(page, "my-work")
