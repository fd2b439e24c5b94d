"""The manager's "My work", the referral inbox, and the daily overdue job."""

import time

from django.urls import reverse

from children.models import FollowUp, Referral
from children.services.followups import followups_mark_overdue

from ..measure import Row
from . import get_ok, scenario, url_or_none


@scenario("my work")
def my_work(ctx):
    """ "My work" of a manager of the large organisation (every open case of it is in scope)."""
    fixtures = ctx.fixtures
    client = ctx.client(fixtures["big_org_manager_id"])
    url = reverse("children:my_work")
    open_cases = fixtures.get("big_org_open_cases")
    return [
        ctx.measure(
            "my work: manager, large organisation",
            lambda: get_ok(client, url),
            target=0.150,
            note=f"{open_cases:,} open cases" if open_cases else "",
        )
    ]


@scenario("referral inbox")
def referral_inbox(ctx):
    """Referrals received by the large organisation, page 1, then only the overdue ones."""
    url = url_or_none("children:referral_inbox")
    if url is None:
        return [Row("referral inbox", target_s=0.100, status="not built yet", note="no URL named")]
    fixtures = ctx.fixtures
    client = ctx.client(fixtures["big_org_manager_id"])
    received = Referral.objects.filter(to_organisation_id=fixtures["big_org_id"]).count()
    return [
        ctx.measure(
            "referral inbox: page 1",
            lambda: get_ok(client, url),
            target=0.100,
            note=f"{received:,} referrals received",
        ),
        ctx.measure(
            "referral inbox: overdue only",
            lambda: get_ok(client, url, {"overdue": "true"}),
            target=0.100,
        ),
    ]


@scenario("overdue job")
def overdue_job(ctx):
    """`followups_mark_overdue` over every follow-up: a normal morning (only yesterday's newly
    overdue ones to stamp) and a backlog (overdue_since cleared on every pending one first, as
    after the job was down or on its first run). Each run is rolled back."""
    total = FollowUp.objects.count()
    quick = ctx.options.quick
    stamped = []

    def daily():
        started = time.perf_counter()
        stamped.append(followups_mark_overdue())
        return time.perf_counter() - started

    def backlog():
        FollowUp.objects.filter(overdue_since__isnull=False).update(overdue_since=None)
        started = time.perf_counter()
        stamped.append(followups_mark_overdue())
        return time.perf_counter() - started

    rows = []
    for name, fn in (("a normal morning", daily), ("backlog, all overdue unstamped", backlog)):
        stamped.clear()
        row = ctx.measure(
            f"overdue job: {name}",
            fn,
            target=60.0,
            scales_with_data=True,
            warmup=0 if quick else 1,
            min_runs=1 if quick else 3,
            max_runs=10,
        )
        row.note = f"{total:,} follow-ups, {stamped[-1]:,} stamped per run"
        rows.append(row)
    return rows
