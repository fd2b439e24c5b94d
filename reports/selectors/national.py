"""National and provincial figures for one period, read from the summary tables and protected.

`period_cube(period)` reads every figure of the period for every province, protects the whole
cube at once (reports.suppression) and caches it until the next summary refresh. Dashboards,
reports and exports show slices of it, which is what stops two views from being differenced.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.db.models import Min, Sum
from django.utils.translation import gettext_lazy as _

from children.selectors.reporting import (
    AgeBand,
    ClosureReason,
    Documentation,
    Nationality,
    SchoolStatus,
    Sex,
    WorkType,
)
from core.compiled import CompiledRows
from core.i18n import localised
from core.models import Province

from .. import suppression
from ..models import SummaryFact
from ..summary import last_refresh
from . import protection

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ..periods import Period

# One additive relation between figures: a total's key and the keys of its parts.
Relation = tuple[str, Sequence[str | suppression.Minus]]

ALL = "all"  # the national total in a province position
UNRECORDED = 0  # cases and encounters without a province
UNKNOWN = "unknown"
START = "active_start"  # open cases at the start of the period: never shown, only related

MEASURES = {
    "registered": _("Children registered"),
    "active": _("Open cases at the end of the period"),
    "closed": _("Cases closed"),
    "encounters": _("Outreach encounters"),
    "anonymous": _("Unregistered children met"),
    # Cases not counted as children registered because another organisation's case of the same
    # child (an accepted link) was counted instead (docs/adr/0017). A count of children, so it is
    # protected like the others, with its provinces adding up to the nation.
    "merged": _("Linked cases merged"),
}
# Which breakdowns each measure has, and the categories of each.
AGE_BANDS = [*AgeBand.choices, (UNKNOWN, _("Age not known"))]
UNKNOWN_CHOICE = [(UNKNOWN, _("Not recorded"))]
DIMENSIONS = {
    "nationality": (_("Nationality"), Nationality.choices),
    # "Not recorded" (no documentation column in an imported file) is the unknown category.
    "documentation": (
        _("Documentation"),
        [c for c in Documentation.choices if c[0] != Documentation.NOT_RECORDED] + UNKNOWN_CHOICE,
    ),
    "work_type": (_("Work"), WorkType.choices + UNKNOWN_CHOICE),
    "school_status": (_("Schooling"), SchoolStatus.choices + UNKNOWN_CHOICE),
    "closure_reason": (_("Reason for closing"), ClosureReason.choices + UNKNOWN_CHOICE),
}
BREAKDOWNS = {
    "registered": ["sex_age", "nationality", "documentation", "work_type", "school_status"],
    "closed": ["closure_reason"],
    "anonymous": ["sex_age"],
}
CACHE_SECONDS = 6 * 3600


# The provinces in their order (Province.Meta.ordering), compiled once per process (issue 21).
_PROVINCES = CompiledRows(
    Province, lambda key: Province.objects.values_list("pk", "name_fa", "name_en")
)


def province_rows() -> list[tuple[int, str]]:
    """[(pk, name in the active language)] of the provinces, in display order."""
    return [(pk, localised(name_fa, name_en)) for pk, name_fa, name_en in _PROVINCES.rows(None)]


def provinces(rows: list[tuple[int, str]] | None = None) -> list[tuple[int, "StrOrPromise"]]:
    """[(key, label)] in display order: the provinces (`rows`, as province_rows() gives them,
    when the caller has read them already), then 'not recorded'."""
    if rows is None:
        rows = province_rows()
    return [*rows, (UNRECORDED, _("Province not recorded"))]


def sex_age_categories() -> list[str]:
    return [f"{sex}:{band}" for sex, _label in Sex.choices for band, _b in AGE_BANDS]


def categories(dimension: str) -> list[str]:
    if dimension == "sex_age":
        return sex_age_categories()
    return [key for key, _label in DIMENSIONS[dimension][1]]


@dataclass
class Cube:
    """Protected figures of one period: `get(measure, province, dimension, category)`."""

    period_key: str
    values: dict[str, Any] = field(default_factory=dict)

    def get(
        self, measure: str, province: int | str = ALL, dimension: str = "", category: str = ""
    ) -> Any:
        return self.values.get(f"{measure}|{province}|{dimension}|{category}", 0)


def _key(measure: str, province: int | str, dimension: str = "", category: str = "") -> str:
    return f"{measure}|{province}|{dimension}|{category}"


def _raw_counts(period: "Period") -> dict[str, int]:
    """{key: count} for every province (raw, before protection), national totals included."""
    months = period.months
    counts: dict[str, int] = {}

    def add(
        measure: str, province: int | str | None, dimension: str, category: str, count: int
    ) -> None:
        province = UNRECORDED if province is None else province
        for where in (province, ALL):
            key = _key(measure, where, dimension, category)
            counts[key] = counts.get(key, 0) + count

    rows = (
        SummaryFact.objects.filter(jalali_month__in=months)
        .values_list("province_id", "measure", "dimension", "category")
        .annotate(total=Sum("count"))
    )
    for province, measure, dimension, category, total in rows:
        add(measure, province, dimension, category, total)
        if dimension == "sex_age":
            sex, band = category.split(":")
            add(measure, province, "sex", sex, total)
            add(measure, province, "age", band, total)

    # Open at the end: registered up to the period's last month minus closed up to it.
    stock = (
        SummaryFact.objects.filter(
            jalali_month__lte=months[-1], measure__in=["registered", "closed"], dimension=""
        )
        .values_list("province_id", "measure")
        .annotate(total=Sum("count"))
    )
    for province, measure, total in stock:
        add("active", province, "", "", total if measure == "registered" else -total)
    # Open at the start (the end of the period before): the stock-flow identity below.
    for province, measure, total in stock.filter(jalali_month__lt=months[0]):
        add(START, province, "", "", total if measure == "registered" else -total)
    counts.update(protection.raw_counts(period, UNRECORDED, ALL))  # labour law, back to school
    return counts


def _relations(province_keys: Sequence[int | str]) -> list[Relation]:
    """Every additive relation between the cube's figures (rows, columns, margins)."""
    places = [*province_keys, ALL]
    relations: list[Relation] = []
    for measure in MEASURES:
        relations.append(
            (_key(measure, ALL), [_key(measure, province) for province in province_keys])
        )
    # Open at the end = open at the start + registered - closed: with the start known from the
    # cube before, three of the four would give the fourth away. The sign matters to the check
    # that no small count is pinned (reports.suppression, rule 4), so closures are subtracted.
    for place in places:
        relations.append(
            (
                _key("active", place),
                [
                    _key("registered", place),
                    suppression.Minus(_key("closed", place)),
                    _key(START, place),
                ],
            )
        )
    for measure, dimensions in BREAKDOWNS.items():
        for dimension in dimensions:
            cats = categories(dimension)
            for place in places:
                relations.append(
                    (_key(measure, place), [_key(measure, place, dimension, c) for c in cats])
                )
            for category in cats:
                relations.append(
                    (
                        _key(measure, ALL, dimension, category),
                        [_key(measure, p, dimension, category) for p in province_keys],
                    )
                )
            if dimension == "sex_age":
                relations += _sex_age_margins(measure, places, province_keys)
    relations += protection.relations(province_keys, ALL)  # labour law, back to school
    return relations


def _sex_age_margins(
    measure: str, places: Sequence[int | str], province_keys: Sequence[int | str]
) -> list[Relation]:
    sexes = [sex for sex, _label in Sex.choices]
    bands = [band for band, _label in AGE_BANDS]
    relations: list[Relation] = []
    for place in places:
        relations.append((_key(measure, place), [_key(measure, place, "sex", s) for s in sexes]))
        relations.append((_key(measure, place), [_key(measure, place, "age", b) for b in bands]))
        for sex in sexes:
            parts = [_key(measure, place, "sex_age", f"{sex}:{b}") for b in bands]
            relations.append((_key(measure, place, "sex", sex), parts))
        for band in bands:
            parts = [_key(measure, place, "sex_age", f"{s}:{band}") for s in sexes]
            relations.append((_key(measure, place, "age", band), parts))
    for margin, values in (("sex", sexes), ("age", bands)):
        for value in values:
            parts = [_key(measure, p, margin, value) for p in province_keys]
            relations.append((_key(measure, ALL, margin, value), parts))
    return relations


def build_cube(period: "Period", previous: dict[str, Any] | None = None) -> Cube:
    """Read and protect every figure of `period` (no cache). `previous` is the protected values
    of the period before, None when nothing was registered before `period`."""
    province_keys: list[int | str] = [key for key, _label in provinces()]
    previous = previous or {}
    # Which stocks at the start the cube before showed or hid: decided there, not here.
    fixed = {
        _key(START, place): suppression.is_hidden(previous.get(_key("active", place), 0))
        for place in [*province_keys, ALL]
    }
    fixed.update(protection.fixed(period, previous, [*province_keys, ALL]))
    protected = suppression.protect(_raw_counts(period), _relations(province_keys), fixed)
    return Cube(period_key=period.key, values=protected)


_NOT_GIVEN = object()


def _first_month() -> int | None:
    return SummaryFact.objects.filter(measure__in=["registered", "closed"]).aggregate(
        first=Min("jalali_month")
    )["first"]


def period_cube(period: "Period", refresh: Any = _NOT_GIVEN) -> Cube:
    """The protected cube of `period`, cached until the summaries are next rebuilt.

    Each cube depends on which stocks the one before it hid, so missing cubes are built oldest
    first, back to the first month with figures (once per refresh: they are cached). `refresh`
    is the latest SummaryRefresh when the caller has it (one query fewer per cube).
    """
    if refresh is _NOT_GIVEN:
        refresh = last_refresh()
    token = refresh.token if refresh else "none"

    def cache_key(p: "Period") -> str:
        return f"reports:cube:{p.key}:{token}"

    values = cache.get(cache_key(period))
    if values is None:
        first = _first_month()
        chain, previous = [period], None
        while first is not None and chain[-1].months[0] > first:
            before = chain[-1].previous()
            previous = cache.get(cache_key(before))
            if previous is not None:
                break
            chain.append(before)
        for p in reversed(chain):
            previous = values = build_cube(p, previous).values
            cache.set(cache_key(p), values, CACHE_SECONDS)
    return Cube(period_key=period.key, values=values)


def change(current: int | str, previous: int | str) -> int | str:
    """The difference of two protected figures, hidden when either side is."""
    if suppression.is_hidden(current) or suppression.is_hidden(previous):
        return suppression.HIDDEN
    return cast(int, current) - cast(int, previous)
