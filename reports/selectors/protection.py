"""The cube's figures for child labour and the law and for children back in school (issue 20,
docs/adr/0035): their raw counts, their relations and which of them an earlier cube decided.

national.py calls these three from `_raw_counts`, `_relations` and `build_cube`, so the figures
are protected with the rest of the period's cube (docs/adr/0008).

- ("labour", province, "flag", flag): children registered in the period with the flag. The flags
  are not exclusive (a child can hold two), so they are not parts of a total: each flag's
  provinces add up to the nation.
- ("reenrolled", province): children back in school in the period.
- ("reenrolled_year", province): children back in school in the school year (from 1 Mehr) to the
  end of the period. It equals the period's figure plus the school year's figure at the end of
  the period before (REENROLLED_START, never shown), whose shown or hidden state is taken from
  that period's cube, as the open cases' stock at the start is (national.START).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from children.selectors.reporting import LabourFlag

from .. import suppression
from ..models import SummaryFact
from ..summary_protection import SCHOOL_YEAR_START_MONTH

if TYPE_CHECKING:
    from ..periods import Period

Relation = tuple[str, list[str]]

LABOUR = "labour"
FLAG = "flag"
REENROLLED = "reenrolled"
REENROLLED_YEAR = "reenrolled_year"
REENROLLED_START = "reenrolled_year_start"  # never shown, only related


def _key(measure: str, province: int | str, dimension: str = "", category: str = "") -> str:
    return f"{measure}|{province}|{dimension}|{category}"


def school_year_months(period: "Period") -> list[int]:
    """The Jalali year-months from 1 Mehr of the school year the period ends in to its end."""
    last = period.months[-1]
    year, month = divmod(last, 100)
    year = year if month >= SCHOOL_YEAR_START_MONTH else year - 1
    months, month = [], SCHOOL_YEAR_START_MONTH
    while year * 100 + month <= last:
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def starts_school_year(period: "Period") -> bool:
    return period.months[0] % 100 == SCHOOL_YEAR_START_MONTH


def raw_counts(period: "Period", unrecorded: int, everywhere: str) -> dict[str, int]:
    """The school year's counts to the end of `period` and before it, by province and nation
    (the period's own facts are added by national._raw_counts with every other fact)."""
    counts: dict[str, int] = {}
    first = period.months[0]
    rows = SummaryFact.objects.filter(
        measure=REENROLLED, jalali_month__in=school_year_months(period)
    ).values_list("jalali_month", "province_id", "count")
    for month, province, count in rows:
        for where in (unrecorded if province is None else province, everywhere):
            key = _key(REENROLLED_YEAR, where)
            counts[key] = counts.get(key, 0) + count
            if month < first:
                key = _key(REENROLLED_START, where)
                counts[key] = counts.get(key, 0) + count
    return counts


def relations(province_keys: Sequence[int | str], everywhere: str) -> list[Relation]:
    places = [*province_keys, everywhere]
    result: list[Relation] = []
    for measure in (REENROLLED, REENROLLED_YEAR):
        result.append((_key(measure, everywhere), [_key(measure, p) for p in province_keys]))
    for place in places:
        result.append(
            (
                _key(REENROLLED_YEAR, place),
                [_key(REENROLLED, place), _key(REENROLLED_START, place)],
            )
        )
    for flag in LabourFlag.values:
        result.append(
            (
                _key(LABOUR, everywhere, FLAG, flag),
                [_key(LABOUR, p, FLAG, flag) for p in province_keys],
            )
        )
    return result


def fixed(
    period: "Period", previous: dict[str, Any], places: Sequence[int | str]
) -> dict[str, bool]:
    """Whether each place's school-year figure before the period was hidden: decided by the
    cube before (none before 1 Mehr: the school year starts with the period, at zero)."""
    new_year = starts_school_year(period)
    return {
        _key(REENROLLED_START, place): (
            False
            if new_year
            else suppression.is_hidden(previous.get(_key(REENROLLED_YEAR, place), 0))
        )
        for place in places
    }
