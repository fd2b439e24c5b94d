"""Reads about street outreach."""

from typing import Any

from django.db.models import Count, F, Max, QuerySet, Sum

from ..models import ANONYMOUS_FIELDS, Encounter


def hotspot_summary(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Encounters, registered and anonymous children per hotspot, busiest first.

    A hotspot is a normalised place name within a province; the city and district shown are
    the latest written for it.
    """
    return with_registered_children(hotspot_totals(encounters), encounters)


def hotspot_totals(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Per hotspot, busiest first: encounters, anonymous children, last visit (no registered
    children: `with_registered_children` adds them to the rows that are shown)."""
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


def with_registered_children(
    rows: list[dict[str, Any]], encounters: QuerySet[Encounter]
) -> list[dict[str, Any]]:
    """`rows` of `hotspot_totals` with the distinct registered children met at each over the
    same `encounters`."""
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
