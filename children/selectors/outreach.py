"""Reads about street outreach."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Count, F, Max, QuerySet, Sum

from ..models import ANONYMOUS_FIELDS, Encounter


def hotspot_summary(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Encounters, registered and anonymous children per hotspot, busiest first.

    A hotspot is a normalised place name within a province; the city and district shown are
    the latest written for it.
    """
    with _serial_plans(encounters.db):
        return _with_registered_children(_hotspot_totals(encounters), encounters)


def hotspot_page(encounters: QuerySet[Encounter], number: Any, *, per_page: int) -> "Page[Any]":
    """Page `number` of `hotspot_summary` (the busiest hotspots first), read with serial plans.

    The registered children are read once for the whole summary: one pass either way."""
    with _serial_plans(encounters.db):
        page = Paginator(_hotspot_totals(encounters), per_page).get_page(number)
        page.object_list = _with_registered_children(list(page.object_list), encounters)
    return page


def _hotspot_totals(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Per hotspot, busiest first: encounters, anonymous children, last visit."""
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
        )
        .order_by("-encounters", "hotspot_key")
    )
    return [{**row} for row in rows]


def _with_registered_children(
    rows: list[dict[str, Any]], encounters: QuerySet[Encounter]
) -> list[dict[str, Any]]:
    """`rows` with the distinct registered children met at each hotspot over `encounters`."""
    if not rows:
        return rows
    # Grouped from the encounters' side: one more pass over the same index range, each
    # encounter joined to its children through the (encounter, case) unique index. Not one query
    # with the totals: the join repeats an encounter per child met and would inflate its sums.
    registered = {
        (row["province_id"], row["hotspot_key"]): row["children"]
        for row in encounters.values("province_id", "hotspot_key")
        .annotate(children=Count("child_links__case", distinct=True))
        .order_by()
    }
    return [
        {**row, "registered": registered.get((row["province_id"], row["hotspot_key"]), 0)}
        for row in rows
    ]


@contextmanager
def _serial_plans(using: str) -> Iterator[None]:
    """Reads without parallel workers. For one organisation's few thousand encounters the
    planner chose a parallel plan that took twice as long as the serial one on two busy cores
    (33 against 18 ms for the registered children at national scale, issue 21): starting the
    workers costs more than they save, and a web server's cores are already busy."""
    connection = connections[using]
    nested = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
        if nested:  # the setting would outlive this block (after an error, its rollback undoes it)
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = DEFAULT")
