"""Jalali (Solar Hijri) dates at the edges of the system.

The database keeps Gregorian dates and UTC timestamps; everything here converts only for what a
person reads or types. Persian users read and type Jalali dates with Persian digits; English
users read ISO Gregorian dates (international partners compare them with their own records) and
may type either calendar. Month names for reports are Jalali in both languages, because the
reporting periods are Jalali months and quarters.

Datetimes are shown in the current Django time zone (settings.TIME_ZONE, Asia/Tehran), so a
visit logged at 22:00 UTC lands on the Tehran calendar day it happened on.
"""

import calendar
import datetime
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import jdatetime
from django.conf import settings
from django.utils import dates, timezone
from django.utils.translation import get_language, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.i18n import is_persian
from core.persian import to_latin_digits, to_persian_digits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "MESSAGES",
    "DateParseError",
    "format_date",
    "format_datetime",
    "format_month",
    "jalali_month_bounds",
    "jalali_quarter_bounds",
    "jalali_year_month",
    "month_name",
    "parse_date",
    "to_jalali",
]

# The Persian names are the originals, so they do not depend on a compiled translation catalogue.
MONTHS_FA = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
# Transliterations for every other language; translatable in case a third language arrives.
MONTHS_LATIN = (
    pgettext_lazy("Jalali month", "Farvardin"),
    pgettext_lazy("Jalali month", "Ordibehesht"),
    pgettext_lazy("Jalali month", "Khordad"),
    pgettext_lazy("Jalali month", "Tir"),
    pgettext_lazy("Jalali month", "Mordad"),
    pgettext_lazy("Jalali month", "Shahrivar"),
    pgettext_lazy("Jalali month", "Mehr"),
    pgettext_lazy("Jalali month", "Aban"),
    pgettext_lazy("Jalali month", "Azar"),
    pgettext_lazy("Jalali month", "Dey"),
    pgettext_lazy("Jalali month", "Bahman"),
    pgettext_lazy("Jalali month", "Esfand"),
)

# Years from here up are Gregorian. Jalali 1700 is centuries away and Gregorian dates before
# 1700 never occur in case records, so the year alone tells the calendars apart.
GREGORIAN_FROM_YEAR = 1700
# Jalali 1200 is 1821: older dates are typing mistakes (0096/10/07), not records, and years
# before it would only produce nonsense Gregorian dates.
JALALI_FROM_YEAR = 1200

# A two-digit year is Jalali and is read in a window that slides with the calendar: it means the
# latest year that is at most TWO_DIGIT_YEAR_FUTURE years after the current Jalali year. In 1405:
# 00..15 → 1400..1415 and 16..99 → 1316..1399 (so 96 → 1396, 05 → 1405, 50 → 1350 for a
# guardian's birth year). Short years are typed for past events (births, meetings) far more
# often than for dates more than ten years ahead.
TWO_DIGIT_YEAR_FUTURE = 10

_DATE_RE = re.compile(r"^(\d{1,4})([/\-.])(\d{1,2})\2(\d{1,4})$")
# Separators people type or paste: ASCII, Arabic date separator and full-width forms; dashes of
# every width; spaces around them; bidi marks Excel and messaging apps insert around numbers.
_SEPARATORS = str.maketrans(
    {
        "\u060d": "/",  # Arabic date separator
        "\uff0f": "/",
        "\u2044": "/",  # fraction slash
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u066b": ".",  # Arabic decimal separator, typed as a dot by some
        **dict.fromkeys("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
        **dict.fromkeys("\u200b\u200c\u200d\ufeff"),
    }
)
_SPACE_AROUND_SEPARATOR = re.compile(r"\s*([/\-.])\s*")


# What parse_date says, by error code. JalaliDateField uses the same keys for error_messages, so a
# form can replace one message without losing the others.
MESSAGES: "dict[str, StrOrPromise]" = {
    "invalid": _("Enter the date as year/month/day, for example 1405/09/07."),
    "day_first": _("Write the year first: year/month/day, for example 1405/09/07."),
    "out_of_range": _("Check the year: %(year)s is not a year this system can record."),
    "bad_month": _("There is no such date: the month must be between 1 and 12."),
    "no_such_day": _("There is no such date: %(month)s %(year)s has %(days)s days."),
}


class DateParseError(ValueError):
    """A date that cannot be read. ``code`` is a key of MESSAGES; forms show that message.

    Codes: "invalid" (not year/month/day), "day_first" (day/month/year order), "out_of_range"
    (a Jalali year before JALALI_FROM_YEAR), "bad_month" (month 0 or 13+), "no_such_day" (a
    day the month does not have, e.g. 1404/12/30). ``params`` fill the message's placeholders;
    ``str(error)`` is the formatted message in the language active when it was raised.
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.message = MESSAGES[code]
        self.params = params or {}
        super().__init__(self.message % self.params if self.params else str(self.message))


def _local_date(value: datetime.date) -> datetime.date:
    """A ``date`` from a date or datetime; aware datetimes in the current (Tehran) zone first."""
    if isinstance(value, datetime.datetime):
        # Naive datetimes are taken to be Tehran wall time already; converting them would guess.
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def to_jalali(value: datetime.date) -> jdatetime.date:
    """Return the ``jdatetime.date`` of a Gregorian date or (aware) datetime."""
    return jdatetime.date.fromgregorian(date=_local_date(value))


def format_date(value: datetime.date | None, lang: str | None = None) -> str:
    """Return a date for display: ``۱۴۰۵/۰۹/۰۷`` in Persian, ``2026-11-28`` otherwise.

    ``value`` is a date or a datetime (aware ones are shown on their Tehran calendar day).
    ``None`` gives "" so templates and exports can decide how to show a missing date.
    """
    if value is None:
        return ""
    day = _local_date(value)
    if is_persian(lang):
        return _persian_day(day)
    return day.isoformat()


@lru_cache(maxsize=4096)
def _persian_day(day: datetime.date) -> str:
    # A list shows the same few hundred days on every row and every request: convert each once
    # per process (issue 21; the conversion and digit mapping cost more than the rest of a row).
    j = jdatetime.date.fromgregorian(date=day)
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


def format_datetime(value: datetime.date | None, lang: str | None = None) -> str:
    """Return a datetime as date and ``HH:MM`` in the current (Tehran) zone.

    ``۱۴۰۵/۰۹/۰۷ ۱۴:۳۰`` in Persian, ``2026-11-28 14:30`` otherwise. A plain date is formatted
    by ``format_date``; ``None`` gives "".
    """
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return format_date(value, lang)
    persian = is_persian(lang)
    if value.tzinfo is datetime.UTC:
        # What the database gives: one text per instant, language and zone (issue 21).
        return _utc_datetime(value, persian, timezone.get_current_timezone())
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _wall_time(local, persian)


@lru_cache(maxsize=4096)
def _utc_datetime(value: datetime.datetime, persian: bool, zone: datetime.tzinfo) -> str:
    # Only UTC datetimes are keys: two datetimes of one zone with daylight saving compare by
    # their wall time (fold ignored), so two instants an hour apart would share a text. A list
    # shows the same page of rows to everyone who opens it.
    return _wall_time(value.astimezone(zone), persian)


def _wall_time(local: datetime.datetime, persian: bool) -> str:
    if persian:
        return f"{_persian_day(local.date())} {to_persian_digits(f'{local:%H:%M}')}"
    return f"{local.date().isoformat()} {local:%H:%M}"


def month_name(month: int, lang: str | None = None) -> str:
    """Return the name of Jalali ``month`` (1-12): ``آذر`` in Persian, ``Azar`` in English."""
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be 1..12, got {month}")
    if is_persian(lang):
        return MONTHS_FA[month - 1]
    with override(lang or get_language()):
        return str(MONTHS_LATIN[month - 1])


def format_month(
    year: int | datetime.date, month: int | None = None, lang: str | None = None
) -> str:
    """Return a Jalali month for reports: ``آذر ۱۴۰۵`` in Persian, ``Azar 1405`` in English.

    Call as ``format_month(1405, 9)``, or with one value: a ``yyyymm`` int such as 140509 (what
    ``jalali_year_month`` stores) or a date/datetime, whose Jalali month is used.
    """
    if month is None:
        year, month = _year_month_of(year)
    if is_persian(lang):
        return f"{month_name(month, lang)} {to_persian_digits(year)}"
    return f"{month_name(month, lang)} {year}"


def _year_month_of(value: int | datetime.date) -> tuple[int, int]:
    if isinstance(value, datetime.date):
        j = to_jalali(value)
        return j.year, j.month
    number = int(to_latin_digits(str(value)))
    return divmod(number, 100)


def jalali_year_month(value: datetime.date) -> int:
    """Return the Jalali year and month of a date or datetime as one int: 1405/09/07 → 140509.

    Reports store this to group rows by Jalali month with an ordinary integer index.
    """
    j = to_jalali(value)
    return int(j.year * 100 + j.month)


def jalali_month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """Return (first day, last day) of a Jalali month as Gregorian dates, both inclusive."""
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be 1..12, got {month}")
    first = jdatetime.date(year, month, 1)
    next_first = (
        jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)
    )
    return first.togregorian(), next_first.togregorian() - datetime.timedelta(days=1)


def jalali_quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """Return (first day, last day) of a Jalali quarter as Gregorian dates, both inclusive.

    Quarters follow the seasons of the Jalali year: 1 is Farvardin-Khordad (spring) ... 4 is
    Dey-Esfand (winter), which is how Iranian agencies report.
    """
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1..4, got {quarter}")
    first, _last = jalali_month_bounds(year, quarter * 3 - 2)
    _first, last = jalali_month_bounds(year, quarter * 3)
    return first, last


def parse_date(text: object) -> datetime.date:
    """Read a date typed by a person or found in a spreadsheet; return a Gregorian ``date``.

    Accepts year/month/day with ``/``, ``-`` or ``.`` and any digit form:

    * Jalali: ``1396/10/07``, ``۱۳۹۶/۱۰/۰۷``, ``1396-10-7``, ``1396.10.07``, and two-digit years
      ``٩٦/١٠/٧`` (see TWO_DIGIT_YEAR_FUTURE for how the century is chosen);
    * Gregorian: ``2017-12-28``, ``2017/12/28`` (a year >= 1700 means Gregorian).

    A ``date`` is returned as is (a ``datetime`` as its Tehran date). Anything else raises
    ``DateParseError`` (a ``ValueError``) whose message says what is wrong, including dates
    that do not exist, such as 1404/12/30 (Esfand has 30 days only in leap years).
    """
    if isinstance(text, datetime.date):
        return _local_date(text)
    if text is None:
        raise DateParseError("invalid")
    today = timezone.localdate() if settings.USE_TZ else datetime.date.today()
    # The current Jalali year is part of the cache key, so a long-running process does not keep
    # reading two-digit years with last year's window after Nowruz.
    return _parse_cached(str(text), jdatetime.date.fromgregorian(date=today).year)


@lru_cache(maxsize=4096)
def _parse_cached(text: str, current_year: int) -> datetime.date:
    # Exceptions are not cached: a bad string is re-checked each time, which is rare and cheap.
    cleaned = to_latin_digits(text).translate(_SEPARATORS).strip()
    cleaned = _SPACE_AROUND_SEPARATOR.sub(r"\1", cleaned)
    match = _DATE_RE.match(cleaned)
    if not match:
        raise DateParseError("invalid")
    first, _sep, month_text, last = match.groups()
    if len(first) <= 2 and len(last) == 4:
        raise DateParseError("day_first")
    if len(first) not in (2, 4) or len(last) > 2:
        raise DateParseError("invalid")
    year, month, day = int(first), int(month_text), int(last)
    if len(first) == 2:
        year += current_year - current_year % 100
        if year > current_year + TWO_DIGIT_YEAR_FUTURE:
            year -= 100
    gregorian = year >= GREGORIAN_FROM_YEAR
    if not gregorian and year < JALALI_FROM_YEAR:
        raise DateParseError("out_of_range", {"year": _digits(year)})
    if not 1 <= month <= 12:
        raise DateParseError("bad_month")
    if gregorian:
        days = calendar.monthrange(year, month)[1]
        name = dates.MONTHS[month]
    else:
        first_day, last_day = jalali_month_bounds(year, month)
        days = (last_day - first_day).days + 1
        name = month_name(month)
    if not 1 <= day <= days:
        raise DateParseError(
            "no_such_day", {"month": name, "year": _digits(year), "days": _digits(days)}
        )
    if gregorian:
        return datetime.date(year, month, day)
    return cast(datetime.date, jdatetime.date(year, month, day).togregorian())


def _digits(number: int) -> str:
    """A number as text in the digits of the active language, for messages."""
    return to_persian_digits(number) if is_persian() else str(number)
