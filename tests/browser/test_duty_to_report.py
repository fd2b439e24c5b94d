"""Issue 20 in the browser: a manager on a phone finds a duty-to-report alert on "My work" and
records the decision, with an error beside the field first (docs/adr/0036-duty-to-report.md)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from children import services
from children.models import ReportAlert
from children.models.choices import ConsentGiver, ConsentScope
from core.permissions import Role
from tests.browser.children import reza
from tests.factories import OrganisationFactory, member

from .signing_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def alert(transactional_db):
    """A caseworker recorded a concern of sexual abuse; the alert waits for the manager."""
    organisation = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار")
    worker = member("fatemeh", organisation, Role.CASEWORKER)
    member("maryam", organisation, Role.ORG_MANAGER)
    case = services.case_register(
        by=worker,
        organisation=organisation,
        data=reza(
            protection_concerns=["sexual_abuse"],
        ),
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )
    return case.report_alerts.get()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("language", ["fa", "en"])
def test_manager_records_the_decision_on_a_phone(
    phone_page, live_server, alert, screenshot, language
):
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, "maryam")

    page.goto(reverse("children:my_work"))
    item = page.get_by_test_id("my-report-alert")
    expect(item).to_have_count(1)
    expect(page.get_by_test_id("report-alerts-count")).to_contain_text(
        "1" if language == "en" else "۱"
    )
    _no_sideways_scroll(page)
    screenshot(page, f"my-work-{language}")

    item.get_by_role("link").click()
    form = page.get_by_test_id("alert-decision-form")
    expect(form).to_be_visible()
    form.locator("select[name=decision]").select_option("reported")
    form.locator("select[name=reported_to]").select_option("other")
    page.get_by_test_id("alert-decision-save").click()

    # The missing authority is said beside its field; nothing was saved.
    expect(page.locator("#id_reported_to_other-error")).to_be_visible()
    assert ReportAlert.objects.get(pk=alert.pk).is_open
    _no_sideways_scroll(page)
    screenshot(page, f"error-{language}")

    form = page.get_by_test_id("alert-decision-form")
    form.locator("select[name=reported_to]").select_option("social_emergency_123")
    form.locator("input[name=reference]").fill("۱۲۳۴/۵۶")
    page.get_by_test_id("alert-decision-save").click()

    decision = page.get_by_test_id("case-report-decision")
    expect(decision).to_be_visible()
    expect(decision).to_contain_text("۱۲۳۴/۵۶")
    _no_sideways_scroll(page)
    screenshot(page, f"case-{language}")
    saved = ReportAlert.objects.get(pk=alert.pk)
    assert (saved.decision, saved.reported_to) == ("reported", "social_emergency_123")
