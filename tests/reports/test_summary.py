"""Summary tables and the protected cube against figures counted by hand (issue 7).

The fixture (tests/reports/conftest.py) registers children in Shahrivar and Mehr 1405 in three
provinces, closes some and logs encounters, a case closing and an encounter each 30 minutes either
side of midnight in Tehran between the two months (the same UTC day): they prove that dates are
Tehran dates, not UTC ones.
"""

import datetime

from django.utils import translation

from core.models import Province
from reports.models import CalendarDay, SummaryFact, SummaryRefresh
from reports.national_tables import summary
from reports.selectors import national
from reports.selectors.national import ALL, UNRECORDED, _relations, period_cube
from reports.summary import ensure_calendar, refresh_summaries
from reports.suppression import HIDDEN, SUPPRESSED, is_hidden
from tests.factories import province

from .data import AFTER_MIDNIGHT, MEHR, Q2, Q3, SHAHRIVAR, make_case


def facts():
    return {
        (f.jalali_month, f.province_id, f.measure, f.dimension, f.category): f.count
        for f in SummaryFact.objects.all()
    }


def test_calendar_days_carry_their_jalali_month(db):
    ensure_calendar(datetime.date(2026, 11, 28))
    assert CalendarDay.objects.get(day=datetime.date(2026, 9, 22)).jalali_month == 140506
    assert CalendarDay.objects.get(day=datetime.date(2026, 9, 23)).jalali_month == 140507
    assert CalendarDay.objects.get(day=datetime.date(2025, 3, 20)).jalali_month == 140312
    assert ensure_calendar(datetime.date(2026, 11, 28)) == 0  # a no-op the second time


def test_summary_facts_per_jalali_month_and_province(dataset):
    t, r = dataset["tehran"], dataset["razavi"]
    got = facts()
    s = dataset["sistan"]
    expected = {
        (140506, t, "registered", "", ""): 11,
        (140506, t, "registered", "sex_age", "male:6_11"): 10,
        (140506, t, "registered", "sex_age", "female:unknown"): 1,
        (140506, t, "registered", "nationality", "afghan"): 10,
        (140506, t, "registered", "nationality", "iranian"): 1,
        (140506, t, "registered", "documentation", "amayesh"): 10,
        (140506, t, "registered", "documentation", "undocumented"): 1,
        (140506, t, "registered", "work_type", "street_vending"): 10,
        (140506, t, "registered", "work_type", "unknown"): 1,
        (140506, t, "registered", "school_status", "dropped_out"): 10,
        (140506, t, "registered", "school_status", "unknown"): 1,
        (140506, r, "registered", "", ""): 3,
        (140506, r, "registered", "sex_age", "female:12_14"): 3,  # from the birth date
        (140506, r, "registered", "nationality", "iranian"): 3,
        (140506, r, "registered", "documentation", "passport"): 3,
        (140506, r, "registered", "work_type", "unknown"): 3,
        (140506, r, "registered", "school_status", "unknown"): 3,
        (140506, s, "registered", "", ""): 5,
        (140506, s, "registered", "sex_age", "male:15_17"): 5,
        (140506, s, "registered", "nationality", "afghan"): 5,
        (140506, s, "registered", "documentation", "amayesh"): 5,
        (140506, s, "registered", "work_type", "unknown"): 5,
        (140506, s, "registered", "school_status", "unknown"): 5,
        (140507, t, "registered", "", ""): 5,
        (140507, t, "registered", "sex_age", "male:unknown"): 5,
        (140507, t, "registered", "nationality", "afghan"): 5,
        (140507, t, "registered", "documentation", "unknown"): 5,
        (140507, t, "registered", "work_type", "unknown"): 5,
        (140507, t, "registered", "school_status", "unknown"): 5,
        # Closed at 23:30 on 31 Shahrivar in Tehran (with 4 others), and at 00:30 on 1 Mehr.
        (140506, t, "closed", "", ""): 5,
        (140506, t, "closed", "closure_reason", "unknown"): 1,
        (140506, t, "closed", "closure_reason", "aged_out"): 4,
        (140507, t, "closed", "", ""): 5,
        (140507, t, "closed", "closure_reason", "reunified"): 5,
        (140506, t, "encounters", "", ""): 5,
        (140507, t, "encounters", "", ""): 5,
        (140506, t, "anonymous", "", ""): 6,
        (140506, t, "anonymous", "sex_age", "male:15_17"): 6,
        (140507, t, "anonymous", "", ""): 7,
        (140507, t, "anonymous", "sex_age", "male:6_11"): 4,
        (140507, t, "anonymous", "sex_age", "female:12_14"): 3,
    }
    assert got == expected


def test_refresh_replaces_the_figures_and_keeps_one_refresh_row(dataset, org_a, cw_a):
    make_case(org_a, cw_a, registered_on=MEHR, estimated_age=18, documentation="")
    refresh_summaries()
    assert facts()[(140507, dataset["tehran"], "registered", "", "")] == 6
    assert SummaryRefresh.objects.count() == 1


def test_raw_cube_of_a_quarter(dataset):
    t, r = dataset["tehran"], dataset["razavi"]
    raw = national._raw_counts(Q3)
    assert raw["registered|all||"] == 5
    assert raw[f"registered|{t}||"] == 5
    assert raw[f"closed|{t}||"] == 5
    # Open at the end of Mehr-Azar: everything registered so far minus everything closed.
    assert raw["active|all||"] == 11 + 3 + 5 + 5 - 10
    assert raw[f"active|{t}||"] == 11 + 5 - 10
    assert raw[f"active|{r}||"] == 3
    # Open at the start: the end of Q2.
    assert raw["active_start|all||"] == 11 + 3 + 5 - 5
    assert raw["registered|all|sex|male"] == 5
    assert raw["registered|all|age|unknown"] == 5
    assert raw["anonymous|all|sex|female"] == 3


def test_protected_quarter_figures_and_headline_tiles(dataset):
    t, r, s = dataset["tehran"], dataset["razavi"], dataset["sistan"]
    q2 = period_cube(Q2)
    assert q2.get("registered") == 19
    assert q2.get("registered", r) == SUPPRESSED  # 3 children in Razavi Khorasan
    assert q2.get("registered", s) == HIDDEN  # else 19 - 11 would reveal the 3
    assert q2.get("registered", t) == 11
    assert q2.get("closed") == 5  # with UTC dates it would be 6
    assert q2.get("closed", ALL, "closure_reason", "aged_out") == SUPPRESSED
    assert q2.get("active") == 14
    assert q2.get("encounters") == 5  # 4 + the one at 23:30 on 31 Shahrivar, Tehran time
    assert q2.get("anonymous") == 6

    tiles = {tile["measure"]: tile for tile in summary(Q3)["tiles"]}
    assert tiles["registered"]["value"] == 5
    assert tiles["registered"]["previous"] == 19
    assert tiles["registered"]["change"] == -14
    assert tiles["active"]["value"] == 14
    assert tiles["active"]["change"] == 0
    assert tiles["closed"]["value"] == 5  # with UTC dates it would be 4, shown as "<5"
    assert tiles["encounters"]["value"] == 5  # 4 + the one at 00:30 on 1 Mehr, Tehran time
    assert tiles["encounters"]["change"] == 0
    assert tiles["anonymous"]["value"] == 7
    assert tiles["anonymous"]["change"] == 1


def test_unknown_categories_are_shown_as_their_own_rows(dataset):
    cube = period_cube(Q3)
    assert cube.get("registered", ALL, "documentation", "unknown") == 5
    assert cube.get("registered", ALL, "work_type", "unknown") == 5
    assert cube.get("registered", ALL, "school_status", "unknown") == 5
    assert cube.get("registered", ALL, "sex_age", "male:unknown") == 5
    assert cube.get("registered", ALL, "age", "unknown") == 5
    with translation.override("en"):
        tables = {t["id"]: t for t in summary(Q3)["tables"]}
    documentation = {row[0]: row[1] for row in tables["registered-documentation"]["rows"]}
    assert documentation["Not recorded"] == 5
    assert tables["registered-documentation"]["total"][1] == 5
    ages = {row[0]: row[1:] for row in tables["registered-sex-age"]["rows"]}
    assert ages["Age not known"] == [0, 5, 5]  # girls, boys, total
    assert summary(Q2)["has_hidden"] is True


def shown_with_the_start(period):
    """The cube's figures, with the stock at the start as the cube before shows it."""
    values = dict(period_cube(period).values)
    before = period_cube(period.previous()).values
    for key, _label in [*national.provinces(), (ALL, "")]:
        values[f"{national.START}|{key}||"] = before.get(f"active|{key}||", 0)
    return values


def test_cube_keeps_no_relation_with_a_single_hidden_member(dataset):
    keys = [key for key, _label in national.provinces()]
    for period in (Q2.previous(), Q2, Q3, Q3.next()):
        values = shown_with_the_start(period)
        for total, parts in _relations(keys):
            members = [total, *parts]
            hidden = [m for m in members if is_hidden(values.get(m, 0))]
            assert len(hidden) != 1, (period.key, total, hidden)


def test_national_minus_the_shown_provinces_never_gives_a_hidden_province(dataset):
    """Differencing: the provincial and national views are slices of one protected cube."""
    keys = [key for key, _label in national.provinces()]
    for period in (Q2, Q3):
        national_tiles = summary(period)["tiles"]
        views = [summary(period, scope=key)["tiles"] for key in keys]
        for index, tile in enumerate(national_tiles):
            values = [view[index]["value"] for view in views]
            hidden = [value for value in values if is_hidden(value)]
            # With exactly one province hidden, national - shown provinces would be its value.
            assert is_hidden(tile["value"]) or len(hidden) != 1, (period.key, tile["measure"])
            if not hidden and not is_hidden(tile["value"]):
                assert sum(values) == tile["value"]
    # The case the fixture was built for: 3 children in Razavi Khorasan in Shahrivar.
    assert summary(Q2, scope=dataset["razavi"])["tiles"][0]["value"] == SUPPRESSED
    assert summary(Q2, scope=dataset["sistan"])["tiles"][0]["value"] == HIDDEN
    assert summary(Q2, scope=dataset["tehran"])["tiles"][0]["value"] == 11
    assert summary(Q2)["tiles"][0]["value"] == 19


def test_province_table_lists_every_province_and_the_unrecorded_row(dataset):
    tables = {t["id"]: t for t in summary(Q2)["tables"]}
    provinces = tables["provinces"]
    assert len(provinces["rows"]) == Province.objects.count() + 1
    assert provinces["total"][1] == 19
    assert UNRECORDED == 0


def test_the_cube_is_cached_until_the_next_refresh(dataset, org_a, cw_a):
    assert period_cube(Q3).get("registered") == 5
    for _i in range(5):
        make_case(org_a, cw_a, registered_on=MEHR)
    assert period_cube(Q3).get("registered") == 5  # cached: the summaries are not rebuilt yet
    refresh_summaries()
    assert period_cube(Q3).get("registered") == 10


def test_open_cases_of_two_quarters_do_not_give_away_the_number_closed(org_a, cw_a):
    """Open at the end of Q3 = open at the end of Q2 + registered in Q3 - closed in Q3: with
    11, 8 and 5 shown, a "<5" closed would be 11 - 8 - 5 = 2. One more must be hidden."""
    for _i in range(8):
        make_case(org_a, cw_a, registered_on=SHAHRIVAR)
    mehr = [make_case(org_a, cw_a, registered_on=MEHR) for _i in range(5)]
    for case in mehr[:2]:
        case.status, case.closed_at, case.closure_reason = "closed", AFTER_MIDNIGHT, "other"
        case.save()
    refresh_summaries()
    keys = [ALL, *[key for key, _label in national.provinces()]]
    for period in (Q2, Q3, Q3.next()):
        now, before = period_cube(period), period_cube(period.previous())
        for place in keys:
            members = [
                now.get("active", place),
                before.get("active", place),
                now.get("registered", place),
                now.get("closed", place),
            ]
            assert sum(1 for value in members if is_hidden(value)) != 1, (period.key, place)
    tiles = {tile["measure"]: tile for tile in summary(Q3)["tiles"]}
    assert tiles["closed"]["value"] == SUPPRESSED
    assert tiles["registered"]["value"] == HIDDEN  # the flow is hidden, not the stock
    assert (tiles["active"]["value"], tiles["active"]["previous"]) == (11, 8)
    # Q4 starts from a shown stock of 11 with nothing new: nothing more to hide.
    assert period_cube(Q3.next()).get("active") == 11


def test_a_stock_hidden_at_the_start_stays_hidden_while_nothing_changes(org_a, cw_a):
    """7 open cases hidden beside a small province in Q2, and no change since: the open count
    at the end of Q3 would be the hidden 7 again, so it is hidden too."""
    for _i in range(7):
        make_case(org_a, cw_a, registered_on=SHAHRIVAR, where="sistan-baluchestan")
    for _i in range(3):
        make_case(org_a, cw_a, registered_on=SHAHRIVAR, where="razavi-khorasan")
    for _i in range(9):
        make_case(org_a, cw_a, registered_on=SHAHRIVAR)
    refresh_summaries()
    sistan = province("sistan-baluchestan").pk
    assert period_cube(Q2).get("active", sistan) == HIDDEN
    assert period_cube(Q3).get("active", sistan) == HIDDEN
    assert period_cube(Q3).get("active") == 19
