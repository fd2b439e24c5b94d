"""Logging a street-outreach encounter."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.models import User
from core.permissions import Perm, check_permission
from core.persian import clean_text, compact
from ngos.models import Organisation

from ..models import ANONYMOUS_FIELDS, Case, Encounter, EncounterChild, TimelineEntry


def hotspot_key(name: str) -> str:
    """One key per place however it is written: "چهارراه وليعصر" and "چهار راه ولیعصر" agree."""
    return compact(name)[:150]


@transaction.atomic
def encounter_log(
    *,
    by: User,
    organisation: Organisation,
    data: Mapping[str, Any],
    cases: Iterable[Case] = (),
    anonymous: Mapping[tuple[str, str], int] | None = None,
) -> Encounter:
    """Record an encounter, the registered children met (`cases`) and anonymous counts.

    `anonymous` maps (sex, age band) to a count. Each registered child's timeline gets a line and
    each of their records an audit row, since meeting a child changes what their record says.
    """
    check_permission(by, Perm.OUTREACH_LOG, organisation)
    data = {
        key: clean_text(value) if isinstance(value, str) else value for key, value in data.items()
    }
    encounter = Encounter(organisation=organisation, caseworker=by, **data)
    encounter.hotspot_key = hotspot_key(encounter.hotspot)
    for key, count in (anonymous or {}).items():
        setattr(encounter, ANONYMOUS_FIELDS[key], count or 0)
    encounter.save()
    audit.record(audit.Action.CREATE, user=by, obj=encounter)
    met_on = timezone.localtime(encounter.occurred_at).date()
    Case.objects.filter(pk__in=[case.pk for case in cases]).filter(
        Q(last_contact_on__lt=met_on) | Q(last_contact_on__isnull=True)
    ).update(last_contact_on=met_on)
    for case in cases:
        EncounterChild.objects.create(encounter=encounter, case=case)
        TimelineEntry.objects.create(
            case=case,
            kind=TimelineEntry.Kind.ENCOUNTER,
            actor=by,
            detail={"encounter": encounter.pk, "hotspot": encounter.hotspot},
        )
        audit.record(audit.Action.UPDATE, user=by, obj=case, detail={"encounter": encounter.pk})
    return encounter
