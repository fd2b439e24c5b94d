"""Reads about street outreach."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Aggregate, Count, F, IntegerField, Max, QuerySet, Sum

from ..models import ANONYMOUS_FIELDS, Encounter


def hotspot_summary(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Encounters, registered and anonymous children per hotspot, busiest first.

    A hotspot is a normalised place name within a province; the city and district shown are
    the latest written for it.
    """
    with _serial_plans(encounters.db):
        return _hotspot_totals(encounters)


def hotspot_page(encounters: QuerySet[Encounter], number: Any, *, per_page: int) -> "Page[Any]":
    """Page `number` of `hotspot_summary` (the busiest hotspots first), read with serial plans.

    The totals, registered children included, are read once for the whole summary: one pass."""
    with _serial_plans(encounters.db):
        return Paginator(_hotspot_totals(encounters), per_page).get_page(number)


class RegisteredChildren(Aggregate):
    """The distinct registered children met over a group's encounters (given their ids).

    In the same pass as the group's other totals: the encounter ids are gathered per group and
    their children looked up through the (encounter, case) unique index. A join in the outer
    query instead would repeat an encounter per child met and inflate its sums; a second grouped
    query (as before, issue 21) read the encounters twice.
    """

    function = "ARRAY_AGG"
    name = "RegisteredChildren"
    template = (
        "(SELECT COUNT(DISTINCT met.case_id) FROM children_encounterchild met"
        " WHERE met.encounter_id = ANY(%(function)s(%(expressions)s)))"
    )
    output_field = IntegerField()


def _hotspot_totals(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Per hotspot, busiest first: encounters, anonymous and registered children, last visit."""
    anonymous_total = sum((F(name) for name in ANONYMOUS_FIELDS.values()), start=0)
    rows = (
        encounters.values("province_id", "hotspot_key", "province__name_fa", "province__name_en")
        .annotate(
            hotspot=Max("hotspot"),
            city=Max("city"),
            district=Max("district"),
            encounters=Count("*"),
            anonymous=Sum(anonymous_total),
            last_visit=Max("occurred_at"),
            registered=RegisteredChildren("pk"),
        )
        .order_by("-encounters", "hotspot_key")
    )
    return [{**row} for row in rows]


@contextmanager
def _serial_plans(using: str) -> Iterator[None]:
    """Reads without parallel workers and without JIT compiling.

    For one organisation's few thousand encounters the planner chose a parallel plan that took
    twice as long as the serial one on two busy cores (33 against 18 ms for the registered
    children at national scale, issue 21): starting the workers costs more than they save, and a
    web server's cores are already busy. The planner also guesses a group per encounter, which
    prices the registered children's lookups high enough to JIT-compile the query: 0.35 s of
    compiling for a query of 20 ms."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off")
        yield
        if nested:  # the settings would outlive this block (after an error, its rollback undoes it)
            cursor.execute(
                "SET LOCAL max_parallel_workers_per_gather = DEFAULT; SET LOCAL jit = DEFAULT"
            )
