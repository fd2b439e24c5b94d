"""What the phone may keep for a street day: the least that the street needs (docs/adr/0032)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core import audit
from core.models import Province, User

from ..models import Case, Encounter, EncounterChild, FollowUp
from ..models.choices import OPEN_STATUSES, Activity, Sex

# A street day needs the hotspots where the organisation worked lately, not five years of them.
HOTSPOT_PERIOD = datetime.timedelta(days=90)
HOTSPOT_LIMIT = 200
CASE_LIMIT = 500


def _choices(choices: Any) -> list[dict[str, str]]:
    return [{"value": str(value), "label": str(label)} for value, label in choices]


def offline_bundle(
    *, user: User, session_started: datetime.datetime, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The caseworker's own open cases (case number, names, father's name, age, sex, hotspot,
    next follow-up, version), the organisation's recent hotspots and the reference lists.

    Nothing else about a child leaves the server for the phone: no ID number, phone, household,
    health or protection answers. The read is audited as one row naming how many cases it held.
    `wipe_after` is when the session's absolute limit ends (SE-02): the phone wipes its copy
    then, signed out or not.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    organisation_id = user.membership.organisation_id
    next_followup = FollowUp.objects.pending().filter(case=OuterRef("pk")).order_by("due_on", "id")
    last_hotspot = (
        EncounterChild.objects.filter(case=OuterRef("pk"))
        .order_by("-encounter__occurred_at")
        .values("encounter__hotspot")[:1]
    )
    cases = (
        Case.objects.filter(
            organisation_id=organisation_id, assigned_to=user, status__in=OPEN_STATUSES
        )
        .annotate(
            next_followup_id=Subquery(next_followup.values("pk")[:1]),
            next_followup_on=Subquery(next_followup.values("due_on")[:1]),
            next_followup_kind=Subquery(next_followup.values("kind")[:1]),
            hotspot=Subquery(last_hotspot),
        )
        .order_by("next_followup_on", "case_number")[:CASE_LIMIT]
    )
    case_rows = [
        {
            "id": case.pk,
            "case_number": case.case_number,
            "given_name": case.given_name,
            "family_name": case.family_name,
            "father_name": case.father_name,
            "age": case.age(on=today),
            "sex": case.sex,
            "hotspot": case.hotspot or "",
            "version": case.version,
            "next_followup": (
                {
                    "id": case.next_followup_id,
                    "due_on": case.next_followup_on.isoformat(),
                    "kind": case.next_followup_kind,
                }
                if case.next_followup_id
                else None
            ),
        }
        for case in cases
    ]
    hotspots: list[str] = list(
        Encounter.objects.filter(
            organisation_id=organisation_id, occurred_at__gte=now - HOTSPOT_PERIOD
        )
        .order_by("hotspot_key")
        .distinct("hotspot_key")
        .values_list("hotspot", flat=True)[:HOTSPOT_LIMIT]
    )
    audit.record(
        audit.Action.VIEW,
        user=user,
        object_type="children.case",
        object_id="offline-bundle",
        detail={"offline_bundle": len(case_rows)},
    )
    return {
        "generated_at": now.isoformat(),
        "wipe_after": (session_started + settings.SESSION_ABSOLUTE_TIMEOUT).isoformat(),
        "cases": case_rows,
        "hotspots": hotspots,
        "reference": {
            "provinces": [{"value": str(p.pk), "label": str(p)} for p in Province.objects.all()],
            "sex": _choices(Sex.choices),
            "activity": _choices(Activity.choices),
        },
    }
