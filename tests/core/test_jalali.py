"""Jalali dates: parsing what people type, display in both languages, report periods, filters.

Reference dates (checked against jdatetime): 1396/10/07 is Thursday 2017-12-28, the founding
meeting of the working group; 1405/09/07 is 2026-11-28; 1403 is a leap year (Esfand has 30
days), 1404 is not (29 days).
"""

import datetime
import zoneinfo

import jdatetime
import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import override

from core.jalali import (
    DateParseError,
    format_date,
    format_datetime,
    format_month,
    jalali_month_bounds,
    jalali_quarter_bounds,
    jalali_year_month,
    month_name,
    parse_date,
    to_jalali,
)

FOUNDING_MEETING = datetime.date(2017, 12, 28)
UTC = datetime.UTC

# --- parse_date ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1396/10/07",
        "۱۳۹۶/۱۰/۰۷",
        "١٣٩٦/١٠/٠٧",
        "٩٦/١٠/٧",
        "96/10/7",
        "1396-10-07",
        "1396.10.07",
        "1396/10/7",
        " 1396 / 10 / 07 ",
        "\u200f۱۳۹۶/۱۰/۰۷\u200f",
    ],
)
def test_jalali_dates_in_any_digits_and_separator_parse_to_gregorian(typed):
    assert parse_date(typed) == FOUNDING_MEETING


@pytest.mark.parametrize("typed", ["2017-12-28", "2017/12/28", "۲۰۱۷-۱۲-۲۸"])
def test_years_from_1700_are_read_as_gregorian(typed):
    assert parse_date(typed) == FOUNDING_MEETING


def test_founding_meeting_was_on_a_thursday():
    assert parse_date("1396/10/07").strftime("%A") == "Thursday"


def test_1405_09_07_is_28_november_2026():
    assert parse_date("1405/09/07") == datetime.date(2026, 11, 28)


@time_machine.travel(datetime.datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False)
def test_two_digit_years_are_read_in_a_window_around_the_current_year():
    assert parse_date("96/10/07").year == 2017  # 1396
    assert parse_date("05/09/07") == datetime.date(2026, 11, 28)  # 1405
    assert parse_date("15/01/01") == jdatetime.date(1415, 1, 1).togregorian()  # up to ten ahead
    assert parse_date("16/01/01") == jdatetime.date(1316, 1, 1).togregorian()
    assert parse_date("50/01/01") == jdatetime.date(1350, 1, 1).togregorian()


def test_esfand_30_exists_in_leap_year_1403():
    assert jdatetime.date(1403, 1, 1).isleap()

    assert parse_date("1403/12/30") == datetime.date(2025, 3, 20)


def test_esfand_30_does_not_exist_in_common_year_1404():
    assert not jdatetime.date(1404, 1, 1).isleap()

    with override("en"), pytest.raises(DateParseError) as error:
        parse_date("1404/12/30")

    assert error.value.code == "no_such_day"
    assert str(error.value) == "There is no such date: Esfand 1404 has 29 days."


def test_error_names_the_month_in_persian_with_persian_digits():
    with override("fa"), pytest.raises(ValueError) as error:
        parse_date("1404/12/30")

    assert "اسفند ۱۴۰۴" in str(error.value)
    assert "۲۹" in str(error.value)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "invalid"),
        ("abc", "invalid"),
        ("1396/10", "invalid"),
        ("1396/10/07/01", "invalid"),
        ("1396/10-07", "invalid"),  # mixed separators
        ("139/10/07", "invalid"),  # three-digit year
        ("13961007", "invalid"),
        ("28/12/2017", "day_first"),
        ("07/10/1396", "day_first"),
        ("0096/10/07", "out_of_range"),
        ("1396/13/01", "bad_month"),
        ("1396/00/01", "bad_month"),
        ("1396/07/31", "no_such_day"),  # Mehr has 30 days
        ("1396/01/00", "no_such_day"),
        ("2017-02-29", "no_such_day"),
        ("2017-04-31", "no_such_day"),
    ],
)
def test_bad_dates_raise_value_error_with_a_code(typed, code):
    with pytest.raises(ValueError) as error:
        parse_date(typed)

    assert isinstance(error.value, DateParseError)
    assert error.value.code == code
    assert str(error.value)


def test_none_raises_value_error():
    with pytest.raises(ValueError):
        parse_date(None)


def test_dates_pass_through_parse_date():
    assert parse_date(FOUNDING_MEETING) == FOUNDING_MEETING


def test_repeated_strings_are_served_from_the_cache():
    parse_date("1396/10/07")

    first = parse_date("1396/10/07")
    second = parse_date("1396/10/07")

    assert first is second


# --- display ------------------------------------------------------------------------------


def test_format_date_is_jalali_with_persian_digits_in_persian():
    with override("fa"):
        assert format_date(datetime.date(2026, 11, 28)) == "۱۴۰۵/۰۹/۰۷"
        assert format_date(FOUNDING_MEETING) == "۱۳۹۶/۱۰/۰۷"


def test_format_date_is_iso_gregorian_in_english():
    with override("en"):
        assert format_date(datetime.date(2026, 11, 28)) == "2026-11-28"


def test_format_date_takes_an_explicit_language():
    with override("en"):
        assert format_date(FOUNDING_MEETING, "fa") == "۱۳۹۶/۱۰/۰۷"


def test_format_date_of_a_datetime_uses_the_tehran_calendar_day():
    # 22:00 UTC is 01:30 the next morning in Tehran (UTC+03:30).
    late_evening_utc = datetime.datetime(2026, 11, 27, 22, 0, tzinfo=UTC)

    assert format_date(late_evening_utc, "en") == "2026-11-28"
    assert format_date(late_evening_utc, "fa") == "۱۴۰۵/۰۹/۰۷"


def test_format_datetime_shows_tehran_time_in_both_languages():
    moment = datetime.datetime(2026, 11, 28, 11, 0, tzinfo=UTC)

    with override("fa"):
        assert format_datetime(moment) == "۱۴۰۵/۰۹/۰۷ ۱۴:۳۰"
    with override("en"):
        assert format_datetime(moment) == "2026-11-28 14:30"


def test_a_remembered_datetime_follows_the_language_and_the_time_zone_of_each_call():
    # Datetimes from the database (UTC) are formatted once per process (issue 21); the language
    # and the active time zone are part of what is remembered.
    moment = datetime.datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    for _ in range(2):
        assert format_datetime(moment, "fa") == "۱۴۰۵/۰۹/۰۷ ۱۴:۳۰"
        assert format_datetime(moment, "en") == "2026-11-28 14:30"
        with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
            assert format_datetime(moment, "en") == "2026-11-28 11:00"
            assert format_datetime(moment, "fa") == "۱۴۰۵/۰۹/۰۷ ۱۱:۰۰"
        with override("en"):
            assert format_datetime(moment) == "2026-11-28 14:30"


def test_the_same_instant_in_another_zone_reads_as_the_utc_one():
    utc = datetime.datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
    tehran = utc.astimezone(zoneinfo.ZoneInfo("Asia/Tehran"))
    offset = utc.astimezone(datetime.timezone(datetime.timedelta(hours=-5)))
    for value in (utc, tehran, offset, utc):
        assert format_datetime(value, "en") == "2026-11-28 01:30"
        assert format_datetime(value, "fa") == "۱۴۰۵/۰۹/۰۷ ۰۱:۳۰"


def test_format_of_none_is_empty():
    assert format_date(None) == ""
    assert format_datetime(None) == ""


def test_month_names_in_both_languages():
    assert month_name(9, "fa") == "آذر"
    assert month_name(9, "en") == "Azar"
    assert month_name(1, "en") == "Farvardin"
    assert month_name(12, "fa") == "اسفند"


def test_format_month_in_both_languages():
    assert format_month(1405, 9, "fa") == "آذر ۱۴۰۵"
    assert format_month(1405, 9, "en") == "Azar 1405"


def test_format_month_reads_year_month_ints_and_dates():
    assert format_month(140509, lang="fa") == "آذر ۱۴۰۵"
    assert format_month(datetime.date(2026, 11, 28), lang="en") == "Azar 1405"


def test_month_out_of_range_is_rejected():
    with pytest.raises(ValueError):
        month_name(13, "fa")


# --- report periods --------------------------------------------------------------------------


def test_jalali_year_month_is_an_int():
    assert jalali_year_month(datetime.date(2026, 11, 28)) == 140509
    assert jalali_year_month(FOUNDING_MEETING) == 139610


def test_to_jalali_gives_the_jalali_date():
    assert to_jalali(FOUNDING_MEETING) == jdatetime.date(1396, 10, 7)


def test_month_bounds_are_first_and_last_gregorian_day():
    assert jalali_month_bounds(1405, 9) == (
        datetime.date(2026, 11, 22),
        datetime.date(2026, 12, 21),
    )


def test_esfand_bounds_follow_leap_years():
    assert jalali_month_bounds(1403, 12) == (datetime.date(2025, 2, 19), datetime.date(2025, 3, 20))
    assert jalali_month_bounds(1404, 12) == (datetime.date(2026, 2, 20), datetime.date(2026, 3, 20))


def test_quarters_follow_the_seasons_of_the_jalali_year():
    assert jalali_quarter_bounds(1405, 1) == (
        datetime.date(2026, 3, 21),
        datetime.date(2026, 6, 21),
    )
    assert jalali_quarter_bounds(1405, 3) == (
        datetime.date(2026, 9, 23),
        datetime.date(2026, 12, 21),
    )
    assert jalali_quarter_bounds(1405, 4) == (
        datetime.date(2026, 12, 22),
        datetime.date(2027, 3, 20),
    )


def test_quarters_cover_the_year_without_gaps():
    bounds = [jalali_quarter_bounds(1403, q) for q in range(1, 5)]

    for (_first, last), (next_first, _next_last) in zip(bounds, bounds[1:], strict=False):
        assert next_first == last + datetime.timedelta(days=1)
    assert bounds[0][0] == jdatetime.date(1403, 1, 1).togregorian()
    assert bounds[3][1] == jdatetime.date(1403, 12, 30).togregorian()


@pytest.mark.parametrize(("year", "quarter"), [(1405, 0), (1405, 5)])
def test_bad_quarter_is_rejected(year, quarter):
    with pytest.raises(ValueError):
        jalali_quarter_bounds(year, quarter)


# --- template filters ---------------------------------------------------------------------


def render(template_text, **context):
    return Template("{% load persian_dates %}" + template_text).render(Context(context))


def test_date_filters_render_jalali_in_persian():
    moment = datetime.datetime(2026, 11, 28, 11, 0, tzinfo=UTC)

    with override("fa"):
        assert render("{{ d|jdate }}", d=FOUNDING_MEETING) == "۱۳۹۶/۱۰/۰۷"
        assert render("{{ t|jdatetime }}", t=moment) == "۱۴۰۵/۰۹/۰۷ ۱۴:۳۰"
        assert render("{{ m|jmonth }}", m=140509) == "آذر ۱۴۰۵"
        assert render("{{ d|jmonth }}", d=FOUNDING_MEETING) == "دی ۱۳۹۶"


def test_date_filters_render_iso_and_transliterated_months_in_english():
    moment = datetime.datetime(2026, 11, 28, 11, 0, tzinfo=UTC)

    with override("en"):
        assert render("{{ d|jdate }}", d=FOUNDING_MEETING) == "2017-12-28"
        assert render("{{ t|jdatetime }}", t=moment) == "2026-11-28 14:30"
        assert render("{{ m|jmonth }}", m=140509) == "Azar 1405"


def test_date_filters_render_a_dash_for_missing_values():
    with override("fa"):
        assert render("{{ d|jdate }}|{{ d|jdatetime }}|{{ d|jmonth }}", d=None) == "—|—|—"
        assert render("{{ missing|jdate }}") == "—"


def test_date_filters_render_nothing_for_values_of_the_wrong_type():
    assert render("{{ d|jdate }}", d="not a date") == ""


def test_date_filters_take_an_explicit_language():
    with override("fa"):
        assert render('{{ d|jdate:"en" }}', d=FOUNDING_MEETING) == "2017-12-28"


# --- the edges no other test reaches -------------------------------------------------------


@pytest.mark.parametrize(
    "separator",
    [
        "\u060d",  # Arabic date separator
        "\uff0f",  # full-width solidus
        "\u2044",  # fraction slash
        "\u2010",  # hyphen
        "\u2011",  # non-breaking hyphen
        "\u2012",  # figure dash
        "\u2013",  # en dash
        "\u2014",  # em dash
        "\u2212",  # minus sign
        "\u066b",  # Arabic decimal separator
    ],
)
def test_every_separator_people_paste_reads_as_one_the_parser_knows(separator):
    assert parse_date(f"1396{separator}10{separator}07") == FOUNDING_MEETING


@pytest.mark.parametrize(
    "invisible",
    [
        *"\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        *"\u200b\u200c\u200d\ufeff",
    ],
)
def test_bidi_and_zero_width_characters_around_the_numbers_are_dropped(invisible):
    assert parse_date(f"{invisible}1396/{invisible}10/07{invisible}") == FOUNDING_MEETING


def test_a_three_digit_day_is_not_a_date():
    with pytest.raises(DateParseError) as error:
        parse_date("1396/10/007")

    assert error.value.code == "invalid"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1200/01/01", jdatetime.date(1200, 1, 1).togregorian()),  # the oldest Jalali year
        ("1699/12/29", jdatetime.date(1699, 12, 29).togregorian()),  # the latest Jalali year
        ("1700/01/01", datetime.date(1700, 1, 1)),  # the oldest Gregorian year
    ],
)
def test_year_bounds_between_the_calendars(typed, expected):
    assert parse_date(typed) == expected


def test_a_jalali_year_before_1200_is_out_of_range_and_the_message_names_it():
    with override("en"), pytest.raises(DateParseError) as error:
        parse_date("1199/12/29")

    assert error.value.code == "out_of_range"
    assert error.value.params == {"year": "1199"}
    assert "1199" in str(error.value)


@pytest.mark.parametrize("month", [0, 13, -1])
def test_month_zero_and_beyond_twelve_have_no_name(month):
    with pytest.raises(ValueError, match="1..12"):
        month_name(month, "en")
    with pytest.raises(ValueError, match=r"^Jalali month must be 1\.\.12"):
        jalali_month_bounds(1405, month)


def test_quarter_five_is_refused_by_its_own_check():
    with pytest.raises(ValueError, match=r"^quarter must be 1\.\.4, got 5$"):
        jalali_quarter_bounds(1405, 5)


def test_an_error_without_placeholders_says_its_message():
    with override("en"):
        assert str(DateParseError("invalid")) == (
            "Enter the date as year/month/day, for example 1405/09/07."
        )


def test_with_no_active_language_dates_are_persian():
    with override(None):
        assert format_date(FOUNDING_MEETING) == "۱۳۹۶/۱۰/۰۷"


def test_an_explicit_language_wins_over_the_active_one():
    moment = datetime.datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    with override("en"):
        assert format_datetime(moment, "fa") == "۱۴۰۵/۰۹/۰۷ ۱۴:۳۰"
        assert format_datetime(FOUNDING_MEETING, "fa") == "۱۳۹۶/۱۰/۰۷"
        assert format_month(1405, 9, "fa") == "آذر ۱۴۰۵"
    with override("fa"):
        assert format_datetime(FOUNDING_MEETING, "en") == "2017-12-28"


def test_naive_datetimes_are_taken_as_tehran_wall_time():
    naive = datetime.datetime(2026, 11, 27, 23, 30)
    assert format_date(naive, "en") == "2026-11-27"
    assert format_datetime(naive, "en") == "2026-11-27 23:30"


def test_formatting_something_that_is_not_a_date_says_what_it_got():
    with pytest.raises(TypeError, match="^expected a date or datetime, got str$"):
        format_date("1405/09/07", "en")
