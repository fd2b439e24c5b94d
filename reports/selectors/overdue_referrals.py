"""Overdue referrals per receiving organisation, for ministry officers (docs/adr/0039).

Counts only, never a child: how many referrals sent for children of each province are past
their answer date, per organisation they were sent to. They are counts of referrals, so they are
suppressed like every such figure (docs/adr/0005, AC-08): the whole cube (organisation within
province, province total, national total) is protected at once, and a provincial officer's view
is a slice of it, so his province and the nation cannot be subtracted (AC-12).
"""

import datetime
from collections import defaultdict
from typing import Any

from django.utils import timezone

from children.selectors.reporting import overdue_referral_counts
from core.models import Province
from ngos.models import Organisation

from .. import suppression

NATION = ("nation",)


def _province_key(province_id: int) -> tuple[str, int]:
    return ("province", province_id)


def _cell_key(province_id: int, organisation_id: int) -> tuple[str, int, int]:
    return ("cell", province_id, organisation_id)


def overdue_referrals(
    *, province_id: int | None = None, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """{"total": protected national total or None, "provinces": [{"province", "total",
    "rows": [{"organisation", "count"}]}]}: every province with an overdue referral, or only
    `province_id` (a provincial officer's, shown even when it has none)."""
    rows = overdue_referral_counts(now or timezone.now())
    counts: dict[Any, int] = {}
    parts: defaultdict[int, list[Any]] = defaultdict(list)
    for row in rows:
        key = _cell_key(row["case__province_id"], row["to_organisation_id"])
        counts[key] = row["n"]
        parts[row["case__province_id"]].append(key)
    for province, keys in parts.items():
        counts[_province_key(province)] = sum(counts[k] for k in keys)
    counts[NATION] = sum(counts[_province_key(p)] for p in parts)
    relations: list[tuple[Any, list[Any]]] = [(_province_key(p), keys) for p, keys in parts.items()]
    relations.append((NATION, [_province_key(p) for p in parts]))
    protected = suppression.protect(counts, relations)

    wanted = [province_id] if province_id is not None else list(parts)
    provinces = {p.pk: p for p in Province.objects.filter(pk__in=wanted)}
    organisation_ids = {key[2] for p in wanted for key in parts.get(p, [])}
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=organisation_ids)}
    sections = []
    for pk in wanted:
        if pk not in provinces:
            continue
        section_rows = [
            {"organisation": organisations[key[2]], "count": protected[key]}
            for key in parts.get(pk, [])
        ]
        section_rows.sort(key=lambda row: row["organisation"].name)
        sections.append(
            {
                "province": provinces[pk],
                "total": protected.get(_province_key(pk), 0),
                "rows": section_rows,
            }
        )
    sections.sort(key=lambda section: section["province"].name)
    return {
        "total": protected[NATION] if province_id is None else None,
        "provinces": sections,
    }
