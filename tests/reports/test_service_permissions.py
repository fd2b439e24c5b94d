"""report_request checks who asks (ADR 0013); the scheduler (no user) is not checked."""

import pytest

from core.exceptions import ActionNotAllowed
from reports import periods
from reports.models import Report
from reports.services import report_request

ABAN = periods.month(1405, 8)


def test_a_caseworker_cannot_ask_for_a_national_report(cw_a):
    with pytest.raises(ActionNotAllowed):
        report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN, user=cw_a)
    assert not Report.objects.exists()


def test_a_ministry_officer_cannot_ask_for_an_organisations_backlog(min_officer, org_a):
    week = periods.last_complete(periods.WEEK, ABAN.end)
    with pytest.raises(ActionNotAllowed):
        report_request(
            kind=Report.Kind.WEEKLY_BACKLOG, period=week, organisation=org_a, user=min_officer
        )
    assert not Report.objects.exists()


def test_a_manager_asks_only_for_their_own_organisations_backlog(mgr_a, org_a, org_b):
    week = periods.last_complete(periods.WEEK, ABAN.end)
    with pytest.raises(ActionNotAllowed):
        report_request(kind=Report.Kind.WEEKLY_BACKLOG, period=week, organisation=org_b, user=mgr_a)
    report = report_request(
        kind=Report.Kind.WEEKLY_BACKLOG, period=week, organisation=org_a, user=mgr_a
    )
    assert report.organisation == org_a


def test_the_scheduler_is_not_checked(db):
    assert report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN).pk
