"""The quarterly summary's tables for one scope (the nation or one province), from protected cubes.

Used by the ministry dashboard (live, in the reader's language) and by the quarterly report
(stored, in Persian). Every number comes from `selectors.national.period_cube`, so both show the
same protected figures.
"""

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from children.selectors.reporting import Sex

from . import suppression
from .selectors.national import (
    AGE_BANDS,
    ALL,
    BREAKDOWNS,
    CACHE_SECONDS,
    DIMENSIONS,
    MEASURES,
    change,
    period_cube,
    provinces,
)
from .summary import last_refresh
from .tables import bar_chart, column_chart, table

TREND_QUARTERS = 8
HEADLINE = ["registered", "active", "closed", "encounters", "anonymous"]
MERGED = "merged"


def _figure(measure, cube, previous_cube, scope):
    value = cube.get(measure, scope)
    before = previous_cube.get(measure, scope)
    return {
        "measure": measure,
        "label": str(MEASURES[measure]),
        "value": value,
        "previous": before,
        "change": change(value, before),
    }


def headline(cube, previous_cube, scope=ALL):
    """[{measure, label, value, previous, change}] for the tiles at the top."""
    return [_figure(measure, cube, previous_cube, scope) for measure in HEADLINE]


def merged_figure(cube, previous_cube, scope=ALL):
    """How many linked cases the figures counted once (docs/adr/0017), like a tile."""
    return _figure(MERGED, cube, previous_cube, scope)


def merged_note():
    return _(
        "Children registered counts once a child whose cases at two or more organisations are"
        " linked (both organisations agreed), with the case registered first. Linked cases merged:"
        " the other cases of such children registered in the period, not counted again."
    )


def headline_table(tiles, period, previous, merged=None):
    figures = [*tiles, merged] if merged else tiles
    rows = [[t["label"], t["value"], t["previous"], t["change"]] for t in figures]
    columns = [_("Figure"), period.label(), previous.label(), _("Change")]
    note = merged_note() if merged else ""
    return table("headline", _("Headline figures"), columns, rows, note=note)


def trend_table(periods, scope=ALL, refresh=None):
    """Registered, closed and encounters over the last quarters, oldest first."""
    periods = list(reversed(periods))
    cubes = [period_cube(period, refresh) for period in periods]
    measures = ["registered", "closed", "encounters", "anonymous"]
    rows = [
        [period.label(), *[cube.get(measure, scope) for measure in measures]]
        for period, cube in zip(periods, cubes, strict=True)
    ]
    columns = [_("Quarter"), *[MEASURES[measure] for measure in measures]]
    data = table("trend", _("Quarter by quarter"), columns, rows)
    data["chart"] = column_chart(data, [1, 2, 3, 4], horizontal=False, kind="line")
    return data


def province_table(cube):
    """One row per province with every headline measure, and the national total."""
    rows = [
        [label, *[cube.get(measure, key) for measure in HEADLINE]] for key, label in provinces()
    ]
    total = [_("All provinces"), *[cube.get(measure, ALL) for measure in HEADLINE]]
    columns = [_("Province"), *[MEASURES[measure] for measure in HEADLINE]]
    data = table("provinces", _("By province"), columns, rows, total=total)
    data["chart"] = column_chart(data, [1], horizontal=True)
    return data


def sex_age_table(cube, measure, scope=ALL):
    """Age band rows × girls, boys and total, with a total row."""
    sexes = Sex.choices
    rows = []
    for band, band_label in AGE_BANDS:
        cells = [cube.get(measure, scope, "sex_age", f"{sex}:{band}") for sex, _l in sexes]
        rows.append([band_label, *cells, cube.get(measure, scope, "age", band)])
    total = [
        _("Total"),
        *[cube.get(measure, scope, "sex", sex) for sex, _l in sexes],
        cube.get(measure, scope),
    ]
    columns = [_("Age"), *[label for _s, label in sexes], _("Total")]
    title = _("%(measure)s by age and sex") % {"measure": MEASURES[measure]}
    data = table(f"{measure}-sex-age", title, columns, rows, total=total)
    data["chart"] = bar_chart(
        [row[0] for row in data["rows"]],
        [(columns[1], [r[1] for r in data["rows"]]), (columns[2], [r[2] for r in data["rows"]])],
        stacked=True,
    )
    return data


def dimension_table(cube, measure, dimension, scope=ALL):
    title, choices = DIMENSIONS[dimension]
    rows = [[label, cube.get(measure, scope, dimension, key)] for key, label in choices]
    total = [_("Total"), cube.get(measure, scope)]
    heading = _("%(measure)s: %(breakdown)s") % {"measure": MEASURES[measure], "breakdown": title}
    data = table(f"{measure}-{dimension}", heading, [title, _("Number")], rows, total=total)
    data["chart"] = column_chart(data, [1], horizontal=True)
    return data


def breakdown_tables(cube, scope=ALL):
    tables = []
    for measure, dimensions in BREAKDOWNS.items():
        for dimension in dimensions:
            if dimension == "sex_age":
                tables.append(sex_age_table(cube, measure, scope))
            else:
                tables.append(dimension_table(cube, measure, dimension, scope))
    return tables


_LOOK_UP = object()


def summary(period, scope=ALL, trend_periods=None, refresh=_LOOK_UP):
    """Everything the dashboard and the quarterly report show for `period` and `scope`.

    Cached per summary refresh, language and scope: the page only renders it. `refresh` is the
    latest SummaryRefresh (or None) when the caller has already read it.
    """
    if refresh is _LOOK_UP:
        refresh = last_refresh()
    cache_key = ":".join(
        [
            "reports:summary",
            str(refresh.token if refresh else "none"),
            get_language() or "",
            period.key,
            str(scope),
            ",".join(p.key for p in trend_periods or []),
        ]
    )
    cached = cache.get(cache_key)
    if cached is not None:
        return {**cached, "refresh": refresh}
    result = _summary(period, scope, trend_periods, refresh)
    cache.set(cache_key, {k: v for k, v in result.items() if k != "refresh"}, CACHE_SECONDS)
    return result


def _summary(period, scope, trend_periods, refresh):
    cube = period_cube(period, refresh)
    previous = period.previous()
    previous_cube = period_cube(previous, refresh)
    tiles = headline(cube, previous_cube, scope)
    merged = merged_figure(cube, previous_cube, scope)
    tables = [headline_table(tiles, period, previous, merged)]
    if trend_periods:
        tables.append(trend_table(trend_periods, scope, refresh))
    if scope == ALL:
        tables.append(province_table(cube))
    tables += breakdown_tables(cube, scope)
    return {
        "tiles": tiles,
        "merged": merged,
        "tables": tables,
        "has_hidden": _has_hidden(tables),
        "refresh": refresh,
    }


def _has_hidden(tables):
    return any(
        suppression.is_hidden(cell)
        for data in tables
        for row in [*data["rows"], data["total"] or []]
        for cell in row
    )


def warm_cache(today=None):
    """Compute the recent quarters' cubes after a refresh, so no officer waits for them."""
    from . import periods

    latest = periods.containing(periods.QUARTER, today or timezone.localdate())
    for period in periods.this_and_previous(latest, TREND_QUARTERS + 1):
        period_cube(period)
