"""Template filters for dates and numbers in the reader's language.

    {% load persian_dates %}
    {{ child.date_of_birth|jdate }}        ۱۳۹۶/۱۰/۰۷ · 2017-12-28
    {{ referral.sent_at|jdatetime }}       ۱۴۰۵/۰۹/۰۷ ۱۴:۳۰ · 2026-11-28 14:30 (Tehran time)
    {{ report.year_month|jmonth }}         آذر ۱۴۰۵ · Azar 1405 (a yyyymm int, date or datetime)
    {{ total|localdigits }}                ۱٬۲۳۴ · 1,234
    {% localised row.province__name_fa row.province__name_en %}   تهران · Tehran

Each takes an optional language code (``{{ d|jdate:"en" }}``) for text that must not follow the
page language, such as a bilingual export. A missing value renders as "—", so an empty cell is
visibly empty rather than blank; a value of the wrong type renders as "" (as Django's own
``date`` filter does) instead of breaking the page. Outputs hold only digits, letters and separators, so the
filters are ``is_safe``: they keep the input's escaping state and never let markup through.
"""

from decimal import Decimal
from typing import Any

from django import template

from core.i18n import is_persian, localised
from core.jalali import format_date, format_datetime, format_month
from core.persian import to_persian_digits

register = template.Library()
__all__ = ["EMPTY", "jdate", "jdatetime_filter", "jmonth", "localdigits", "localised_tag"]

EMPTY = "—"

# Persian numbers follow CLDR for "fa": ٬ (U+066C) groups thousands and ٫ (U+066B) is the
# decimal separator. An ASCII comma is not used because in Persian text it reads as the Persian
# comma "،", so "۱,۲۳۴" looks like a list of two numbers.
PERSIAN_GROUP = "\u066c"
PERSIAN_DECIMAL = "\u066b"


def _missing(value: object) -> bool:
    return value is None or value == ""


@register.filter(is_safe=True)
def jdate(value: Any, lang: str | None = None) -> str:
    """A date (or datetime, on its Tehran day): Jalali with Persian digits in Persian, ISO otherwise."""
    if _missing(value):
        return EMPTY
    try:
        return format_date(value, lang or None)
    except (TypeError, ValueError):
        return ""


@register.filter(name="jdatetime", is_safe=True)
def jdatetime_filter(value: Any, lang: str | None = None) -> str:
    """A datetime in Tehran time with HH:MM; a date renders as ``jdate`` does."""
    if _missing(value):
        return EMPTY
    try:
        return format_datetime(value, lang or None)
    except (TypeError, ValueError):
        return ""


@register.filter(is_safe=True)
def jmonth(value: Any, lang: str | None = None) -> str:
    """A Jalali month, "آذر ۱۴۰۵" / "Azar 1405", from a yyyymm int (140509) or a date/datetime."""
    if _missing(value):
        return EMPTY
    try:
        return format_month(value, lang=lang or None)
    except (TypeError, ValueError):
        return ""


@register.filter(is_safe=True)
def localdigits(value: object, lang: str | None = None) -> str:
    """Digits in the reader's language; numbers also get thousands grouping.

    Numbers (int, Decimal, float) are grouped: "1,234.5" in English, "۱٬۲۳۴٫۵" in Persian. Text is
    only converted digit by digit and never grouped, because case numbers, phone numbers and IDs
    arrive as text and must keep their exact form. English leaves text unchanged.
    """
    if _missing(value):
        return EMPTY
    persian = is_persian(lang or None)
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        text = f"{value:,}"
        if persian:
            # Via a placeholder so the two swaps do not undo each other.
            text = (
                text.replace(",", "\0").replace(".", PERSIAN_DECIMAL).replace("\0", PERSIAN_GROUP)
            )
    else:
        text = str(value)
    return to_persian_digits(text) if persian else text


@register.simple_tag(name="localised")
def localised_tag(fa: str, en: str) -> str:
    """A name stored in both languages and read as two values (a ``.values()`` row): the one of
    the page's language (core.i18n.localised)."""
    return localised(fa, en)
