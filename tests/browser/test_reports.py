"""Issue 7 in the browser: a ministry officer opens the dashboard (charts drawn, small figures
hidden), opens the quarterly report the worker built, and downloads its PDF and XLSX."""

import datetime

import pytest
from django.utils import timezone

from children import services as children_services
from children.models import Case, CaseLink
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.permissions import Role
from reports import periods
from reports.models import Report
from reports.services import report_build, report_request
from reports.summary import refresh_summaries
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser


def _register(user, day, region, sex, name):
    return children_services.case_register(
        by=user,
        organisation=user.membership.organisation,
        data={
            "registered_on": day,
            "given_name": name,
            "family_name": "کریمی",
            "father_name": "حسین",
            "sex": sex,
            "birth_date": None,
            "estimated_age": 11,
            "nationality": Nationality.AFGHAN,
            "documentation": Documentation.UNDOCUMENTED,
            "id_number": "",
            "languages": ["dari"],
            "province": region,
            "city": "شهر",
            "district": "۱",
            "phone": "",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": day,
            "scope": [ConsentScope.RECORD],
        },
    )


@pytest.fixture
def figures(transactional_db):
    """Twelve children in Tehran and three in Mashhad in the quarter under way, one of them
    registered twice and linked."""
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    ngo = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار")
    officer = member("officer", ministry, Role.MINISTRY_OFFICER)
    worker = member("worker", ngo, Role.CASEWORKER)
    today = timezone.localdate()
    start = periods.containing(periods.QUARTER, today).start
    tehran, mashhad = province("tehran"), province("razavi-khorasan")
    for index in range(12):
        day = max(start, today - datetime.timedelta(days=index))
        _register(worker, day, tehran, Sex.MALE if index % 3 else Sex.FEMALE, "امید")
    for _index in range(3):
        _register(worker, today, mashhad, Sex.MALE, "یاسین")
    # One of the Tehran children registered again by a second NGO, and the two cases linked (both
    # agreed): still 15 children (docs/adr/0017).
    other = member("worker_b", OrganisationFactory(code="NGOB"), Role.CASEWORKER)
    again = _register(other, today, tehran, Sex.MALE, "امید")
    CaseLink.objects.create(
        requesting_case=again,
        target_case=Case.objects.filter(organisation=ngo).earliest("id"),
        requested_by=other,
        state=CaseLink.State.ACCEPTED,
    )
    refresh_summaries()
    last = periods.last_complete(periods.QUARTER)
    report = report_request(kind=Report.Kind.QUARTERLY_SUMMARY, period=last)
    report_build(report_id=report.pk, run_id=str(report.run_id))  # a no-op if already built
    return officer


def test_ministry_officer_reads_the_dashboard_and_downloads_the_quarterly_report(
    figures, page, screenshot
):
    sign_in(page, figures.username)
    page.get_by_test_id("nav-national-dashboard").click()
    page.wait_for_selector("canvas[data-chart]")
    # Every chart was drawn by Chart.js, right to left.
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )
    tiles = page.get_by_test_id("tiles").inner_text()
    assert "۱۵" in tiles  # 15 children registered this quarter, in Persian digits
    assert "<۵" in page.get_by_test_id("merged").inner_text()  # one linked case merged
    provinces = page.get_by_test_id("table-provinces").inner_text()
    assert "<۵" in provinces  # Mashhad's three children are hidden
    assert "یاسین" not in page.content() and "امید" not in page.content()
    assert page.get_by_test_id("freshness").is_visible()
    screenshot(page, "dashboard")

    page.goto("/reports/")
    page.get_by_role("link", name="خلاصه ملی سه‌ماهه").first.click()
    assert page.get_by_test_id("download-pdf").is_visible()
    with page.expect_download() as pdf:
        page.get_by_test_id("download-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as xlsx:
        page.get_by_test_id("download-xlsx").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "quarterly-report")


def test_dashboard_on_a_phone(figures, phone_page, screenshot):
    sign_in(phone_page, figures.username)
    phone_page.goto("/reports/dashboard/")
    phone_page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing forces a sideways scroll on a 390 px screen
    screenshot(phone_page, "dashboard-phone")
