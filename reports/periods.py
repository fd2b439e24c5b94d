"""Reporting periods: Jalali weeks, months and quarters in Tehran time.

A period is named by a short key that survives URLs and the database: `1405-09` (Azar 1405),
`1405-Q3` (the third quarter, Mehr to Azar) and `W1405-09-01` (the Saturday-to-Friday week that
starts on 1 Azar 1405; the Iranian week starts on Saturday). Bounds are Gregorian dates, `start`
inclusive and `end` exclusive, because the database keeps Gregorian dates.
"""

import datetime
import functools
import re
from dataclasses import dataclass

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import is_persian
from core.jalali import format_date, format_month, jalali_month_bounds
from core.persian import to_persian_digits

WEEK, MONTH, QUARTER = "week", "month", "quarter"
SATURDAY = 5  # date.weekday() of Saturday

_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_KEY = re.compile(r"^(\d{4})-Q([1-4])$")
_WEEK_KEY = re.compile(r"^W(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # exclusive
    kind: str
    key: str

    @property
    def last_day(self):
        return self.end - datetime.timedelta(days=1)

    @property
    def months(self):
        """The Jalali year-months (1405 09 -> 140509) the period covers, for summary tables."""
        first = jdatetime.date.fromgregorian(date=self.start)
        last = jdatetime.date.fromgregorian(date=self.last_day)
        result, year, month = [], first.year, first.month
        while (year, month) <= (last.year, last.month):
            result.append(year * 100 + month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def label(self, lang=None):
        if self.kind == MONTH:
            year, month = divmod(self.months[0], 100)
            return format_month(year, month, lang)
        if self.kind == QUARTER:
            year, quarter = self.key.split("-Q")
            text = _("Quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": year}
            return to_persian_digits(text) if is_persian(lang) else text
        return _("Week of %(first)s to %(last)s") % {
            "first": format_date(self.start, lang),
            "last": format_date(self.last_day, lang),
        }

    def previous(self):
        return containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self):
        return containing(self.kind, self.end)

    def __str__(self):
        return self.label()


# A period is a frozen value worked out from its arguments alone (no time zone, no language), and
# each one costs a few jdatetime conversions: kept per process, so the ministry dashboard's
# quarter choices, trend and duty block do not work the same quarters out again on every request
# (issue 21). Bounded: a process meets few months, quarters and days.
_kept = functools.lru_cache(maxsize=1024)


@_kept
def month(year, month_number):
    first, last = jalali_month_bounds(year, month_number)
    return Period(first, last + datetime.timedelta(days=1), MONTH, f"{year}-{month_number:02d}")


@_kept
def quarter(year, number):
    first, _last = jalali_month_bounds(year, number * 3 - 2)
    _first, last = jalali_month_bounds(year, number * 3)
    return Period(first, last + datetime.timedelta(days=1), QUARTER, f"{year}-Q{number}")


@_kept
def week(saturday):
    j = jdatetime.date.fromgregorian(date=saturday)
    key = f"W{j.year}-{j.month:02d}-{j.day:02d}"
    return Period(saturday, saturday + datetime.timedelta(days=7), WEEK, key)


@_kept
def containing(kind, day):
    """The period of `kind` that contains the Gregorian date `day`."""
    if kind == WEEK:
        return week(day - datetime.timedelta(days=(day.weekday() - SATURDAY) % 7))
    j = jdatetime.date.fromgregorian(date=day)
    if kind == MONTH:
        return month(j.year, j.month)
    if kind == QUARTER:
        return quarter(j.year, (j.month - 1) // 3 + 1)
    raise ValueError(f"unknown period kind {kind!r}")


def last_complete(kind, today=None):
    """The latest period of `kind` that has ended by `today` (Tehran's date by default)."""
    today = today or timezone.localdate()
    return containing(kind, today).previous()


def recent(kind, count, today=None):
    """The last `count` complete periods of `kind`, newest first."""
    periods, period = [], last_complete(kind, today)
    for _index in range(count):
        periods.append(period)
        period = period.previous()
    return periods


def this_and_previous(period, count):
    """`period` and the `count - 1` periods before it, newest first."""
    result = [period]
    while len(result) < count:
        result.append(result[-1].previous())
    return result


def from_key(key):
    """The period a key names; ValueError for anything else (keys come from URLs)."""
    key = (key or "").strip()
    try:
        if match := _MONTH_KEY.match(key):
            return month(int(match[1]), int(match[2]))
        if match := _QUARTER_KEY.match(key):
            return quarter(int(match[1]), int(match[2]))
        if match := _WEEK_KEY.match(key):
            day = jdatetime.date(int(match[1]), int(match[2]), int(match[3])).togregorian()
            if day.weekday() != SATURDAY:
                raise ValueError("a week starts on Saturday")
            return week(day)
    except ValueError as error:
        raise ValueError(f"not a reporting period: {key!r}") from error
    raise ValueError(f"not a reporting period: {key!r}")
