"""The ministry dashboard's block on child labour and the law and on children back in school
(issue 20, docs/adr/0035): tables and charts from the protected cubes (docs/adr/0008), so they
show the same protected figures as the rest of the dashboard and its exports."""

from django.utils.translation import gettext as _

from children.selectors.reporting import LabourFlag

from .selectors.national import ALL, period_cube, provinces
from .selectors.protection import FLAG, LABOUR, REENROLLED, REENROLLED_YEAR
from .summary import last_refresh
from .tables import bar_chart, column_chart, table


def _places(scope):
    """[(key, label)] of the rows: every province for the nation, else the one province."""
    places = provinces()
    if scope == ALL:
        return places
    return [(key, label) for key, label in places if key == scope]


def _without_empty_provinces(rows, scope):
    """The nation's rows without the provinces whose every cell is 0: a zero reveals nothing
    and adds nothing to a total, and 30 rows of zeros bury the few that matter on a phone."""
    if scope != ALL:
        return rows
    kept = [row for row in rows if any(cell != 0 for cell in row[1:])]
    return kept or rows[:0]


def labour_table(cube, scope=ALL):
    flags = LabourFlag.choices
    rows = _without_empty_provinces(
        [
            [label, *[cube.get(LABOUR, key, FLAG, flag) for flag, _l in flags]]
            for key, label in _places(scope)
        ],
        scope,
    )
    total = None
    if scope == ALL:
        total = [_("All provinces"), *[cube.get(LABOUR, ALL, FLAG, flag) for flag, _l in flags]]
    columns = [_("Province"), *[label for _f, label in flags]]
    data = table(
        "labour-law",
        _("Children whose work the Labour Law bars, by province"),
        columns,
        rows,
        total=total,
        note=_(
            "Children registered in the quarter whose case now records work barred by the Labour"
            " Law (Articles 79, 82 to 84). A child can have more than one flag."
        )
        + " "
        + _("Provinces with none are not listed."),
    )
    data["chart"] = column_chart(data, list(range(1, len(columns))), horizontal=True)
    return data


def labour_trend_table(periods, scope=ALL, refresh=None):
    periods = list(reversed(periods))
    flags = LabourFlag.choices
    rows = [
        [
            period.label(),
            *[period_cube(period, refresh).get(LABOUR, scope, FLAG, f) for f, _l in flags],
        ]
        for period in periods
    ]
    columns = [_("Quarter"), *[label for _f, label in flags]]
    data = table("labour-law-trend", _("Labour Law flags quarter by quarter"), columns, rows)
    data["chart"] = bar_chart(
        [row[0] for row in rows],
        [(columns[i], [row[i] for row in rows]) for i in range(1, len(columns))],
        kind="line",
    )
    return data


def back_to_school_table(cube, scope=ALL):
    rows = _without_empty_provinces(
        [
            [label, cube.get(REENROLLED, key), cube.get(REENROLLED_YEAR, key)]
            for key, label in _places(scope)
        ],
        scope,
    )
    total = None
    if scope == ALL:
        total = [_("All provinces"), cube.get(REENROLLED, ALL), cube.get(REENROLLED_YEAR, ALL)]
    columns = [
        _("Province"),
        _("Back in school this quarter"),
        _("Back in school this school year"),
    ]
    data = table(
        "back-to-school",
        _("Children back in school, by province"),
        columns,
        rows,
        total=total,
        note=_(
            "Children whose schooling changed to enrolled after dropping out or never enrolling;"
            " the school year starts on 1 Mehr. A child is counted once a school year."
        )
        + " "
        + _("Provinces with none are not listed."),
    )
    data["chart"] = column_chart(data, [2], horizontal=True)
    return data


def protection_summary(period, scope=ALL, trend_periods=None, refresh=None):
    """{"tables": [...]} for the dashboard's block and its exports."""
    if refresh is None:
        refresh = last_refresh()
    cube = period_cube(period, refresh)
    tables = [labour_table(cube, scope)]
    if trend_periods:
        tables.append(labour_trend_table(trend_periods, scope, refresh))
    tables.append(back_to_school_table(cube, scope))
    return {"tables": tables}
