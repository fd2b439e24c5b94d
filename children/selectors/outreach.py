"""Reads about street outreach."""

from typing import Any

from django.db.models import Count, F, Max, QuerySet, Sum

from ..models import ANONYMOUS_FIELDS, Encounter, EncounterChild


def hotspot_summary(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """Encounters, registered and anonymous children per hotspot, busiest first.

    A hotspot is a normalised place name within a province; the city and district shown are
    the latest written for it.
    """
    anonymous_total = sum((F(name) for name in ANONYMOUS_FIELDS.values()), start=0)
    rows = (
        encounters.values("province_id", "hotspot_key", "province__name_fa", "province__name_en")
        .annotate(
            hotspot=Max("hotspot"),
            city=Max("city"),
            district=Max("district"),
            encounters=Count("id"),
            anonymous=Sum(anonymous_total),
            last_visit=Max("occurred_at"),
        )
        .order_by("-encounters", "hotspot_key")
    )
    registered = {
        (row["encounter__province_id"], row["encounter__hotspot_key"]): row["children"]
        for row in EncounterChild.objects.filter(encounter__in=encounters)
        .values("encounter__province_id", "encounter__hotspot_key")
        .annotate(children=Count("case", distinct=True))
    }
    return [
        {**row, "registered": registered.get((row["province_id"], row["hotspot_key"]), 0)}
        for row in rows
    ]
