"""The ministry's block on the duty to report: counts and the median time to a decision,
never a case (docs/adr/0036-duty-to-report.md, AC-08).

Every view is a slice of one protected cube per quarter (docs/adr/0008): the provinces and the
nation for that quarter are protected together, so the national dashboard, one province's
dashboard and the trend over quarters all show the same cells, and no two of them can be
differenced to reveal a small count.
"""

import statistics
from collections.abc import Hashable
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from children.selectors.reporting import report_alert_facts, report_alert_facts_in

from . import periods, suppression
from .selectors.national import ALL, UNRECORDED, provinces
from .tables import bar_chart, table

MEASURES = ("started", "decided", "escalated")
TREND_QUARTERS = 4


def _labels() -> dict[str, str]:
    return {
        "started": _("Alerts started"),
        "decided": _("Decided"),
        "escalated": _("Escalated after 24 hours"),
    }


def protected_cube(
    period: periods.Period,
    facts: dict[int | None, dict[str, Any]] | None = None,
    places: list[tuple[Any, Any]] | None = None,
) -> dict[Any, Any]:
    """{(measure, province or ALL): protected count} and {("median", …): hours or a mark}.

    `facts` (report_alert_facts of the period) and `places` (selectors.national.provinces) when
    the caller has already read them."""
    if facts is None:
        facts = report_alert_facts(period.start, period.end)
    keys = [key for key, _label in (places if places is not None else provinces())]
    counts: dict[Any, int] = {}
    relations = []
    for measure in MEASURES:
        for key in keys:
            row = facts.get(None if key == UNRECORDED else key, {})
            counts[(measure, key)] = row.get(measure, 0)
        counts[(measure, ALL)] = sum(row[measure] for row in facts.values())
        relations.append(((measure, ALL), [(measure, key) for key in keys]))
    cube: dict[Any, Any] = suppression.protect(counts, relations)
    all_hours: list[float] = []
    for key in keys:
        hours = facts.get(None if key == UNRECORDED else key, {}).get("hours", [])
        all_hours += hours
        cube[("median", key)] = _median(hours)
    cube[("median", ALL)] = _median(all_hours)
    return cube


def _median(hours: list[float]) -> Any:
    value = round(statistics.median(hours), 1) if hours else None
    return suppression.protect_statistic(value, len(hours))


_Facts = dict[periods.Period, dict[int | None, dict[str, Any]]]
_Places = list[tuple[Any, Any]]


def _read(
    period: periods.Period, province_rows: list[tuple[int, str]] | None = None
) -> tuple[_Places, list[periods.Period], _Facts]:
    """The provinces (from `province_rows` when the page read them already), the quarters of
    the trend (oldest first) and their raw facts."""
    quarters = list(reversed(periods.this_and_previous(period, TREND_QUARTERS)))
    # The quarter and its trend in one read; each quarter is still protected whole (every
    # province and the nation together), exactly as when read alone.
    facts = dict(
        zip(
            quarters,
            report_alert_facts_in([(quarter.start, quarter.end) for quarter in quarters]),
            strict=True,
        )
    )
    return provinces(province_rows), quarters, facts


def duty_tables(period: periods.Period, scope: Any = ALL) -> list[dict[str, Any]]:
    """Two tables with charts: by province for `period` (or the one province of `scope`), and
    the last quarters for the scope."""
    return _tables(period, scope, *_read(period))


# The block's HTML by everything it is drawn from (below); a process keeps a few.
_BLOCKS: dict[Hashable, str] = {}
_BLOCKS_KEPT = 64


def duty_block_html(
    period: periods.Period, scope: Any, province_rows: list[tuple[int, str]] | None = None
) -> str:
    """The dashboard's block (reports/partials/duty_report_block.html) for `period` and `scope`.

    The alerts are live, so they are read on every request; protecting them, building the tables
    and drawing them is done again only when what they are drawn from changes (issue 21). The
    key holds all of it: the language, the quarter, the scope, the provinces' names and every
    raw fact of the quarters shown, so no two scopes, languages or states of the data share one.
    `province_rows`: the provinces as this request read them (selectors.national.province_rows),
    if it did.
    """
    places, quarters, facts = _read(period, province_rows)
    key = (
        translation.get_language(),
        period.key,
        str(scope),
        tuple((place, str(label)) for place, label in places),
        tuple((quarter.key, _frozen(facts[quarter])) for quarter in quarters),
    )
    html = _BLOCKS.get(key)
    if html is None:
        tables = _tables(period, scope, places, quarters, facts)
        html = render_to_string("reports/partials/duty_report_block.html", {"tables": tables})
        if len(_BLOCKS) >= _BLOCKS_KEPT:
            _BLOCKS.clear()
        _BLOCKS[key] = html
    return html


def _frozen(facts: dict[int | None, dict[str, Any]]) -> Hashable:
    """One quarter's facts as a key: every count and every decision's hours, per province."""
    return tuple(
        sorted(
            (
                (-1 if province is None else province),
                row["started"],
                row["decided"],
                row["escalated"],
                tuple(row["hours"]),
            )
            for province, row in facts.items()
        )
    )


def _tables(
    period: periods.Period,
    scope: Any,
    places: _Places,
    quarters: list[periods.Period],
    facts: _Facts,
) -> list[dict[str, Any]]:
    labels = _labels()
    columns = [
        _("Province"),
        *[labels[m] for m in MEASURES],
        _("Median hours to a decision"),
    ]
    cube = protected_cube(period, facts[period], places)
    row_keys = [(key, name) for key, name in places if scope == ALL or key == scope]
    rows = [[label, *[cube[(m, key)] for m in (*MEASURES, "median")]] for key, label in row_keys]
    if scope == ALL:
        rows = [row for row in rows if any(cell not in (0, None) for cell in row[1:])]
    total = [_("All provinces"), *[cube[(m, ALL)] for m in (*MEASURES, "median")]]
    by_province = table(
        "duty-provinces",
        _("Duty to report: alerts by province"),
        columns,
        rows,
        total=total if scope == ALL else None,
        note=_("Counted by the child's province; no case is shown."),
    )
    by_province["chart"] = bar_chart(
        [row[0] for row in by_province["rows"]],
        [(labels[m], [row[i + 1] for row in by_province["rows"]]) for i, m in enumerate(MEASURES)],
        horizontal=True,
    )

    trend_rows = []
    for quarter in quarters:
        quarter_cube = (
            cube if quarter == period else protected_cube(quarter, facts[quarter], places)
        )
        trend_rows.append(
            [quarter.label(), *[quarter_cube[(m, scope)] for m in (*MEASURES, "median")]]
        )
    trend = table(
        "duty-quarters",
        _("Duty to report: by quarter"),
        [_("Quarter"), *columns[1:]],
        trend_rows,
    )
    trend["chart"] = bar_chart(
        [row[0] for row in trend["rows"]],
        [(labels[m], [row[i + 1] for row in trend["rows"]]) for i, m in enumerate(MEASURES)],
        kind="line",
    )
    return [by_province, trend]
