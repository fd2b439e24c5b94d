"""Lists of "My work" compiled to SQL once per process, not on every request (issue 21).

Building and compiling a `values_list` queryset with its joins cost the page more CPU than
PostgreSQL takes to answer it: about a millisecond a list, a fifth of the page. A `CompiledRows`
builds the queryset once for each `key` (everything the query's text depends on: the day, the
user's kind, the settings it reads) with stand-in ids, finds where those ids stand among the
SQL's parameters, and on each call runs the same SQL with the request's ids. Only the text is
kept: the rows are read from the database on every call, as the ORM would.
"""

from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Case, F, Func, Model, Q, QuerySet, When

# Ids no row has, one for each id a query takes (within a 32-bit integer, which Django checks
# some lookups against). Where one stands among the parameters, each call's id goes.
_STAND_IN = -2_000_000_001

# Texts each CompiledRows keeps: a key holds the day, so past days' are dropped now and then.
_KEPT = 32

# A compiled query: SQL, parameters, {name: positions}, converters, columns. None: no rows.
_Compiled = tuple[str, list[Any], dict[str, list[int]], dict[int, Any], int] | None


class CompiledRows:
    """`build(key, **ids)`, a `values_list` queryset of `model`, compiled once per database and
    `key`.

    `build` must pass each id to the queryset unchanged (no arithmetic on it), and everything
    else the SQL depends on must be in `key`: a query that returns nothing (`.none()`) is
    remembered as such for that key.
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any]]) -> None:
        self._model = model
        self._build = build
        self._compiled: dict[tuple[str, Hashable, tuple[str, ...]], _Compiled] = {}

    def _compile(self, alias: str, key: Hashable, names: tuple[str, ...]) -> _Compiled:
        stand_ins = {name: _STAND_IN - index for index, name in enumerate(names)}
        queryset = self._build(key, **stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        positions = {
            name: [i for i, param in enumerate(params) if type(param) is int and param == value]
            for name, value in stand_ins.items()
        }
        if not all(positions.values()):
            raise ImproperlyConfigured(f"A compiled query lost one of its ids: {positions}")
        columns = compiler.col_count
        converters = compiler.get_converters([column[0] for column in compiler.select[:columns]])
        return sql, list(params), positions, converters, columns

    def rows(self, key: Hashable, **ids: int) -> list[tuple[Any, ...]]:
        """The queryset's rows, as `values_list` gives them, for these ids."""
        # Where the ORM would read it: the replica within a view that reads there (core/replica.py).
        alias = router.db_for_read(self._model)
        names = tuple(sorted(ids))
        cache_key = (alias, key, names)
        if cache_key not in self._compiled:
            if len(self._compiled) >= _KEPT:
                self._compiled.clear()  # yesterday's days and settings
            self._compiled[cache_key] = self._compile(alias, key, names)
        compiled = self._compiled[cache_key]
        if compiled is None:
            return []
        sql, params, positions, converters, columns = compiled
        params = list(params)
        for name, at in positions.items():
            for position in at:
                params[position] = ids[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        if not converters and all(len(row) == columns for row in rows):
            return rows
        result = []
        for fetched in rows:
            row = list(fetched[:columns])
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
            result.append(tuple(row))
        return result


def counts_of(queryset: QuerySet[Any], *conditions: Q | None) -> QuerySet[Any]:
    """One row: how many rows of `queryset` meet each condition (None: every row), as a
    `values_list` for a CompiledRows."""

    def counted(condition: Q | None) -> Func:
        counting = F("pk") if condition is None else Case(When(condition, then=F("pk")))
        # COUNT as a plain function: an aggregate would make Django group the rows.
        return Func(counting, function="COUNT")

    return queryset.order_by().values_list(*(counted(condition) for condition in conditions))


def capped_counts(
    rows: list[Any],
    limit: int,
    counts: CompiledRows,
    key: Hashable,
    ids: dict[str, int],
    *tests: Callable[[Any], bool],
) -> tuple[int, ...]:
    """The exact counts beside a list capped at `limit`: taken from `rows` when fewer came back
    (then they are every row; `tests` are the conditions on a row), else from `counts`, a
    CompiledRows of `counts_of` with the same conditions, read with `key` and `ids`.

    Not a subquery of the list's own query: PostgreSQL would plan and run it for every list,
    most of them short (counting.py)."""
    if len(rows) < limit:
        return tuple(sum(1 for row in rows if test(row)) for test in tests)
    return tuple(counts.rows(key, **ids)[0])


def every_row(row: Any) -> bool:
    """The condition of a list's total, for `capped_counts`."""
    return True
