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
from django.db.models.query import ModelIterable, get_related_populators

# Ids no row has, one for each id a query takes (within a 32-bit integer, which Django checks
# some lookups against). Where one stands among the parameters, each call's id goes.
_STAND_IN = -2_000_000_001

# Texts each CompiledRows keeps: a key holds the day, so past days' are dropped now and then.
_KEPT = 32

# A compiled query: SQL, parameters, {name: positions}, converters, columns. None: no rows.
_Compiled = tuple[str, list[Any], dict[str, list[int]], dict[int, Any], int] | None


def _sql_with_stand_ins(
    queryset: QuerySet[Any], alias: str, stand_ins: dict[str, int]
) -> tuple[Any, str, list[Any], dict[str, list[int]]] | None:
    """The compiler, SQL and parameters of `queryset` built with `stand_ins`, and where each
    stand-in stands among the parameters; None for a query that returns nothing."""
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
    return compiler, sql, list(params), positions


def _bound(params: list[Any], positions: dict[str, list[int]], ids: dict[str, int]) -> list[Any]:
    """`params` with each request's id where its stand-in stood."""
    params = list(params)
    for name, at in positions.items():
        for position in at:
            params[position] = ids[name]
    return params


def _stand_ins(names: tuple[str, ...]) -> dict[str, int]:
    return {name: _STAND_IN - index for index, name in enumerate(names)}


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
        stand_ins = _stand_ins(names)
        compiled = _sql_with_stand_ins(self._build(key, **stand_ins), alias, stand_ins)
        if compiled is None:
            return None
        compiler, sql, params, positions = compiled
        columns = compiler.col_count
        converters = compiler.get_converters([column[0] for column in compiler.select[:columns]])
        return sql, params, positions, converters, columns

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
        params = _bound(params, positions, ids)
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


# A compiled query of instances: SQL, parameters, {name: positions}, converters, and how a row
# becomes instances: (model, attnames, start, end, related populators, annotations).
_CompiledObjects = (
    tuple[
        str,
        list[Any],
        dict[str, list[int]],
        dict[int, Any],
        tuple[type[Model], list[str], int, int, list[Any], dict[str, int]],
    ]
    | None
)


class CompiledObjects:
    """`build(key, **ids)`, a queryset of `model` instances (with `select_related`, `only`,
    annotations, a slice; not `prefetch_related`), compiled once per database and `key`, as a
    CompiledRows is and with its rules; each call runs the same SQL with the request's ids and
    makes the instances as the ORM does (`Model.from_db`, the related objects it selected)."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any]]) -> None:
        self._model = model
        self._build = build
        self._compiled: dict[tuple[str, Hashable, tuple[str, ...]], _CompiledObjects] = {}

    def _compile(self, alias: str, key: Hashable, names: tuple[str, ...]) -> _CompiledObjects:
        stand_ins = _stand_ins(names)
        queryset = self._build(key, **stand_ins)
        prefetching = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if prefetching or queryset._iterable_class is not ModelIterable:
            raise ImproperlyConfigured("A CompiledObjects query makes plain instances only")
        compiled = _sql_with_stand_ins(queryset, alias, stand_ins)
        if compiled is None:
            return None
        compiler, sql, params, positions = compiled
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        attnames = [column[0].target.attname for column in select[start:end]]
        # Django 5.2's signature (the type stubs are a later Django's).
        populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        making = (
            klass_info["model"],
            attnames,
            start,
            end,
            populators,
            compiler.annotation_col_map,
        )
        return sql, params, positions, converters, making

    def objects(
        self, key: Hashable, *, known: dict[str, Model] | None = None, **ids: int
    ) -> list[Any]:
        """The queryset's instances for these ids. `known`: related objects to set on each (a
        related manager's queryset sets the instance it came from, so `note.case` asks nothing)."""
        alias = router.db_for_read(self._model)
        names = tuple(sorted(ids))
        cache_key = (alias, key, names)
        if cache_key not in self._compiled:
            if len(self._compiled) >= _KEPT:
                self._compiled.clear()
            self._compiled[cache_key] = self._compile(alias, key, names)
        compiled = self._compiled[cache_key]
        if compiled is None:
            return []
        sql, params, positions, converters, making = compiled
        model, attnames, start, end, populators, annotations = making
        params = _bound(params, positions, ids)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows: list[Any] = cursor.fetchall()
        known_fields: list[tuple[Any, Model]] = [
            (model._meta.get_field(name), value) for name, value in (known or {}).items()
        ]
        result = []
        for fetched in rows:
            row = list(fetched)
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
            obj = model.from_db(alias, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            for field, value in known_fields:
                if not field.is_cached(obj):
                    setattr(obj, field.name, value)
            result.append(obj)
        return result
