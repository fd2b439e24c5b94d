"""RT-01 on a phone: a manager puts a case under a legal hold from the case page's more actions,
in Persian, on 390 px, and lifts it again."""

import pytest
from django.urls import reverse

from children.models import Case
from core.permissions import Role
from tests.factories import member

from .axe_checks import axe_phone_page, serious_axe_findings  # noqa: F401 - a fixture
from .test_case_page import case_a  # noqa: F401 - a fixture
from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser


def test_a_manager_puts_a_case_under_legal_hold_on_a_phone(
    axe_phone_page,  # noqa: F811
    live_server,
    cast,  # noqa: F811
    case_a,  # noqa: F811
    screenshot,
):
    member("maryam", cast["worker_a"].membership.organisation, Role.ORG_MANAGER)
    page = axe_phone_page
    sign_in(page, "maryam")
    page.context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page.goto(reverse("children:case_detail", args=[case_a.pk]))
    page.get_by_test_id("case-more").locator("summary").click()
    form = page.get_by_test_id("legal-hold-form")
    form.locator("input[name=reason]").fill("پرونده در دادگاه خانواده")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_findings(page) == []
    screenshot(page, "before")
    form.locator("button").click()
    page.wait_for_load_state()

    assert Case.objects.get(pk=case_a.pk).legal_hold
    page.get_by_test_id("case-more").locator("summary").click()
    assert "پرونده در دادگاه خانواده" in page.get_by_test_id("legal-hold-form").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "held")
    page.get_by_test_id("legal-hold-form").locator("button").click()
    page.wait_for_load_state()
    assert not Case.objects.get(pk=case_a.pk).legal_hold
