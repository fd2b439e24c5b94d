"""Reads about street outreach."""

import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.models import QuerySet

from ..models import ANONYMOUS_FIELDS, Encounter


def hotspot_summary(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Encounters, registered and anonymous children per hotspot, busiest first.

    A hotspot is a normalised place name within a province; the city and district shown are
    the latest written for it.
    """
    return _hotspot_totals(encounters)


def hotspot_page(encounters: QuerySet[Encounter], number: Any, *, per_page: int) -> "Page[Any]":
    """Page `number` of `hotspot_summary` (the busiest hotspots first).

    The totals, registered children included, are read once for the whole summary: one pass."""
    return Paginator(_hotspot_totals(encounters), per_page).get_page(number)


# The summary in constant text around the encounters asked for (the list's filters, or an
# organisation's period), compiled by the ORM as a plain SELECT. Building and compiling the
# grouped query with its eleven expressions cost the ORM about 3 ms a page (issue 21).
#
# The encounters are read once (the MATERIALIZED CTE) and grouped twice: their totals, and the
# registered children met. Those are the links of the encounters' organisation between their
# first and last moment, one range of encounter_child_org_time_idx read from the index alone,
# joined to the encounters asked for by id: the organisation and time on a link are copied from
# its encounter by the database (children migration 0034), so the range holds every link of
# those encounters, and the join keeps only theirs. A lookup per encounter in the (encounter,
# case) index, as before, read 13,000 buffers for the largest organisation's 90 days; the range,
# a few dozen. Joining the children in the totals' query would repeat an encounter per child met
# and inflate its sums. The province's names are joined to the eight or so groups, not to every
# encounter: grouping and sorting the encounters by the two names cost about a sixth of the query.
_HOTSPOT_SQL = """
WITH encounter AS MATERIALIZED ({encounters}),
registered AS (
    SELECT encounter.province_id, encounter.hotspot_key, COUNT(DISTINCT met.case_id) AS registered
    FROM (
        SELECT organisation_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at
        FROM encounter GROUP BY organisation_id
    ) AS span
    JOIN children_encounterchild AS met ON met.organisation_id = span.organisation_id
        AND met.occurred_at >= span.first_at AND met.occurred_at <= span.last_at
    JOIN encounter ON encounter.id = met.encounter_id
    GROUP BY encounter.province_id, encounter.hotspot_key
)
SELECT hotspot.province_id, hotspot.hotspot_key, province.name_fa, province.name_en,
    hotspot.hotspot, hotspot.city, hotspot.district, hotspot.encounters, hotspot.anonymous,
    hotspot.last_visit, COALESCE(registered.registered, 0) AS registered
FROM (
    SELECT encounter.province_id, encounter.hotspot_key, MAX(encounter.hotspot) AS hotspot,
        MAX(encounter.city) AS city, MAX(encounter.district) AS district,
        COUNT(*) AS encounters, SUM({anonymous}) AS anonymous,
        MAX(encounter.occurred_at) AS last_visit
    FROM encounter
    GROUP BY encounter.province_id, encounter.hotspot_key
) AS hotspot
JOIN core_province AS province ON province.id = hotspot.province_id
LEFT JOIN registered ON registered.province_id = hotspot.province_id
    AND registered.hotspot_key = hotspot.hotspot_key
ORDER BY hotspot.encounters DESC, hotspot.hotspot_key
"""
# The anonymous children of an encounter; from 0, an integer, so eight small ones add up safely.
_ANONYMOUS_SUM = " + ".join(["0", *(f"encounter.{name}" for name in ANONYMOUS_FIELDS.values())])
_ENCOUNTER_COLUMNS = (
    *("id", "organisation_id", "province_id", "hotspot_key", "hotspot", "city", "district"),
    "occurred_at",
    *ANONYMOUS_FIELDS.values(),
)
# The keys of a summary's row, in the order of _HOTSPOT_SQL's columns.
_HOTSPOT_KEYS = (
    *("province_id", "hotspot_key", "province__name_fa", "province__name_en"),
    *("hotspot", "city", "district", "encounters", "anonymous", "last_visit", "registered"),
)


def _hotspot_totals(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Per hotspot, busiest first: encounters, anonymous and registered children, last visit."""
    try:
        inner, params = (
            encounters.order_by().values_list(*_ENCOUNTER_COLUMNS).query.sql_with_params()
        )
    except EmptyResultSet:  # none(), or a filter nothing can match
        return []
    return _totals_of(inner, list(params), encounters.db)


def _totals_of(inner: str, params: list[Any], using: str) -> list[dict[str, Any]]:
    sql = _HOTSPOT_SQL.format(anonymous=_ANONYMOUS_SUM, encounters=inner)
    with connections[using].cursor() as cursor:
        return [
            dict(zip(_HOTSPOT_KEYS, row, strict=True)) for row in _serial_read(cursor, sql, params)
        ]


# An organisation's encounters in [start, end): the same text for every organisation and period,
# so compiled once per database (issue 21), with where each of the three values goes.
_STAND_INS = (
    -2_000_000_001,
    datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(1902, 1, 1, tzinfo=datetime.UTC),
)
_PERIOD_ENCOUNTERS: dict[str, tuple[str, list[int]]] = {}


def _period_encounters(using: str) -> tuple[str, list[int]]:
    if using not in _PERIOD_ENCOUNTERS:
        organisation, start, end = _STAND_INS
        encounters = Encounter.objects.filter(
            organisation_id=organisation, occurred_at__gte=start, occurred_at__lt=end
        )
        inner, params = (
            encounters.order_by().values_list(*_ENCOUNTER_COLUMNS).query.sql_with_params()
        )
        order = [_STAND_INS.index(param) for param in params]
        if sorted(order) != [0, 1, 2]:
            raise ImproperlyConfigured(f"The encounters' query lost one of its values: {params}")
        _PERIOD_ENCOUNTERS[using] = (inner, order)
    return _PERIOD_ENCOUNTERS[using]


def organisation_hotspots(
    organisation_id: int, start_at: datetime.datetime, end_at: datetime.datetime
) -> list[dict[str, Any]]:
    """`hotspot_summary` of the organisation's encounters from `start_at` to `end_at`."""
    using = router.db_for_read(Encounter)
    inner, order = _period_encounters(using)
    values = (organisation_id, start_at, end_at)
    return _totals_of(inner, [values[index] for index in order], using)


# Reads without parallel workers and without JIT compiling.
#
# For one organisation's few thousand encounters the planner chose a parallel plan that took
# twice as long as the serial one on two busy cores (33 against 18 ms for the registered children
# at national scale, issue 21): starting the workers costs more than they save, and a web
# server's cores are already busy. A long history (the largest organisation's 60,000 encounters,
# the page given only an end date) is priced past `jit_above_cost`, and JIT-compiling took 0.35 s
# where the earlier query took 20 ms.
#
# The settings go in the same statement text as the query (the cursors bind values on the client,
# so the text is one simple query): outside a transaction PostgreSQL runs such a text as one
# implicit transaction, which SET LOCAL lasts for, so the read is one round trip where an atomic
# block with the settings took four (BEGIN, SET, the query, COMMIT; issue 21).
_SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off;\n"
_DEFAULTS = "SET LOCAL max_parallel_workers_per_gather = DEFAULT; SET LOCAL jit = DEFAULT"


def _serial_read(cursor: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql`, planned serially; the connection's settings left as they were."""
    nested = cursor.db.in_atomic_block
    cursor.execute(_SERIAL + sql, params)
    # Positioned on the first statement's result, or on the last one's when a wrapper (pghistory)
    # moved on: the query's is the one result with columns.
    while cursor.description is None and cursor.nextset():
        pass
    rows: list[tuple[Any, ...]] = cursor.fetchall()
    if nested:  # SET LOCAL lasts until the enclosing transaction ends
        cursor.execute(_DEFAULTS)
    return rows
