"""Issue 17 in the browser: a manager on a phone finds what waits for approval and decides it
from "My work", without opening the 4,000 px case page."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from children import services
from children.models import Case
from children.models.choices import (
    CaseStatus,
    ConsentGiver,
    ConsentScope,
)
from core.permissions import Role
from tests.browser.children import reza
from tests.factories import OrganisationFactory, member

from .journeys import SERIOUS
from .test_children import sign_in

pytestmark = pytest.mark.browser

PHONE_HEIGHT = 844


@pytest.fixture
def waiting(transactional_db):
    """A caseworker of NGO A asked to close a case; NGO A's manager has not decided yet."""
    organisation = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار")
    worker = member("fatemeh", organisation, Role.CASEWORKER)
    manager = member("maryam", organisation, Role.ORG_MANAGER)
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
    services.closure_request(
        by=worker, case=case, reason="back_in_school", note="در مدرسه محله ثبت‌نام شد"
    )
    return {"manager": manager, "case": case}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_manager_approves_a_closure_from_my_work_on_a_phone(
    phone_page, live_server, waiting, screenshot, language
):
    page = phone_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, "maryam")

    # The organisation dashboard points there too.
    page.goto(reverse("reports:organisation_dashboard"))
    assert page.get_by_test_id("dashboard-approvals").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"dashboard-{language}")

    # The count is in sight on a phone, beside the folded menu, and leads to the queue.
    badge = page.get_by_test_id("nav-approvals-phone")
    assert badge.is_visible()
    assert badge.bounding_box()["height"] >= 24
    badge.click()
    page.wait_for_url("**/my-work/#approvals")

    approve = page.get_by_test_id("queue-approve-closure")
    assert approve.count() == 1
    page.evaluate("window.scrollTo(0, 0)")
    box = approve.bounding_box()
    assert box["y"] + box["height"] <= PHONE_HEIGHT, box  # reachable without scrolling
    assert box["height"] >= 24 and box["width"] >= 24
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations = [
        (violation["id"], [node["target"] for node in violation["nodes"][:3]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert not violations, violations
    screenshot(page, f"queue-{language}")

    approve.click()
    page.wait_for_url("**/my-work/#approvals")
    assert page.get_by_test_id("queue-approve-closure").count() == 0
    assert page.get_by_test_id("nav-approvals-phone").count() == 0
    assert Case.objects.get(pk=waiting["case"].pk).status == CaseStatus.CLOSED
    assert page.url.endswith(reverse("children:my_work") + "#approvals")
