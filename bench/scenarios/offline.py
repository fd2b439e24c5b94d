"""The offline app's sync (RE-08): a phone's outbox of 50 items arriving at once."""

import datetime
import json
import time
import uuid

from django.urls import reverse
from django.utils import timezone

from children.models import ANONYMOUS_FIELDS
from core.jalali import format_date

from . import ScenarioError, scenario

OUTBOX = 50


def outbox(fixtures, n=OUTBOX):
    """A street day's outbox: mostly encounters, notes on the caseworker's open cases and a few
    children registered (each through the duplicate check), each item with a new phone id."""
    yesterday = format_date(timezone.localdate() - datetime.timedelta(days=1), "fa")
    case_ids = fixtures["big_org_open_case_ids"]
    items = []
    for i in range(n):
        client_id = str(uuid.uuid4())
        if i % 10 < 7:
            data = {
                "date": yesterday,
                "time": "10:30",
                "activity": "regular_visit",
                "province": fixtures["big_org_province_id"],
                "city": "تهران",
                "hotspot": f"چهارراه {i % 5}",
                **dict.fromkeys(ANONYMOUS_FIELDS.values(), ""),
                "anon_male_6_11": "۲",
            }
            items.append({"client_id": client_id, "kind": "encounter", "data": data})
        elif i % 10 < 9:
            items.append(
                {
                    "client_id": client_id,
                    "kind": "note",
                    "case": case_ids[i % len(case_ids)],
                    "data": {"body": "در بازار دیده شد؛ حالش خوب بود."},
                }
            )
        else:
            data = {
                "given_name": "نرگس",
                "family_name": f"بنچ‌مارک {i}",
                "father_name": "محمود",
                "sex": "female",
                "estimated_age": "10",
                "nationality": "afghan",
                "documentation": "undocumented",
                "province": fixtures["big_org_province_id"],
                "city": "تهران",
                "consent_given_by": "child",
                "consent_given_on": format_date(timezone.localdate(), "fa"),
                "consent_scope": ["record"],
                "confirm_not_duplicate": "on",
            }
            items.append({"client_id": client_id, "kind": "registration", "data": data})
    return items


@scenario("offline sync")
def offline_sync(ctx):
    """POST 50 queued items to the sync endpoint as the large organisation's caseworker (each
    run a new outbox, rolled back), then the same outbox again: all answered as received."""
    fixtures = ctx.fixtures
    client = ctx.client(fixtures["big_org_caseworker_id"])
    url = reverse("offline:sync")

    def post(items, expected):
        response = client.post(url, json.dumps({"items": items}), content_type="application/json")
        if response.status_code != 200:
            raise ScenarioError(f"POST {url} answered {response.status_code}")
        statuses = {r["status"] for r in response.json()["results"]}
        if statuses != expected:
            raise ScenarioError(f"POST {url}: items answered {sorted(statuses)}")

    def send_new():
        post(outbox(fixtures), {"created"})

    retry = outbox(fixtures)

    def send_again():
        # The first send inside the rolled-back run is not timed: only the retry is.
        post(retry, {"created"})
        started = time.perf_counter()
        post(retry, {"already_received"})
        return time.perf_counter() - started

    return [
        ctx.measure(
            "offline: sync 50 queued items",
            send_new,
            target=2.0,
            note="35 encounters, 10 notes, 5 registrations with the duplicate check",
        ),
        ctx.measure(
            "offline: the same 50 items again",
            send_again,
            target=2.0,
            queries=False,
            note="a retry after a lost answer: nothing created",
        ),
    ]
