"""Issue 20, child labour and the law on a phone: the case list filtered by a Labour Law flag,
and the flag with its reason and article on the case page, in both languages (docs/adr/0035)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from children import services
from children.models.choices import (
    ConsentGiver,
    ConsentScope,
    Documentation,
    Nationality,
    Sex,
    WorkType,
)
from tests.factories import province

from .test_children import cast, sign_in  # noqa: F401 - cast is a fixture used by name

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _register(worker, given_name, work_type):
    case = services.case_register(
        by=worker,
        organisation=worker.membership.organisation,
        data={
            "given_name": given_name,
            "family_name": "کریمی",
            "father_name": "عباس",
            "sex": Sex.MALE,
            "birth_date": None,
            "estimated_age": 12,
            "nationality": Nationality.AFGHAN,
            "documentation": Documentation.UNDOCUMENTED,
            "province": province("tehran"),
            "city": "تهران",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )
    return services.case_update(
        by=worker,
        case=case,
        data={"work_type": work_type, "work_hours_per_week": 30},
        expected_version=case.version,
        section="work",
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_filter_the_case_list_by_a_flag_and_read_it_on_the_case(
    browser,
    live_server,
    cast,  # noqa: F811
    screenshot,
    language,
):
    worker = cast["worker_a"]
    flagged = _register(worker, "امیرحسین", WorkType.WASTE_PICKING)
    _register(worker, "مهدی", WorkType.NONE)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, "fatemeh")
        page.goto(reverse("children:case_list"))
        rows = page.get_by_test_id("case-table").locator("tbody tr")
        expect(rows).to_have_count(2)
        page.locator(".filter-toggle").click()
        page.locator("select[name=labour_flag]").select_option("hazardous")
        page.get_by_test_id("filter-form").locator("button[type=submit]").click()
        page.wait_for_url("**labour_flag=hazardous**")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("امیرحسین")
        expect(rows.first.get_by_test_id("case-labour-flag")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, f"list-{language}")

        rows.first.locator("a").first.click()
        page.wait_for_url(f"**{reverse('children:case_detail', args=[flagged.pk])}")
        header = page.get_by_test_id("case-header")
        expect(header.locator("[data-flag=under_15]")).to_be_visible()
        expect(header.locator("[data-flag=hazardous]")).to_be_visible()
        page.locator(".case-index a[href='#section-work']").click()
        finding = page.locator("[data-testid=labour-finding][data-flag=under_15]")
        expect(finding).to_be_visible()
        expect(finding).to_contain_text(re.compile("79|۷۹"))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, f"case-{language}")
    finally:
        context.close()
