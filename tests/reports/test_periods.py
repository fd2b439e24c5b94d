"""Reporting periods: Jalali months, quarters and Saturday weeks, judged in Tehran time."""

import datetime

import pytest
import time_machine

from reports import periods

UTC = datetime.UTC


def test_month_bounds_and_key():
    azar = periods.month(1405, 9)
    assert azar.key == "1405-09"
    assert azar.start == datetime.date(2026, 11, 22)  # 1 Azar 1405
    assert azar.end == datetime.date(2026, 12, 22)  # exclusive: 1 Dey 1405
    assert azar.last_day == datetime.date(2026, 12, 21)
    assert azar.months == [140509]


def test_first_half_months_have_31_days():
    shahrivar = periods.month(1405, 6)
    assert shahrivar.start == datetime.date(2026, 8, 23)
    assert (shahrivar.end - shahrivar.start).days == 31
    assert shahrivar.last_day == datetime.date(2026, 9, 22)


def test_esfand_of_a_leap_year_has_30_days_and_of_a_common_year_29():
    leap = periods.month(1403, 12)
    assert leap.start == datetime.date(2025, 2, 19)
    assert leap.end == datetime.date(2025, 3, 21)  # Nowruz 1404
    assert (leap.end - leap.start).days == 30
    common = periods.month(1404, 12)
    assert (common.end - common.start).days == 29
    assert common.end == datetime.date(2026, 3, 21)  # Nowruz 1405


def test_quarter_bounds():
    q3 = periods.quarter(1405, 3)
    assert q3.key == "1405-Q3"
    assert q3.start == datetime.date(2026, 9, 23)  # 1 Mehr 1405
    assert q3.end == datetime.date(2026, 12, 22)  # 1 Dey 1405
    assert q3.months == [140507, 140508, 140509]
    q4 = periods.quarter(1403, 4)
    assert q4.end == datetime.date(2025, 3, 21)  # ends with the 30-day Esfand of 1403
    assert periods.quarter(1405, 1).start == datetime.date(2026, 3, 21)


def test_week_starts_on_saturday_and_is_named_by_its_jalali_saturday():
    wednesday = datetime.date(2026, 11, 25)
    week = periods.containing(periods.WEEK, wednesday)
    assert week.start == datetime.date(2026, 11, 21)
    assert week.start.weekday() == periods.SATURDAY
    assert week.end == datetime.date(2026, 11, 28)
    assert week.key == "W1405-08-30"  # 30 Aban 1405; the week runs into Azar
    assert week.months == [140508, 140509]
    # A Saturday starts its own week; a Friday is the last day of the week before it.
    assert periods.containing(periods.WEEK, datetime.date(2026, 11, 28)).key == "W1405-09-07"
    assert periods.containing(periods.WEEK, datetime.date(2026, 11, 27)).key == "W1405-08-30"


def test_previous_and_next_walk_across_year_ends():
    first = periods.quarter(1405, 1)
    assert first.previous().key == "1404-Q4"
    assert first.previous().next() == first
    assert periods.month(1405, 1).previous().key == "1404-12"
    assert periods.month(1404, 12).next().key == "1405-01"
    week = periods.from_key("W1405-09-07")
    assert week.previous().key == "W1405-08-30"
    assert week.next().start == datetime.date(2026, 12, 5)


@pytest.mark.parametrize("key", ["1405-09", "1405-Q3", "W1405-09-07", "W1405-08-30", "1403-12"])
def test_from_key_round_trips(key):
    assert periods.from_key(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        None,
        "1405",
        "1405-13",
        "1405-00",
        "1405-Q0",
        "1405-Q5",
        "1405-9",
        "W1405-09-08",  # a Sunday
        "W1405-13-01",
        "W1404-12-30",  # 1404 is not a leap year
        "1405-09; drop table",
        "q3-1405",
    ],
)
def test_from_key_refuses_anything_else(key):
    with pytest.raises(ValueError, match="not a reporting period"):
        periods.from_key(key)


def test_containing_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        periods.containing("year", datetime.date(2026, 1, 1))


def test_last_complete_turns_at_midnight_in_tehran_not_utc():
    # 30 Aban 1405, 23:30 in Tehran (20:00 UTC): Aban has not ended yet.
    with time_machine.travel(datetime.datetime(2026, 11, 21, 20, 0, tzinfo=UTC), tick=False):
        assert periods.last_complete(periods.MONTH).key == "1405-07"
        assert periods.last_complete(periods.QUARTER).key == "1405-Q2"
    # 1 Azar 1405, 00:30 in Tehran (21:00 UTC on 21 November): Aban is complete.
    with time_machine.travel(datetime.datetime(2026, 11, 21, 21, 0, tzinfo=UTC), tick=False):
        assert periods.last_complete(periods.MONTH).key == "1405-08"
        assert periods.last_complete(periods.WEEK).key == "W1405-08-23"


def test_last_complete_quarter_on_the_first_day_of_a_quarter():
    assert periods.last_complete(periods.QUARTER, datetime.date(2026, 9, 23)).key == "1405-Q2"
    assert periods.last_complete(periods.QUARTER, datetime.date(2026, 9, 22)).key == "1405-Q1"


def test_recent_and_this_and_previous_are_newest_first():
    today = datetime.date(2026, 11, 28)
    assert [p.key for p in periods.recent(periods.MONTH, 3, today)] == [
        "1405-08",
        "1405-07",
        "1405-06",
    ]
    assert [p.key for p in periods.this_and_previous(periods.quarter(1405, 1), 3)] == [
        "1405-Q1",
        "1404-Q4",
        "1404-Q3",
    ]


def test_labels_in_both_languages():
    q3 = periods.quarter(1405, 3)
    assert "3" in q3.label("en") and "1405" in q3.label("en")
    assert "۱۴۰۵" in q3.label("fa")
    assert "1405" not in q3.label("fa")
