"""Issue 7 in the browser: an NGO's manager opens the organisation dashboard from the menu, on a
desktop and on a 390 px phone, in Persian and in English; every chart is drawn right to left
and nothing is wider than the phone."""

import datetime
import re

import pytest
from django.utils import timezone

from core.permissions import Role
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province
from tests.reports.organisation_data import make_case, make_follow_up, make_referral, meet

pytestmark = pytest.mark.browser

CHARTS = 7


@pytest.fixture
def organisation(transactional_db):
    tehran = province("tehran")
    ngo = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    partner = OrganisationFactory(code="NGOB", name_fa="خانه کودک مهرآفرین", home_province=tehran)
    manager = member("zahra", ngo, Role.ORG_MANAGER)
    workers = []
    for username, first, last in [
        ("fatemeh", "فاطمه", "حسینی"),
        ("reza", "رضا", "کاظمی"),
        ("maryam", "مریم", "صادقی"),
    ]:
        user = member(username, ngo, Role.CASEWORKER)
        user.first_name, user.last_name = first, last
        user.save()
        workers.append(user)
    partner_worker = member("narges", partner, Role.CASEWORKER)

    now = timezone.now()
    today = timezone.localdate()
    risks = ["", "low", "medium", "high", "critical"]
    statuses = ["registered", "assessed", "case_plan", "in_progress", "in_progress"]
    cases = []
    for index in range(26):
        worker = workers[index % 3]
        case = make_case(
            ngo,
            worker,
            status=statuses[index % 5],
            risk=risks[(index * 3) % 5] if statuses[index % 5] != "registered" else "",
            registered_on=today - datetime.timedelta(days=7 * index),
        )
        cases.append(case)
    for index, reason in enumerate(["reunified", "back_in_school", "back_in_school", "moved_away"]):
        make_case(
            ngo,
            workers[index % 3],
            status="closed",
            registered_on=today - datetime.timedelta(days=150),
            closed_at=now - datetime.timedelta(days=10 * index + 3),
            reason=reason,
        )
    incoming_case = make_case(
        partner, partner_worker, status="in_progress", registered_on=today - datetime.timedelta(40)
    )
    for index, case in enumerate(cases[:9]):
        sent = now - datetime.timedelta(days=6 * index + 2)
        state, answered = [
            ("accepted", sent + datetime.timedelta(days=2)),
            ("completed", sent + datetime.timedelta(days=5)),
            ("declined", sent + datetime.timedelta(days=9)),
            ("sent", None),
        ][index % 4]
        make_referral(case, partner, sent_at=sent, state=state, answered_at=answered)
        make_referral(
            incoming_case,
            ngo,
            sent_at=sent,
            state="sent" if index % 3 == 0 else "accepted",
            answered_at=None if index % 3 == 0 else sent + datetime.timedelta(days=1),
        )
    for index, case in enumerate(cases[:16]):
        due = today - datetime.timedelta(days=4 * index + 1)
        outcome = index % 4
        if outcome == 0:
            make_follow_up(case, due)
        elif outcome == 3:
            make_follow_up(case, due, "missed", now - datetime.timedelta(days=4 * index))
        else:
            done = timezone.make_aware(
                datetime.datetime.combine(
                    due + datetime.timedelta(days=outcome - 1), datetime.time(11)
                )
            )
            make_follow_up(case, due, "done", done)
    hotspots = ["چهارراه ولیعصر", "میدان تجریش", "پایانه جنوب", "بازار تهران", "میدان انقلاب"]
    for index in range(18):
        meet(
            workers[index % 3],
            hotspots[index % 5 if index < 12 else 0],
            now - datetime.timedelta(days=3 * index + 1),
            cases=cases[index : index + 1] if index % 2 else (),
            boys_6_11=index % 4,
        )
    return manager


def charts_drawn(page):
    page.wait_for_function(
        f"() => document.querySelectorAll('canvas[data-chart]').length === {CHARTS} && "
        "[...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )
    return page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')].map(c => {"
        " const chart = window.Chart.getChart(c);"
        " return {id: c.dataset.chart, width: c.clientWidth, height: c.clientHeight,"
        " reverse: chart.options.indexAxis === 'y' ? chart.options.scales.x.reverse"
        " : chart.options.scales.x.reverse}; })"
    )


def test_manager_reads_the_dashboard_on_a_desktop(page, organisation, screenshot):
    sign_in(page, "zahra")
    page.get_by_test_id("nav-org-dashboard").click()
    page.wait_for_url(re.compile(r"/reports/organisation/"))
    charts = charts_drawn(page)
    assert all(chart["width"] > 100 and chart["height"] > 50 for chart in charts), charts
    assert all(chart["reverse"] for chart in charts), charts  # right to left in Persian
    headline = page.get_by_test_id("headline-open").inner_text()
    assert headline == "۲۶"
    screenshot(page, "1-desktop-fa")

    page.select_option("select[name=period]", index=2)  # the month before this one
    page.get_by_role("button", name=re.compile("Show|نمایش")).click()
    page.wait_for_url(re.compile(r"period=m\d{6}"))
    charts_drawn(page)
    screenshot(page, "2-desktop-fa-last-month")


def test_manager_reads_the_dashboard_on_a_phone(phone_page, organisation, screenshot):
    page = phone_page
    sign_in(page, "zahra")
    page.goto("/reports/organisation/")
    charts_drawn(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "3-phone-fa")


def test_english_dashboard_runs_left_to_right(page, organisation, screenshot):
    sign_in(page, "zahra")
    page.goto("/reports/organisation/")
    with page.expect_navigation():
        page.get_by_test_id("language-en").click()
    charts = charts_drawn(page)
    assert not any(chart["reverse"] for chart in charts)
    assert page.get_by_test_id("headline-open").inner_text() == "26"
    screenshot(page, "4-desktop-en")
