"""The duty to report on the ministry dashboard (docs/adr/0036-duty-to-report.md): counts and the
median time to a decision by province and quarter, protected like every figure there (AC-08),
never a case; a provincial officer sees only their province (AC-12)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from children import services
from children.models import ReportAlert
from children.selectors.reporting import report_alert_facts, report_alert_facts_in
from children.services import duty
from core.permissions import Role
from reports import periods, suppression
from reports.duty import duty_block_html, duty_tables, protected_cube
from reports.selectors.national import ALL
from tests.children.conftest import CONSENT, identity
from tests.factories import member, province


@pytest.fixture
def alerts(org_a, cw_a, mgr_a):
    """`alerts(n, province_code, decided_after_hours=None)` starts n alerts on new cases."""

    def make(count, province_code, decided_after_hours=None):
        made = []
        for index in range(count):
            case = services.case_register(
                by=cw_a,
                organisation=org_a,
                data=identity(
                    given_name=f"کودک{province_code}{index}", province=province(province_code)
                ),
                consent=dict(CONSENT),
            )
            alert = duty.report_alert_start(case=case, trigger="trafficking", by=cw_a)
            if decided_after_hours is not None:
                duty.report_alert_decide(
                    by=mgr_a, alert=alert, decision="not_reported", reason_not_reported="x"
                )
                ReportAlert.objects.filter(pk=alert.pk).update(
                    decided_at=alert.started_at + datetime.timedelta(hours=decided_after_hours)
                )
            made.append(alert)
        return made

    return make


def quarter():
    return periods.containing(periods.QUARTER, timezone.localdate())


def test_small_counts_show_as_fewer_than_five(alerts):
    alerts(3, "tehran")
    cube = protected_cube(quarter())
    tehran = province("tehran").pk
    assert cube[("started", tehran)] == suppression.SUPPRESSED
    assert cube[("started", ALL)] == suppression.SUPPRESSED


def test_a_total_cannot_reveal_a_small_province(alerts):
    alerts(6, "tehran")
    alerts(2, "razavi-khorasan")
    cube = protected_cube(quarter())
    assert cube[("started", province("razavi-khorasan").pk)] == suppression.SUPPRESSED
    assert cube[("started", province("tehran").pk)] == suppression.HIDDEN
    assert cube[("started", ALL)] == 8


def test_median_hours_to_a_decision_is_hidden_under_five_decisions(alerts):
    alerts(4, "tehran", decided_after_hours=10)
    assert protected_cube(quarter())[("median", ALL)] == suppression.SUPPRESSED
    alerts(3, "tehran", decided_after_hours=30)
    cube = protected_cube(quarter())
    assert cube[("decided", ALL)] == 7
    assert cube[("median", ALL)] == 10.0


def test_escalations_are_counted(alerts):
    made = alerts(5, "tehran")
    duty.report_alerts_escalate(now=timezone.now() + datetime.timedelta(hours=25))
    # Escalations happen tomorrow: counted in the quarter they happen in.
    cube = protected_cube(
        periods.containing(periods.QUARTER, timezone.localdate() + datetime.timedelta(days=1))
    )
    assert cube[("escalated", ALL)] == len(made)


def test_the_dashboard_shows_the_block_and_never_a_case(client_as, min_officer, alerts):
    made = alerts(6, "tehran")
    response = client_as(min_officer).get(reverse("reports:national_dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duty-report-block"' in body
    assert 'data-testid="table-duty-provinces"' in body
    assert 'data-testid="table-duty-quarters"' in body
    for alert in made:
        assert alert.case.case_number not in body
        assert alert.case.given_name not in body
        assert reverse("children:case_detail", args=[alert.case_id]) not in body
        assert reverse("children:report_alert_decide", args=[alert.case_id, alert.pk]) not in body


def test_the_trend_shows_the_same_cells_as_each_quarters_cube(alerts):
    alerts(2, "tehran")
    by_province, trend = duty_tables(quarter())
    assert by_province["total"][1] == trend["rows"][-1][1] == suppression.SUPPRESSED
    assert len(trend["rows"]) == 4


def test_a_provincial_officer_sees_only_their_province(client_as, ministry, alerts):
    officer = member(
        "min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan")
    )
    alerts(7, "tehran")
    alerts(6, "razavi-khorasan")
    response = client_as(officer).get(reverse("reports:national_dashboard"))
    tables = {
        table["id"]: table for table in duty_tables(quarter(), province("razavi-khorasan").pk)
    }
    assert [row[0] for row in tables["duty-provinces"]["rows"]] == [
        str(province("razavi-khorasan").name)
    ]
    assert tables["duty-provinces"]["total"] is None
    assert response.status_code == 200
    assert (
        str(province("tehran").name)
        not in response.content.decode().split('data-testid="duty-report-block"')[1]
    )


def test_the_quarters_read_together_count_as_each_read_alone(alerts):
    """The dashboard reads its quarter and the trend's in one query (issue 21): an alert started
    in one quarter and decided in the next counts in each as when each is read alone."""
    started = alerts(6, "tehran", decided_after_hours=5)
    now, before = quarter(), quarter().previous()
    ReportAlert.objects.filter(pk__in=[a.pk for a in started[:2]]).update(
        started_at=timezone.make_aware(
            datetime.datetime.combine(before.last_day, datetime.time(23))
        )
    )
    together = report_alert_facts_in([(before.start, before.end), (now.start, now.end)])
    assert together == [
        report_alert_facts(before.start, before.end),
        report_alert_facts(now.start, now.end),
    ]
    assert together[0][province("tehran").pk]["started"] == 2
    assert together[1][province("tehran").pk]["decided"] == 6


def test_the_kept_block_is_the_one_drawn_for_its_scope_language_and_facts(alerts):
    """The block's HTML is kept by what it is drawn from (issue 21): never another province's,
    the nation's, another language's, or the figures before an alert was started."""
    tehran, razavi = province("tehran").pk, province("razavi-khorasan").pk
    alerts(7, "tehran")
    alerts(6, "razavi-khorasan")

    def drawn(scope, language):
        with translation.override(language):
            return render_to_string(
                "reports/partials/duty_report_block.html",
                {"tables": duty_tables(quarter(), scope)},
            )

    for scope in (ALL, tehran, razavi):
        for language in ("fa", "en"):
            with translation.override(language):
                kept = duty_block_html(quarter(), scope)
                assert duty_block_html(quarter(), scope) == kept
            assert kept == drawn(scope, language)
    with translation.override("en"):
        assert "Tehran" not in duty_block_html(quarter(), razavi)
        before = duty_block_html(quarter(), tehran)
    alerts(1, "tehran")
    with translation.override("en"):
        after = duty_block_html(quarter(), tehran)
    assert after != before
    assert after == drawn(tehran, "en")
