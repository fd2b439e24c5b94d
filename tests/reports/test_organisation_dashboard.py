"""The organisation dashboard (issue 7): each figure against hand-built fixtures, the two
organisations kept apart, who may open it, and the page in Persian and English.

The clock stands at Saturday 1405/09/07 (2026-11-28) 12:00 in Tehran. The default period is
the last 90 days: 2026-08-31 to 2026-11-28. Jalali months met here: Tir 1405 starts 2026-06-22,
Mordad 07-23, Shahrivar 08-23, Mehr 09-23, Aban 10-23, Azar 11-22.
"""

import datetime
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from children.models import Case
from children.selectors import reporting
from core.permissions import Role
from reports.selectors.organisation import last_days, organisation_figures, period_for
from tests.factories import member

from .organisation_data import TEHRAN, at, make_case, make_follow_up, make_referral, meet

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=TEHRAN)
URL = reverse("reports:organisation_dashboard")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cw_a2(org_a):
    return member("cw_a2", org_a, Role.CASEWORKER)


@pytest.fixture
def world(frozen, org_a, org_b, mgr_a, mgr_b, cw_a, cw_a2, cw_b):
    """Organisation A's figures, computed by hand in the tests; B's rows must never reach them."""
    idle = member("cw_a3", org_a, Role.CASEWORKER)
    gone = member("cw_a_gone", org_a, Role.CASEWORKER)
    gone.is_active = False
    gone.save()

    c = {
        1: make_case(org_a, cw_a, registered_on=datetime.date(2026, 11, 25)),
        2: make_case(
            org_a, cw_a, status="assessed", risk="high", registered_on=datetime.date(2026, 11, 10)
        ),
        3: make_case(
            org_a,
            cw_a,
            status="in_progress",
            risk="critical",
            registered_on=datetime.date(2026, 10, 1),
        ),
        4: make_case(
            org_a, cw_a2, status="in_progress", risk="low", registered_on=datetime.date(2026, 9, 1)
        ),
        5: make_case(
            org_a, cw_a2, status="case_plan", risk="medium", registered_on=datetime.date(2026, 6, 1)
        ),
        6: make_case(
            org_a,
            cw_a2,
            status="in_progress",
            risk="high",
            registered_on=datetime.date(2026, 7, 25),
        ),
        # Closed: in the period, in the period, before it.
        7: make_case(
            org_a,
            cw_a,
            status="closed",
            risk="low",
            registered_on=datetime.date(2026, 8, 30),
            closed_at=at(2026, 11, 1),
            reason="reunified",
        ),
        8: make_case(
            org_a,
            cw_a2,
            status="closed",
            registered_on=datetime.date(2026, 5, 1),
            closed_at=at(2026, 9, 15),
            reason="back_in_school",
        ),
        9: make_case(
            org_a,
            cw_a,
            status="closed",
            registered_on=datetime.date(2026, 7, 1),
            closed_at=at(2026, 8, 1),
            reason="lost_contact",
        ),
    }
    b1 = make_case(
        org_b,
        cw_b,
        status="in_progress",
        risk="critical",
        registered_on=datetime.date(2026, 11, 20),
    )
    b2 = make_case(
        org_b,
        cw_b,
        status="closed",
        registered_on=datetime.date(2026, 9, 1),
        closed_at=at(2026, 11, 2),
        reason="reunified",
    )

    # Sent by A. Answer times: 2, 10 and 4 days; R4 and R5 are past their answer date now.
    make_referral(
        c[1], org_b, sent_at=at(2026, 11, 1), state="accepted", answered_at=at(2026, 11, 3)
    )
    make_referral(
        c[2], org_b, sent_at=at(2026, 10, 1), state="declined", answered_at=at(2026, 10, 11)
    )
    make_referral(c[3], org_b, sent_at=at(2026, 11, 25))
    make_referral(c[4], org_b, sent_at=at(2026, 11, 10))
    make_referral(c[5], org_b, sent_at=at(2026, 6, 1))
    make_referral(
        c[6], org_b, sent_at=at(2026, 9, 10), state="completed", answered_at=at(2026, 9, 14)
    )
    make_referral(c[1], org_b, sent_at=at(2026, 10, 20), state="withdrawn")
    # Received by A from B: one overdue since 11-27 10:00, one accepted after a day and a half.
    make_referral(b1, org_a, sent_at=at(2026, 11, 20))
    make_referral(
        b1, org_a, sent_at=at(2026, 11, 2), state="accepted", answered_at=at(2026, 11, 3, 22)
    )
    make_referral(b1, org_a, sent_at=at(2026, 6, 1))  # overdue for months, sent before the period

    # A's follow-ups. F2 is done at 01:00 Tehran on the 11th, still the 10th in UTC: late.
    make_follow_up(c[1], datetime.date(2026, 11, 10), "done", at(2026, 11, 10, 23, 30))
    make_follow_up(c[2], datetime.date(2026, 11, 10), "done", at(2026, 11, 11, 1, 0))
    make_follow_up(c[3], datetime.date(2026, 11, 1), "done", at(2026, 10, 30))
    make_follow_up(c[4], datetime.date(2026, 10, 15), "missed", at(2026, 10, 16))
    make_follow_up(c[5], datetime.date(2026, 11, 20))  # still overdue
    make_follow_up(c[6], datetime.date(2026, 6, 1))  # overdue since before the period
    make_follow_up(c[1], datetime.date(2026, 11, 28))  # due today: not overdue yet
    make_follow_up(c[2], datetime.date(2026, 11, 5), "rescheduled", at(2026, 11, 4))
    make_follow_up(c[3], datetime.date(2026, 8, 30), "done", at(2026, 8, 30))  # before the period
    make_follow_up(b1, datetime.date(2026, 11, 1))  # B's, overdue

    # A's outreach: Valiasr three times (two registered children, five not registered), Tajrish
    # once in the period (four children) and once before it; B at Valiasr too.
    meet(cw_a, "چهارراه ولیعصر", at(2026, 11, 20), cases=[c[1]], boys_6_11=2)
    meet(cw_a, "چهار راه وليعصر", at(2026, 11, 21), cases=[c[1], c[2]], boys_6_11=3)
    meet(cw_a2, "چهارراه ولیعصر", at(2026, 10, 5))
    meet(cw_a2, "میدان تجریش", at(2026, 9, 1), boys_6_11=4)
    meet(cw_a2, "میدان تجریش", at(2026, 8, 1), boys_6_11=9)
    meet(cw_b, "چهارراه ولیعصر", at(2026, 11, 20), cases=[b1], boys_6_11=6)
    return {"cases": c, "idle": idle, "gone": gone, "b_cases": [b1, b2]}


def figures_for(user, key=None):
    with translation.override("en"):
        period = period_for(key, NOW.date()) if key else last_days(NOW.date())
        return organisation_figures(user=user, period=period)


# --- Caseload ----------------------------------------------------------------------------------


def test_open_cases_by_status_and_risk_level(world, mgr_a):
    figures = figures_for(mgr_a)
    assert [c["risk"] for c in figures["risk_columns"]] == ["low", "medium", "high", "critical", ""]
    grid = {row["status"]: row["counts"] for row in figures["by_status"]}
    assert grid == {
        "identified": [0, 0, 0, 0, 0],
        "registered": [0, 0, 0, 0, 1],
        "assessed": [0, 0, 1, 0, 0],
        "case_plan": [0, 1, 0, 0, 0],
        "in_progress": [1, 0, 1, 1, 0],
    }
    assert figures["risk_totals"] == [1, 1, 2, 1, 1]
    assert figures["open_total"] == 6


def test_open_cases_per_caseworker_list_idle_caseworkers_too(world, mgr_a, cw_a, cw_a2):
    rows = {
        row["user"].username: (row["open"], row["high"])
        for row in figures_for(mgr_a)["per_caseworker"]
    }
    # cw_a: cases 1-3 (high and critical); cw_a2: 4-6 (one high). The inactive caseworker and the
    # manager, who hold no case, are not listed.
    assert rows == {"cw_a": (3, 2), "cw_a2": (3, 1), "cw_a3": (0, 0)}


def test_new_registrations_per_jalali_month(world, mgr_a):
    registrations = figures_for(mgr_a)["registrations"]
    months = [(row["year_month"], row["label"], row["count"]) for row in registrations["months"]]
    assert months == [
        (140504, "Tir 1405", 1),  # case 9
        (140505, "Mordad 1405", 1),  # case 6
        (140506, "Shahrivar 1405", 2),  # cases 4 and 7
        (140507, "Mehr 1405", 1),
        (140508, "Aban 1405", 1),
        (140509, "Azar 1405", 1),
    ]
    # Case 7 was registered on 2026-08-30, the day before the 90 days begin.
    assert registrations["in_period"] == 4


def test_closures_in_the_period_by_reason(world, mgr_a):
    closures = figures_for(mgr_a)["closures"]
    counts = {row["reason"]: row["count"] for row in closures["rows"]}
    assert counts["reunified"] == 1
    assert counts["back_in_school"] == 1
    assert counts["lost_contact"] == 0  # closed on 2026-08-01, before the period
    assert closures["total"] == 2


# --- Referrals ---------------------------------------------------------------------------------


def test_referrals_sent_by_state_and_service_level(world, mgr_a):
    out = figures_for(mgr_a)["referrals_out"]
    assert {row["state"]: row["count"] for row in out["by_state"]} == {
        "sent": 2,
        "accepted": 1,
        "declined": 1,
        "completed": 1,
        "not_completed": 0,
        "withdrawn": 1,
    }
    assert out["total"] == 6  # the referral of June is outside the period
    assert (out["answered"], out["answered_in_time"]) == (3, 2)
    # Answered in time (2) of answered (3) plus sent in the period and overdue unanswered (1).
    assert (out["measured"], out["share_in_time"]) == (4, 50)
    assert out["median_days"] == 4.0
    assert out["waiting_now"] == 3  # two of the period and the one of June
    assert out["overdue_now"] == 2


def test_referrals_received_and_their_service_level(world, mgr_a):
    received = figures_for(mgr_a)["referrals_in"]
    assert received["total"] == 2
    assert {row["state"]: row["count"] for row in received["by_state"]}["sent"] == 1
    assert (received["answered_in_time"], received["measured"], received["share_in_time"]) == (
        1,
        2,
        50,
    )
    assert received["median_days"] == 1.5
    assert (received["waiting_now"], received["overdue_now"]) == (2, 2)


def test_the_open_case_grid_sums_the_open_case_counts(world, org_a):
    """The caseload's two sums are made in the database (issue 21): the same as summing the
    rows of every status, risk level and caseworker."""
    by_risk, by_worker = reporting.open_case_grid(org_a.pk)
    grid, workers = {}, {}
    for status, risk, worker_id, count in reporting.open_case_counts(org_a.pk):
        grid[(status, risk)] = grid.get((status, risk), 0) + count
        held = workers.setdefault(worker_id, [0, 0])
        held[0] += count
        held[1] += count if risk in ("high", "critical") else 0
    assert {(status, risk): count for status, risk, count in by_risk} == grid
    assert {worker: [count, high] for worker, count, high in by_worker} == workers
    assert len(grid) > 1 and len(workers) > 1


@pytest.mark.parametrize("key", [None, "m140508", "q14053"])
def test_both_sides_read_together_count_as_each_side_alone(world, mgr_a, org_a, key):
    """The dashboard reads referrals sent and received in one query (issue 21)."""
    period = period_for(key, NOW.date()) if key else last_days(NOW.date())
    bounds = {"start_at": period.start_at, "end_at": period.end_at, "now": NOW}
    together = reporting.referral_counts_both_sides(organisation_id=org_a.pk, **bounds)
    for side, sent in (("sent", True), ("received", False)):
        alone = reporting.referral_counts(organisation_id=org_a.pk, sent=sent, **bounds)
        assert together[side] == alone, side
    assert together["sent"]["total"] and together["received"]["total"]


def test_a_referral_answered_on_the_last_day_of_the_service_level_is_in_time(
    frozen, mgr_a, cw_a, org_b
):
    case = make_case(cw_a.membership.organisation, cw_a, registered_on=datetime.date(2026, 11, 1))
    sent = at(2026, 11, 1)
    make_referral(
        case,
        org_b,
        sent_at=sent,
        state="accepted",
        answered_at=sent + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS),
    )
    make_referral(
        case,
        org_b,
        sent_at=sent,
        state="accepted",
        answered_at=sent + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS, minutes=1),
    )
    out = figures_for(mgr_a)["referrals_out"]
    assert (out["answered_in_time"], out["measured"], out["share_in_time"]) == (1, 2, 50)


# --- Follow-ups --------------------------------------------------------------------------------


def test_follow_up_compliance_in_tehran_days(world, mgr_a):
    follow_ups = figures_for(mgr_a)["follow_ups"]
    assert {row["key"]: row["count"] for row in follow_ups["outcomes"]} == {
        "on_time": 2,
        "late": 1,
        "missed": 1,
        "overdue": 1,
    }
    assert follow_ups["counted"] == 5
    assert follow_ups["share_on_time"] == 40
    assert (follow_ups["rescheduled"], follow_ups["upcoming"]) == (1, 1)
    assert follow_ups["overdue_now"] == 2  # B's overdue follow-up is not A's


def test_follow_ups_of_closed_cases_count_with_the_rest(world, mgr_a):
    """The follow-up figures read every case of the organisation, closed ones included (issue
    21 reads them through followup_case_due_idx; the figures must not change)."""
    closed = world["cases"][7]  # closed on 2026-11-01
    make_follow_up(closed, datetime.date(2026, 10, 20), "done", at(2026, 10, 20))
    make_follow_up(closed, datetime.date(2026, 11, 15))  # left scheduled: overdue
    make_follow_up(closed, datetime.date(2026, 5, 1))  # overdue since before the period
    follow_ups = figures_for(mgr_a)["follow_ups"]
    assert {row["key"]: row["count"] for row in follow_ups["outcomes"]} == {
        "on_time": 3,
        "late": 1,
        "missed": 1,
        "overdue": 2,
    }
    assert follow_ups["due"] == 9
    assert follow_ups["overdue_now"] == 4


# --- Outreach ----------------------------------------------------------------------------------


def test_encounters_and_children_met_by_hotspot(world, mgr_a):
    hotspots = figures_for(mgr_a)["hotspots"]
    rows = [
        (r["hotspot_key"], r["encounters"], r["registered"], r["anonymous"], r["children"])
        for r in hotspots["rows"]
    ]
    valiasr, tajrish = rows
    # Two ways of writing Valiasr are one place; case 1, met twice, counts once.
    assert valiasr[1:] == (3, 2, 5, 7)
    assert tajrish[1:] == (1, 0, 4, 4)  # the visit of August is outside the period
    assert (hotspots["hotspot_count"], hotspots["encounters"]) == (2, 4)


def test_only_the_ten_busiest_hotspots_are_shown(frozen, mgr_a, cw_a):
    for index in range(12):
        for _visit in range(index + 1):
            meet(cw_a, f"محل {index}", at(2026, 11, 20))
    hotspots = figures_for(mgr_a)["hotspots"]
    assert [row["encounters"] for row in hotspots["rows"]] == list(range(12, 2, -1))
    assert hotspots["hotspot_count"] == 12


# --- Periods -----------------------------------------------------------------------------------


def test_a_jalali_month_period(world, mgr_a):
    figures = figures_for(mgr_a, "m140508")  # Aban: 2026-10-23 to 2026-11-21
    period = figures["period"]
    assert (period.first, period.last, period.label) == (
        datetime.date(2026, 10, 23),
        datetime.date(2026, 11, 21),
        "Aban 1405",
    )
    assert figures["referrals_out"]["total"] == 2
    assert figures["follow_ups"]["counted"] == 4  # F1, F2, F3 and the overdue one of 11-20
    assert figures["registrations"]["in_period"] == 1
    assert figures["registrations"]["months"][-1]["label"] == "Aban 1405"


def test_a_jalali_quarter_period_stops_today(world, mgr_a):
    figures = figures_for(mgr_a, "q14053")  # Mehr to Azar; today is Azar 7
    period = figures["period"]
    assert (period.first, period.last) == (datetime.date(2026, 9, 23), datetime.date(2026, 11, 28))
    assert period.label == "Mehr to Azar 1405"
    assert figures["referrals_out"]["total"] == 5  # not the one of 2026-09-10
    assert figures["closures"]["total"] == 1


def test_period_choices_offer_months_and_quarters(frozen):
    with translation.override("fa"):
        assert period_for("m140509", NOW.date()).label == "آذر ۱۴۰۵"
        assert period_for("m140410", NOW.date()).label == "دی ۱۴۰۴"  # twelve months back
        assert period_for("m140409", NOW.date()) is None
        assert period_for("q14044", NOW.date()).first == datetime.date(2025, 12, 22)
        assert period_for("q14043", NOW.date()) is None


# --- Two organisations -------------------------------------------------------------------------


def test_organisation_b_sees_only_its_own_figures(world, mgr_b):
    figures = figures_for(mgr_b)
    assert figures["open_total"] == 1
    assert [row["user"].username for row in figures["per_caseworker"]] == ["cw_b"]
    assert figures["closures"]["total"] == 1
    assert figures["registrations"]["in_period"] == 2
    # What A sent B is B's inbox; what B sent A is B's outbox.
    assert figures["referrals_in"]["total"] == 6
    assert figures["referrals_out"]["total"] == 2
    assert figures["follow_ups"]["overdue_now"] == 1
    assert [(r["encounters"], r["children"]) for r in figures["hotspots"]["rows"]] == [(1, 7)]


def test_a_page_never_carries_b_figures(world, client_as, mgr_a, mgr_b, cw_a, cw_b):
    cw_a.first_name, cw_a.last_name = "فاطمه", "حسینی"
    cw_b.first_name, cw_b.last_name = "نرگس", "محمدی"
    cw_a.save()
    cw_b.save()
    Case.objects.filter(organisation=mgr_b.membership.organisation).update(risk_level="critical")
    html = client_as(mgr_a).get(URL).content.decode()
    assert "فاطمه حسینی" in html
    assert "نرگس محمدی" not in html
    assert mgr_b.membership.organisation.name_fa not in html
    assert _cell(html, "risk-totals", 4) == "۱"  # A's one critical case, not B's


# --- Who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("mgr_a", 200),
        ("mgr_b", 200),
        ("cw_a", 403),
        ("cw_b", 403),
        ("min_officer", 403),
        ("adm", 403),
    ],
)
def test_only_organisation_managers_open_the_dashboard(request, client_as, who, status):
    user = request.getfixturevalue(who)
    assert client_as(user).get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_selector_refuses_a_caseworker(frozen, cw_a):
    with pytest.raises(PermissionDenied):
        figures_for(cw_a)


# --- The page ----------------------------------------------------------------------------------


def _chart(html, chart_id):
    return json.loads(
        html.split(f'<script id="{chart_id}" type="application/json">')[1].split("</script>")[0]
    )


def _row(html, testid):
    match = re.search(rf'<tr[^>]*data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, testid
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)
    ]


def _cell(html, testid, index):
    return _row(html, testid)[index + 1]


def test_persian_page_is_right_to_left_with_persian_digits_and_jalali_months(
    world, client_as, mgr_a
):
    response = client_as(mgr_a).get(URL)
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert _row(html, "status-in_progress")[1:] == ["۱", "۰", "۱", "۱", "۰", "۳"]
    assert _row(html, "month-140506") == ["شهریور ۱۴۰۵", "۲"]
    assert _row(html, "follow-up-on_time")[1] == "۲"
    assert _row(html, "sla-share")[1].startswith("۵۰٪")
    assert _row(html, "sla-median")[1:] == ["۴٫۰", "۱٫۵"]
    assert "۱۴۰۵/۰۶/۰۹" in html and "۱۴۰۵/۰۹/۰۷" in html  # the period, 2026-08-31 to today
    assert 'src="/static/vendor/chartjs/chart.umd.min.js" defer' in html
    assert 'src="/static/js/dashboard-charts.js" defer' in html


def test_english_page_shows_latin_digits(world, client_as, mgr_a):
    client = client_as(mgr_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert _row(html, "month-140506") == ["Shahrivar 1405", "2"]
    assert _row(html, "sla-share")[1].startswith("50%")
    assert _row(html, "referral-state-sent")[1:] == ["2", "1"]
    assert "2026-08-31" in html


def test_every_chart_has_the_numbers_of_its_table(world, client_as, mgr_a):
    html = client_as(mgr_a).get(URL).content.decode()
    status = _chart(html, "chart-status-data")
    in_progress = 4  # identified, registered, assessed, case plan, in progress
    assert [d["data"][in_progress] for d in status["datasets"]] == [1, 0, 1, 1, 0]
    assert status["stacked"] is True
    assert _chart(html, "chart-registrations-data")["datasets"][0]["data"] == [1, 1, 2, 1, 1, 1]
    referrals = _chart(html, "chart-referrals-data")
    assert [d["data"] for d in referrals["datasets"]] == [[2, 1, 1, 1, 0, 1], [1, 1, 0, 0, 0, 0]]
    assert [d["data"] for d in _chart(html, "chart-follow-ups-data")["datasets"]] == [
        [2],
        [1],
        [1],
        [1],
    ]
    hotspots = _chart(html, "chart-hotspots-data")
    assert [d["data"] for d in hotspots["datasets"]] == [[3, 1], [7, 4]]
    assert len(_chart(html, "chart-caseworkers-data")["labels"]) == 2  # the idle one has no bar
    assert (
        len(
            re.findall(
                r'<canvas data-chart="chart-[a-z-]+-data" role="img" aria-label="[^"]+">', html
            )
        )
        == 7
    )


def test_links_lead_into_the_lists(world, client_as, mgr_a, cw_a):
    html = client_as(mgr_a).get(URL).content.decode()
    assert f'href="{reverse("children:case_list")}?status=in_progress"' in html
    assert f'href="{reverse("children:case_list")}?assigned_to={cw_a.pk}"' in html
    assert f'href="{reverse("children:referral_inbox")}?overdue=true"' in html
    assert (
        f'href="{reverse("children:hotspots")}?date_from=۱۴۰۵/۰۶/۰۹&amp;date_to=۱۴۰۵/۰۹/۰۷"' in html
    )


def test_an_unknown_period_falls_back_to_the_last_90_days(world, client_as, mgr_a):
    response = client_as(mgr_a).get(URL, {"period": "m139001"})
    assert response.status_code == 200
    assert response.context["figures"]["period"].key == "90d"
    assert 'class="alert alert-warning' in response.content.decode()


def test_a_chosen_month_shows_its_figures(world, client_as, mgr_a):
    response = client_as(mgr_a).get(URL, {"period": "m140508"})
    assert response.context["figures"]["referrals_out"]["total"] == 2
    assert 'value="m140508" selected' in response.content.decode()


def test_the_page_makes_few_queries_however_many_rows(
    world, client_as, mgr_a, cw_a, django_assert_max_num_queries
):
    client = client_as(mgr_a)
    client.get(URL)  # warm the session and the reference data
    # 12 for the page, 1 for the navigation's count of approvals waiting (issue 17), 1 for the
    # session's second-factor device (AU-03), 4 to read the hotspots with serial plans inside the
    # test's transaction: a savepoint, the setting, the setting back, the release
    # (children/selectors/outreach.py).
    with django_assert_max_num_queries(18):
        client.get(URL)
    organisation = mgr_a.membership.organisation
    for index in range(15):
        worker = member(f"extra{index}", organisation, Role.CASEWORKER)
        case = make_case(
            organisation,
            worker,
            status="in_progress",
            risk="high",
            registered_on=datetime.date(2026, 11, 1),
        )
        make_follow_up(case, datetime.date(2026, 11, 1))
        meet(worker, f"محل {index}", at(2026, 11, 1), cases=[case])
    with django_assert_max_num_queries(18):
        client.get(URL)


def test_an_empty_organisation_gets_a_page_without_charts_but_with_zeroes(frozen, client_as, mgr_a):
    html = client_as(mgr_a).get(URL).content.decode()
    assert _row(html, "risk-totals")[-1] == "۰"
    assert 'data-chart="chart-status-data"' not in html
    assert 'data-chart="chart-registrations-data"' in html  # six empty months still make a trend


def test_a_caseworkers_name_is_escaped_in_the_caseworker_table(world, client_as, mgr_a, cw_a):
    """The table's rows are written by one tag (reports/templatetags/organisation_tags.py), not
    the template language: it must escape like a template does."""
    cw_a.first_name, cw_a.last_name = '<b onclick="x">Ali</b>', "& Co"
    cw_a.save()
    html = client_as(mgr_a).get(URL).content.decode()
    assert "<b onclick" not in html
    assert "<bdi>&lt;b onclick=&quot;x&quot;&gt;Ali&lt;/b&gt; &amp; Co</bdi>" in html
    assert f'data-testid="caseworker-{cw_a.pk}"' in html


@pytest.mark.parametrize("key", ["m140508", "m140507", "q14053", "90d"])
def test_what_waits_now_is_the_same_whatever_the_period(world, mgr_a, key):
    """Referrals waiting and follow-ups overdue now are read beside the period's rows, from
    before and after it (issue 21): every period gives the same "now" figures."""
    default, chosen = figures_for(mgr_a, "90d"), figures_for(mgr_a, key)

    for box in ("referrals_out", "referrals_in"):
        now_figures = ("waiting_now", "overdue_now")
        assert [chosen[box][name] for name in now_figures] == [
            default[box][name] for name in now_figures
        ]
    assert chosen["follow_ups"]["overdue_now"] == default["follow_ups"]["overdue_now"] == 2
    assert default["referrals_out"]["waiting_now"] == 3


def test_the_caseworker_chart_shows_those_with_most_open_cases_and_says_so(
    world, client_as, mgr_a, monkeypatch
):
    """A hundred caseworkers make a wall of bars: the chart keeps the first few by open cases,
    says how many it shows of how many, and the table still lists everyone."""
    html = client_as(mgr_a).get(URL).content.decode()
    assert 'data-testid="caseworkers-charted"' not in html  # two with open cases: all charted
    monkeypatch.setattr("reports.views.organisation.CHARTED_CASEWORKERS", 1)
    html = client_as(mgr_a).get(URL).content.decode()
    chart = _chart(html, "chart-caseworkers-data")
    assert len(chart["labels"]) == 1
    assert chart["datasets"][0]["data"] == [max(chart["datasets"][0]["data"])]
    table = html.split('data-testid="cases-per-caseworker"')[1].split("</table>")[0]
    assert table.count("<tr") >= 3  # the head and both caseworkers with open cases
    note = html.split('data-testid="caseworkers-charted">')[1].split("</p>")[0]
    assert "۱" in note and "۲" in note  # Persian digits: one shown of two
