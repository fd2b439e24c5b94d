"""Street outreach: saving an encounter from the phone form; the list and hotspot pages."""

import datetime

from django.urls import reverse
from django.utils import timezone

from children.models import ANONYMOUS_FIELDS
from core.jalali import format_date

from . import ScenarioError, get_ok, scenario


@scenario("outreach")
def outreach(ctx):
    """POST the encounter form as the large organisation's caseworker: yesterday at a Tehran
    crossroads, two registered children met, five counted anonymously; then the encounter list
    and the hotspot summary of the organisation's encounters (issue 21: under 150 ms; the save and the
    list have no target)."""
    fixtures = ctx.fixtures
    client = ctx.client(fixtures["big_org_caseworker_id"])
    url = reverse("children:encounter_create")
    data = {
        "date": format_date(timezone.localdate() - datetime.timedelta(days=1), "fa"),
        "time": "10:30",
        "activity": "regular_visit",
        "province": fixtures["big_org_province_id"],
        "city": "تهران",
        "district": "منطقه ۱۲",
        "hotspot": "چهار راه ولیعصر",
        "observations": "دو کودک فال‌فروش و سه کودک دستفروش",
        "follow_up_needed": "on",
        "cases": fixtures["big_org_open_case_ids"],
        **dict.fromkeys(ANONYMOUS_FIELDS.values(), ""),
        "anon_male_6_11": "۳",
        "anon_female_12_14": "۲",
    }

    def save():
        response = client.post(url, data)
        if response.status_code != 302:
            raise ScenarioError(f"POST {url} answered {response.status_code}, not a redirect")

    hotspots_url = reverse("children:hotspots")
    list_url = reverse("children:encounter_list")
    return [
        ctx.measure(
            "outreach: save an encounter (POST)",
            save,
            note="2 registered children, 5 anonymous; report only (no target in the issue)",
        ),
        ctx.measure(
            "outreach: encounter list, page 1",
            lambda: get_ok(client, list_url),
            note="report only",
        ),
        ctx.measure(
            "outreach: hotspot summary",
            lambda: get_ok(client, hotspots_url),
            target=0.150,  # issue 21
            note="no filter: the page's default of the last 90 days, page 1",
        ),
    ]
