"""Reads about street outreach."""

from django.db.models import Count, F, Max, Sum

from ..models import ANONYMOUS_FIELDS, EncounterChild


def hotspot_summary(encounters):
    """Encounters, registered and anonymous children per hotspot, busiest first."""
    anonymous_total = sum((F(name) for name in ANONYMOUS_FIELDS.values()), start=0)
    rows = (
        encounters.values(
            "hotspot_key", "province__name_fa", "province__name_en", "city", "district"
        )
        .annotate(
            hotspot=Max("hotspot"),
            encounters=Count("id"),
            anonymous=Sum(anonymous_total),
            last_visit=Max("occurred_at"),
        )
        .order_by("-encounters", "hotspot_key")
    )
    registered = dict(
        EncounterChild.objects.filter(encounter__in=encounters)
        .values("encounter__hotspot_key")
        .annotate(children=Count("case", distinct=True))
        .values_list("encounter__hotspot_key", "children")
    )
    return [{**row, "registered": registered.get(row["hotspot_key"], 0)} for row in rows]
