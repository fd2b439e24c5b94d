"""Issue 7: the ministry dashboard, the summary rebuild behind it, and the quarterly report."""

import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from reports import periods
from reports.models import Report
from reports.services import report_build
from reports.summary import refresh_summaries

from ..measure import in_rollback
from . import get_ok, scenario


def _officers():
    users = get_user_model().objects.filter(membership__role="ministry_officer", is_active=True)
    national = users.filter(membership__province__isnull=True).order_by("pk").first()
    provincial = users.filter(membership__province__isnull=False).order_by("pk").first()
    return national, provincial


@scenario("reports")
def reports(ctx):
    quick = ctx.options.quick
    rows = []
    refreshed = []

    def refresh():
        started = time.perf_counter()
        refreshed.append(refresh_summaries())
        return time.perf_counter() - started

    row = ctx.measure(
        "dashboard summary refresh",
        refresh,
        target=30.0,
        scales_with_data=True,
        warmup=0,
        min_runs=1 if quick else 2,
        max_runs=3,
        queries=False,
    )
    row.note = f"{refreshed[-1].facts:,} summary rows"
    rows.append(row)

    national, provincial = _officers()
    url = reverse("reports:national_dashboard")
    client = ctx.client(national.pk)
    rows.append(
        ctx.measure(
            "ministry dashboard: national",
            lambda: get_ok(client, url),
            target=0.100,
            note="figures cached per summary refresh",
        )
    )

    def cold():
        cache.clear()
        return get_ok(client, url)

    rows.append(
        ctx.measure(
            "ministry dashboard: national, first view after a refresh",
            cold,
            note="protects eight quarters' cubes; every later view reads the cache",
            min_runs=3,
            max_runs=5,
        )
    )
    if provincial is not None:
        provincial_client = ctx.client(provincial.pk)
        rows.append(
            ctx.measure(
                "ministry dashboard: one province",
                lambda: get_ok(provincial_client, url),
                target=0.100,
                note="provincial officer",
            )
        )

    fixtures = ctx.fixtures
    manager = ctx.client(fixtures["big_org_manager_id"])
    organisation_url = reverse("reports:organisation_dashboard")
    rows.append(
        ctx.measure(
            "organisation dashboard: largest organisation, last 90 days",
            lambda: get_ok(manager, organisation_url),
            target=0.100,
            note=f"{fixtures.get('big_org_open_cases', 0):,} open cases; live queries (issue 21)",
        )
    )

    quarter = periods.last_complete(periods.QUARTER)

    def build():
        def run():
            report = Report.objects.create(
                kind=Report.Kind.QUARTERLY_SUMMARY,
                period_key=quarter.key,
                period_start=quarter.start,
                period_end=quarter.end,
            )
            started = time.perf_counter()
            report_build(report_id=report.pk, run_id=str(report.run_id))
            return time.perf_counter() - started

        Report.objects.filter(kind=Report.Kind.QUARTERLY_SUMMARY, period_key=quarter.key).delete()
        return in_rollback(run)

    rows.append(
        ctx.measure(
            "quarterly national report build (XLSX + PDF)",
            build,
            target=60.0,
            scales_with_data=True,
            warmup=0,
            min_runs=1,
            max_runs=2,
            queries=False,
            note="includes the summary refresh it starts with",
        )
    )
    return rows
