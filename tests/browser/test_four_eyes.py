"""Issue 20 in the browser, on a phone: a manager opens the closure he asked for himself and finds
no way to approve it; the other manager approves it from "My work"; a caseworker marks a case
plan action done from "My work" (docs/adr/0038)."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from children import services
from children.models import Case, ClosureRequest, PlanAction
from children.models.choices import (
    CaseStatus,
    ConsentGiver,
    ConsentScope,
    PlanStatus,
)
from core.permissions import Role
from tests.browser.children import reza
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member

from .journeys import SERIOUS

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    """NGO A with two managers; the first asked to close a case; a caseworker has plan actions."""
    organisation = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار")
    worker = member("fatemeh", organisation, Role.CASEWORKER)
    first = member("zahra", organisation, Role.ORG_MANAGER)
    second = member("hamid", organisation, Role.ORG_MANAGER)
    case = services.case_register(
        by=worker,
        organisation=organisation,
        data=reza(),
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )
    goal = services.plan_goal_add(by=worker, case=case, goal="بازگشت به مدرسه")
    today = timezone.localdate()
    overdue = services.plan_action_add(
        by=worker,
        goal=goal,
        description="ثبت‌نام در کلاس سوادآموزی",
        responsible=worker,
        target_date=today - datetime.timedelta(days=2),
    )
    services.plan_action_add(
        by=worker,
        goal=goal,
        description="دیدار با سرپرست",
        responsible=worker,
        target_date=today + datetime.timedelta(days=3),
    )
    closure = services.closure_request(by=first, case=case, reason="moved_away")
    return {"case": case, "closure": closure, "overdue": overdue, "second": second}


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _serious_violations(page):
    return [
        (violation["id"], [node["target"] for node in violation["nodes"][:3]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_asker_cannot_approve_and_the_other_manager_does_on_a_phone(
    browser, phone_page, live_server, world, screenshot, language
):
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    case = world["case"]

    # The manager who asked opens his own request: no approve button, a sentence why.
    sign_in(page, "zahra")
    page.goto(reverse("children:case_detail", args=[case.pk]) + "#closure")
    expect(page.get_by_test_id("closure-pending")).to_be_visible()
    expect(page.get_by_test_id("closure-own-request")).to_be_visible()
    expect(page.get_by_test_id("approve-closure")).to_have_count(0)
    _no_sideways_scroll(page)
    screenshot(page, f"own-request-{language}")
    page.goto(reverse("children:my_work"))
    expect(page.get_by_test_id("queue-own-closure")).to_be_visible()
    expect(page.get_by_test_id("queue-approve-closure")).to_have_count(0)
    expect(page.get_by_test_id("approvers")).to_contain_text(str(world["second"]))
    _no_sideways_scroll(page)
    assert not _serious_violations(page)
    screenshot(page, f"own-queue-{language}")
    # Another person on another phone.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The other manager approves it from "My work".
    sign_in(page, "hamid")
    page.goto(reverse("children:my_work") + "#approvals")
    approve = page.get_by_test_id("queue-approve-closure")
    expect(approve).to_have_count(1)
    _no_sideways_scroll(page)
    screenshot(page, f"other-manager-{language}")
    approve.click()
    expect(page.get_by_test_id("queue-approve-closure")).to_have_count(0)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    closure = ClosureRequest.objects.get(pk=world["closure"].pk)
    assert closure.decided_by.username == "hamid"
    context.close()


def test_caseworker_marks_a_plan_action_done_from_my_work_on_a_phone(
    phone_page, live_server, world, screenshot
):
    page = phone_page
    sign_in(page, "fatemeh")
    page.goto(reverse("children:my_work"))
    section = page.get_by_test_id("my-plan-actions")
    expect(section).to_be_visible()
    overdue = page.get_by_test_id(f"plan-action-{world['overdue'].pk}")
    expect(overdue).to_contain_text("ثبت‌نام در کلاس سوادآموزی")
    expect(section.locator("li")).to_have_count(2)
    _no_sideways_scroll(page)
    assert not _serious_violations(page)
    screenshot(page, "plan-actions-fa")
    overdue.get_by_test_id("plan-action-done").click()
    expect(page.get_by_test_id(f"plan-action-{world['overdue'].pk}")).to_have_count(0)
    expect(section.locator("li")).to_have_count(1)
    assert PlanAction.objects.get(pk=world["overdue"].pk).status == PlanStatus.DONE
