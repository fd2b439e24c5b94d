"""Registering a child, editing the case, notes, consent and reassignment.

Each write checks the acting user's permission on the case's organisation (ADR 0013).
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import Conflict
from core.models import User
from core.permissions import Perm, check_permission
from core.persian import clean_text, compact, normalize, phonetic_key, to_latin_digits
from ngos.models import Organisation

from ..models import (
    ANONYMOUS_FIELDS,
    Case,
    CaseNote,
    Consent,
    Encounter,
    EncounterChild,
    TimelineEntry,
)
from ..models.choices import OPEN_STATUSES, AgeBand
from . import duty
from .case_numbers import next_case_number
from .labour import apply_labour_flags, record_school_change

Action = audit.Action


def refresh_search_fields(case: Case) -> None:
    """Keep the normalised copies that search and duplicate matching read."""
    (
        case.search_name,
        case.search_compact,
        case.search_father,
        case.search_phonetic,
        case.search_father_phonetic,
        case.search_digits,
        case.birth_year,
    ) = search_values(
        given_name=case.given_name,
        family_name=case.family_name,
        father_name=case.father_name,
        numbers=(case.id_number, case.phone, case.guardian_phone),
        birth_date=case.birth_date,
        estimated_age=case.estimated_age,
        age_on=case.estimated_age_on or case.registered_on,
    )


_DIGIT_SEPARATORS = re.compile(r"[\s-]")


def search_values(
    *,
    given_name: str,
    family_name: str,
    father_name: str,
    numbers: Iterable[str | None],
    birth_date: datetime.date | None,
    estimated_age: int | None,
    age_on: datetime.date,
) -> tuple[str, str, str, str, str, str, int | None]:
    """(search_name, search_compact, search_father, search_phonetic, search_father_phonetic,
    search_digits, birth_year) of a case.

    The one definition of the search columns: forms and the bulk import both call it.
    """
    name, name_compact, name_phonetic = _name_keys(f"{given_name} {family_name}")
    father, father_phonetic = _father_keys(father_name)
    digits = " ".join([_digits(v) for v in numbers if v])
    if birth_date:
        birth_year = birth_date.year
    elif estimated_age is not None:
        birth_year = age_on.year - estimated_age
    else:
        birth_year = None
    return (name, name_compact, father, name_phonetic, father_phonetic, digits, birth_year)


# An import computes the keys of 100,000 names, most of them repeated (fathers' names above all):
# one cached call a name instead of three, each with its own cache lookup.
@lru_cache(maxsize=1 << 15)
def _name_keys(name: str) -> tuple[str, str, str]:
    return normalize(name), compact(name), phonetic_key(name)


@lru_cache(maxsize=1 << 13)
def _father_keys(name: str) -> tuple[str, str]:
    return normalize(name), phonetic_key(name)


def _digits(value: str) -> str:
    return _DIGIT_SEPARATORS.sub("", to_latin_digits(value))


def _clean_strings(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: clean_text(value) if isinstance(value, str) else value for key, value in data.items()
    }


def _timeline(case: Case, kind: str, by: User | None, **detail: Any) -> None:
    TimelineEntry.objects.create(case=case, kind=kind, actor=by, detail=detail)


@transaction.atomic
def case_register(
    *,
    by: User,
    organisation: Organisation,
    data: Mapping[str, Any],
    consent: Mapping[str, Any],
    assigned_to: User | None = None,
    from_encounter: Encounter | None = None,
) -> Case:
    """Register a child: a new case with its number, its first consent and an audit row. The
    timeline's "registered" line is read from the case itself (selectors.cases.case_timeline).

    `data` holds Case fields (identity at least); `consent` the Consent fields. When the child was
    counted anonymously in `from_encounter`, the case is linked to it and one anonymous count of
    the child's sex and age band is taken off, so the child is not counted twice.
    """
    check_permission(by, Perm.CASE_EDIT, organisation)
    case = Case(
        organisation=organisation,
        created_by=by,
        assigned_to=assigned_to or by,
        **_clean_strings(data),
    )
    if case.estimated_age is not None and case.estimated_age_on is None:
        case.estimated_age_on = case.registered_on
    case.case_number = next_case_number(organisation, case.registered_on)
    case.last_contact_on = case.registered_on
    refresh_search_fields(case)
    apply_labour_flags(case)
    case.save()
    Consent.objects.create(case=case, recorded_by=by, **_clean_strings(consent))
    record_school_change(
        case=case, from_status="", to_status=case.school_status, by=by, on=case.registered_on
    )
    audit.record(Action.CREATE, user=by, obj=case)
    duty.report_alerts_start(case=case, by=by, previous_risk=None)
    if from_encounter is not None:
        _link_registered_child(case, from_encounter, by)
    return case


def _link_registered_child(case: Case, encounter: Encounter, by: User) -> None:
    EncounterChild.objects.get_or_create(
        encounter=encounter, case=case, defaults={"registered_from_encounter": True}
    )
    band = AgeBand.for_age(case.age(on=timezone.localtime(encounter.occurred_at).date()))  # type: ignore[no-untyped-call]
    field = ANONYMOUS_FIELDS.get((case.sex, band))
    if field:
        Encounter.objects.filter(pk=encounter.pk).update(**{field: Greatest(F(field) - 1, 0)})
    _timeline(
        case, TimelineEntry.Kind.ENCOUNTER, by, encounter=encounter.pk, hotspot=encounter.hotspot
    )


@transaction.atomic
def case_update(
    *, by: User, case: Case, data: Mapping[str, Any], expected_version: int, section: str
) -> Case:
    """Save changed fields of one section, refusing a save made from a stale form (RE-02)."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != expected_version:
        raise Conflict(current)
    data = _clean_strings(data)
    changed = sorted(name for name, value in data.items() if getattr(current, name) != value)
    if not changed:
        return current
    school_before = current.school_status
    previous_risk, previous_concerns = current.risk_level, list(current.protection_concerns or ())
    for name in changed:
        setattr(current, name, data[name])
    if "estimated_age" in changed and current.estimated_age is not None:
        current.estimated_age_on = timezone.localdate()
    current.version = F("version") + 1
    refresh_search_fields(current)
    apply_labour_flags(current)
    current.save()
    record_school_change(
        case=current, from_status=school_before, to_status=current.school_status, by=by
    )
    current.refresh_from_db()
    _timeline(current, TimelineEntry.Kind.UPDATED, by, section=section, fields=changed)
    audit.record(
        Action.UPDATE, user=by, obj=current, detail={"section": section, "fields": changed}
    )
    duty.report_alerts_start(
        case=current, by=by, previous_risk=previous_risk, previous_concerns=previous_concerns
    )
    return current


@transaction.atomic
def case_add_note(*, by: User, case: Case, body: str) -> CaseNote:
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    note = CaseNote.objects.create(case=case, author=by, body=clean_text(body, multiline=True))
    _timeline(case, TimelineEntry.Kind.NOTE, by, note=note.pk)
    audit.record(Action.UPDATE, user=by, obj=case, detail={"note": note.pk})
    return note


@transaction.atomic
def consent_record(*, by: User, case: Case, data: Mapping[str, Any]) -> Consent:
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    consent = Consent.objects.create(case=case, recorded_by=by, **_clean_strings(data))
    _timeline(case, TimelineEntry.Kind.CONSENT_RECORDED, by, scope=consent.scope)
    audit.record(Action.UPDATE, user=by, obj=case, detail={"consent": consent.pk})
    return consent


@transaction.atomic
def consent_withdraw(*, by: User, consent: Consent, reason: str) -> Consent:
    """Withdraw consent. Referrals that rely on it stop sharing (the referrals issue hooks in here)."""
    check_permission(by, Perm.CASE_EDIT, consent.case.organisation_id)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = clean_text(reason, multiline=True)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _timeline(consent.case, TimelineEntry.Kind.CONSENT_WITHDRAWN, by)
    audit.record(Action.UPDATE, user=by, obj=consent.case, detail={"consent_withdrawn": consent.pk})
    # Withdrawn consent ends the sharing of every active referral of the child at once (AC-05).
    from .referrals import referrals_end_sharing_for_consent

    referrals_end_sharing_for_consent(by=by, consent=consent)
    # ... and a transfer waiting on it (docs/adr/0037).
    from .transfers import transfers_end_for_consent

    transfers_end_for_consent(by=by, consent=consent)
    return consent


@transaction.atomic
def case_reassign(*, by: User, case: Case, to_user: User) -> Case:
    """Give `case` to `to_user`, an active member of its organisation."""
    check_permission(by, Perm.CASE_REASSIGN, case.organisation_id)
    return _reassign(by, case, to_user)


def _reassign(by: User, case: Case, to_user: User) -> Case:
    membership = to_user.membership_or_none
    if (
        membership is None
        or membership.organisation_id != case.organisation_id
        or not to_user.is_active
    ):
        raise ValidationError(
            _("Choose an active caseworker of your organisation."), code="assigned_to"
        )
    if case.assigned_to_id == to_user.pk:
        return case
    Case.objects.filter(pk=case.pk).update(assigned_to=to_user, version=F("version") + 1)
    _timeline(case, TimelineEntry.Kind.REASSIGNED, by, to=to_user.pk)
    audit.record(Action.UPDATE, user=by, obj=case, detail={"assigned_to": to_user.pk})
    case.refresh_from_db()
    return case


@transaction.atomic
def case_reassign_open(*, by: User, from_user: User, to_user: User) -> int:
    """Give every open case of `from_user` (in their organisation) to `to_user`; returns how many.

    Part of a member leaving, so it needs the staff permission rather than the case one.
    """
    organisation_id = from_user.membership.organisation_id
    check_permission(by, Perm.ORG_MANAGE_STAFF, organisation_id)
    if to_user.membership_or_none is None or to_user.membership.organisation_id != organisation_id:
        raise ValidationError(
            _("Choose an active caseworker or manager of the same organisation."),
            code="reassign_to",
        )
    cases = list(
        Case.objects.select_for_update().filter(
            organisation_id=organisation_id, assigned_to=from_user, status__in=OPEN_STATUSES
        )
    )
    for case in cases:
        _reassign(by, case, to_user)
    return len(cases)
