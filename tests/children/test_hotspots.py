"""The hotspot summary (issue 21): the figures per place, the days it covers, its pages, who
sees it."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.scopes import Scope
from api.services import token_create
from children.filters import EncounterFilter
from children.models import Encounter
from children.models.choices import Sex
from children.selectors.outreach import hotspot_page, hotspot_summary
from core.jalali import format_date
from core.persian import compact
from tests.factories import province

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def _at(year, month, day, hour=0, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=TEHRAN)


def _figures(rows):
    return [
        (row["hotspot_key"], row["encounters"], row["registered"], row["anonymous"]) for row in rows
    ]


@pytest.fixture
def week_in_the_field(cw_a, cw_a2, register, log_encounter):
    """Three places in organisation A: two children met again and again at Vali-Asr (one of them
    also at Enghelab), anonymous children counted beside registered ones."""
    first = register(cw_a)
    second = register(cw_a, given_name="زهرا", sex=Sex.FEMALE)
    week_ago = timezone.localdate() - datetime.timedelta(days=7)

    def at(days, hour):
        day = week_ago + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    log_encounter(
        cw_a, occurred_at=at(0, 10), cases=[first, second], anonymous={("male", "6_11"): 2}
    )
    log_encounter(cw_a2, occurred_at=at(1, 10), cases=[first], anonymous={("female", "12_14"): 3})
    log_encounter(
        cw_a, occurred_at=at(2, 17), hotspot="چهار راه وليعصر", anonymous={("male", "15_17"): 1}
    )
    log_encounter(cw_a, occurred_at=at(1, 9), hotspot="میدان انقلاب", district="۶", cases=[first])
    log_encounter(
        cw_a2,
        occurred_at=at(3, 11),
        hotspot="حرم",
        province=province("razavi-khorasan"),
        city="مشهد",
        district="",
        anonymous={("female", "under6"): 4},
    )
    return {"last_at_vali_asr": at(2, 17), "first": first, "second": second}


def test_the_page_gives_each_places_figures(client_as, cw_a, week_in_the_field):
    response = client_as(cw_a).get(reverse("children:hotspots"))

    rows = response.context["rows"]
    assert _figures(rows) == [
        (compact("چهارراه ولیعصر"), 3, 2, 6),
        (compact("حرم"), 1, 0, 4),
        (compact("میدان انقلاب"), 1, 1, 0),
    ]
    assert rows[0]["last_visit"] == week_in_the_field["last_at_vali_asr"]
    assert (rows[1]["city"], rows[1]["province__name_en"]) == ("مشهد", "Razavi Khorasan")


def test_the_page_and_the_dashboards_selector_give_the_same_rows(
    client_as, cw_a, week_in_the_field
):
    """The dashboard reads `hotspot_summary` whole; the page reads it a page at a time."""
    page_rows = client_as(cw_a).get(reverse("children:hotspots")).context["rows"]

    everything = hotspot_summary(
        Encounter.objects.filter(organisation=cw_a.membership.organisation)
    )

    assert page_rows == everything


def test_the_filters_narrow_every_figure(client_as, cw_a, cw_a2, week_in_the_field):
    rows = client_as(cw_a).get(reverse("children:hotspots"), {"caseworker": cw_a2.pk})

    assert _figures(rows.context["rows"]) == [
        (compact("حرم"), 1, 0, 4),
        (compact("چهارراه ولیعصر"), 1, 1, 3),
    ]


def test_hotspots_come_a_page_at_a_time_busiest_first(client_as, cw_a, case_a, log_encounter):
    for number in range(25):
        log_encounter(cw_a, hotspot=f"کوچه {number}")
        log_encounter(cw_a, hotspot=f"کوچه {number}")
    log_encounter(cw_a, hotspot="میدان آخر", cases=[case_a], anonymous={("male", "6_11"): 2})
    client = client_as(cw_a)

    first = client.get(reverse("children:hotspots"))
    second = client.get(reverse("children:hotspots"), {"page": 2})

    assert len(first.context["rows"]) == 25
    assert {row["encounters"] for row in first.context["rows"]} == {2}
    assert _figures(second.context["rows"]) == [(compact("میدان آخر"), 1, 1, 2)]
    assert "page=2" in first.content.decode()


def test_the_page_costs_the_same_queries_for_three_places_or_thirty(client_as, cw_a, log_encounter):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("children:hotspots")).status_code == 200
        return len(captured)

    client = client_as(cw_a)
    for number in range(3):
        log_encounter(cw_a, hotspot=f"کوچه {number}")
    few = queries()
    for number in range(3, 30):
        log_encounter(cw_a, hotspot=f"کوچه {number}")

    assert queries() == few


def test_an_outsider_never_sees_anothers_hotspots(client_as, cw_b, cw_a, week_in_the_field):
    client = client_as(cw_b)

    page = client.get(reverse("children:hotspots"))
    as_a_colleague = client.get(reverse("children:hotspots"), {"caseworker": cw_a.pk})

    assert page.context["rows"] == []
    assert "وليعصر" not in page.content.decode() and "ولیعصر" not in page.content.decode()
    # Another organisation's caseworker is no choice of B's: refused, nothing shown.
    assert "caseworker" in as_a_colleague.context["filter"].form.errors
    assert as_a_colleague.context["rows"] == []


# --- The days: compared as instants, the same encounters as the local date in SQL -------------


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2021, 3, 22),  # Tehran's clocks went from 00:00 to 01:00 that night
        datetime.date(2021, 9, 22),  # and from 24:00 back to 23:00 on the 21st
        datetime.date(2026, 11, 27),  # no daylight saving any more
    ],
)
def test_date_filters_keep_the_encounters_of_the_local_day(cw_a, log_encounter, day):
    """An encounter is in "from" and "to" exactly when its local date is (the filter used to
    compare `occurred_at::date` in Tehran's time, which no index serves)."""
    midnight = datetime.datetime.combine(day, datetime.time.min)
    instants = [
        _at(day.year, day.month, day.day) - datetime.timedelta(hours=2),
        *(
            (midnight + datetime.timedelta(hours=h)).replace(tzinfo=TEHRAN)
            - datetime.timedelta(seconds=s)
            for h in (0, 1, 24, 25)
            for s in (1, 0)
        ),
        (midnight + datetime.timedelta(hours=23, minutes=59, seconds=59)).replace(tzinfo=TEHRAN),
        datetime.datetime.combine(day, datetime.time(20, 30), tzinfo=datetime.UTC)
        - datetime.timedelta(days=1),  # 00:00 or 01:00 of the day in Tehran
    ]
    for at in instants:
        log_encounter(cw_a, occurred_at=at, hotspot=at.isoformat())
    own = Encounter.objects.filter(organisation=cw_a.membership.organisation)
    typed = format_date(day, "fa")

    def kept(**params):
        return set(EncounterFilter(params, queryset=own).qs.values_list("pk", flat=True))

    def local_date(**lookup):
        return set(own.filter(**lookup).values_list("pk", flat=True))

    assert kept(date_from=typed) == local_date(occurred_at__date__gte=day)
    assert kept(date_to=typed) == local_date(occurred_at__date__lte=day)
    assert kept(date_from=typed, date_to=typed) == local_date(occurred_at__date=day)
    assert kept(date_from=typed, date_to=typed)  # the day has encounters: not a vacuous test


def test_a_date_at_the_end_of_the_calendar_still_filters(cw_a, log_encounter):
    log_encounter(cw_a)
    own = Encounter.objects.filter(organisation=cw_a.membership.organisation)

    kept = EncounterFilter({"date_to": "9999-12-31"}, queryset=own).qs

    assert kept.count() == 1


def test_the_date_filter_is_a_range_on_the_column(cw_a):
    own = Encounter.objects.filter(organisation=cw_a.membership.organisation)

    sql = str(EncounterFilter({"date_from": "1405/06/16"}, queryset=own).qs.query)

    assert "AT TIME ZONE" not in sql and '"occurred_at" >=' in sql


# --- The filter's choices -------------------------------------------------------------------


def test_the_caseworker_choices_are_the_organisations_people_without_service_accounts(
    client_as, cw_a, cw_a2, cw_b, adm, org_a
):
    token, _secret = token_create(
        by=adm,
        name="سامانه بهزیستی",
        kind=ApiToken.Kind.ORGANISATION,
        organisation=org_a,
        scopes=Scope.FOR_ORGANISATION,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )

    form = client_as(cw_a).get(reverse("children:hotspots")).context["filter"].form
    html = str(form["caseworker"])

    assert f'value="{cw_a2.pk}"' in html and f'value="{cw_a.pk}"' in html
    assert f'value="{cw_b.pk}"' not in html and f'value="{token.user.pk}"' not in html


def test_the_page_leaves_the_connections_settings_as_it_found_them(cw_a, week_in_the_field):
    """It reads without parallel workers; the test's transaction goes on with the default."""

    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = workers()
    own = Encounter.objects.filter(organisation=cw_a.membership.organisation)
    page = hotspot_page(own, 1, per_page=25)

    assert len(page.object_list) == 3
    assert workers() == before


# --- Serial plans in one round trip ------------------------------------------------------------

_SETTINGS_SQL = "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('jit')"


def test_a_serial_read_plans_without_workers_or_jit_inside_a_transaction(db):
    from children.selectors.outreach import _serial_read

    with connection.cursor() as cursor:
        cursor.execute(_SETTINGS_SQL)
        before = cursor.fetchone()
        rows = _serial_read(cursor, _SETTINGS_SQL, [])
        cursor.execute(_SETTINGS_SQL)
        after = cursor.fetchone()

    assert rows == [("0", "off")]
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_a_serial_read_outside_a_transaction_is_one_statement_and_leaves_no_setting():
    from children.selectors.outreach import _serial_read

    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_SETTINGS_SQL)
        before = cursor.fetchone()
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        rows = _serial_read(cursor, _SETTINGS_SQL + " WHERE %s = 1", [1])
    with connection.cursor() as cursor:
        cursor.execute(_SETTINGS_SQL)
        after = cursor.fetchone()

    assert rows == [("0", "off")]
    assert len(queries) == 1
    assert after == before != ("0", "off")
