"""Families: putting brothers and sisters in one household, registering a sibling, and keeping the
household's situation once for all of them (docs/adr/0016-families-and-households.md).

The Household row is the record of what the family shares (SHARED_FIELDS). Every member's case
holds a copy that these services write in the same transaction, so the case page, the search
keys, exports and imports read a case as before. A change to the household changes every
member's case and bumps each one's version: a household form opened from a sibling's page before
the change then meets a conflict instead of overwriting it (RE-02).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import ActionNotAllowed, Conflict, InvalidState
from core.models import User
from core.permissions import Perm, check_permission

from ..models import SHARED_FIELDS, Case, Household, TimelineEntry
from .cases import _clean_strings, case_register, case_update, refresh_search_fields

Action = audit.Action

# The household section of a case also holds two answers about the child alone.
OWN_FIELDS = ("living_situation", "income_share_percent")
# Written only to the household: no case has a column for it.
HOUSEHOLD_ONLY_FIELDS = ("housing",)


def _blank(value: Any) -> bool:
    return value in (None, "")


def _lock_members(household: Household, *also: int) -> list[Case]:
    """The household's cases (and the cases `also`), locked in id order so that two writers to
    one family never wait on each other in opposite orders."""
    return list(
        Case.objects.select_for_update()
        .filter(pk__in=[*also, *household.cases.values_list("pk", flat=True)])
        .order_by("pk")
    )


def _write_members(
    *,
    by: User,
    household: Household,
    members: Iterable[Case],
    kind: str,
    detail: Mapping[str, Any],
    own: Mapping[int, Mapping[str, Any]] | None = None,
) -> None:
    """Copy the household's shared values onto each member (and `own[case.pk]`, that case's own
    fields); save, bump the version, keep the search keys, and write a timeline line and an audit
    row for each case that changed."""
    shared = household.shared_values()
    for member in members:
        values = {**shared, **((own or {}).get(member.pk, {}))}
        changed = sorted(name for name, value in values.items() if getattr(member, name) != value)
        joined = member.household_id != household.pk
        if not changed and not joined and kind == TimelineEntry.Kind.UPDATED:
            continue
        for name in changed:
            setattr(member, name, values[name])
        member.household = household
        member.version += 1
        refresh_search_fields(member)
        member.save()
        TimelineEntry.objects.create(
            case=member, kind=kind, actor=by, detail={**detail, "fields": changed}
        )
        audit.record(
            Action.UPDATE,
            user=by,
            obj=member,
            detail={**detail, "household": household.pk, "fields": changed},
        )


def _same_organisation(household: Household | None, *cases: Case) -> None:
    organisations = {case.organisation_id for case in cases}
    if household is not None:
        organisations.add(household.organisation_id)
    if len(organisations) != 1:
        # A household is one organisation's: another organisation's child is never put in it.
        raise ActionNotAllowed


@transaction.atomic
def household_add_case(*, by: User, case: Case, sibling: Case) -> Household:
    """Put `sibling` in `case`'s household, creating the household from `case`'s answers when the
    case has none yet. Both cases must be of the same organisation.

    Where the household has no answer and the sibling has one, the household takes the sibling's;
    otherwise the household's answers are copied onto the sibling (the sibling's earlier answers
    stay in the case's row history).
    """
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    _same_organisation(None, case, sibling)
    if case.pk == sibling.pk:
        raise InvalidState(_("A child cannot be their own brother or sister."), code="self")
    locked = {
        c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[case.pk, sibling.pk])
    }
    case, sibling = locked[case.pk], locked[sibling.pk]
    if case.household_id is None:
        household = Household(organisation_id=case.organisation_id, created_by=by)
        for name in SHARED_FIELDS:
            setattr(household, name, getattr(case, name))
        household.save()
        audit.record(Action.CREATE, user=by, obj=household, detail={"from_case": case.pk})
    else:
        household = Household.objects.select_for_update().get(pk=case.household_id)
    if sibling.household_id == household.pk:
        return household
    if sibling.household_id is not None:
        raise InvalidState(
            _("This child is already in another family. Take them out of it first."),
            code="other_household",
        )
    taken = [
        name
        for name in SHARED_FIELDS
        if _blank(getattr(household, name)) and not _blank(getattr(sibling, name))
    ]
    for name in taken:
        setattr(household, name, getattr(sibling, name))
    if taken:
        household.version += 1
        household.save()
    members = _lock_members(household, case.pk, sibling.pk)
    _write_members(
        by=by,
        household=household,
        members=[m for m in members if m.pk == sibling.pk or taken or m.household_id is None],
        kind=TimelineEntry.Kind.FAMILY,
        detail={"family": "joined", "sibling": sibling.pk},
    )
    return household


@transaction.atomic
def sibling_register(
    *,
    by: User,
    case: Case,
    data: Mapping[str, Any],
    consent: Mapping[str, Any],
    assigned_to: User | None = None,
) -> Case:
    """Register a brother or sister of `case` through the registration service, in its household
    (created when the case has none), so the new case starts with the family's guardian and
    household answers."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    sibling = case_register(
        by=by,
        organisation=case.organisation,
        data=data,
        consent=consent,
        assigned_to=assigned_to,
    )
    household_add_case(by=by, case=case, sibling=sibling)
    sibling.refresh_from_db()
    return sibling


@transaction.atomic
def household_remove_case(*, by: User, case: Case) -> None:
    """Take `case` out of its household. The case keeps its copy of the household's answers, now
    its own. A household left without children is deleted."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    # Read from the table, not the caller's copy: the family may have changed since it loaded.
    household_id = Case.objects.filter(pk=case.pk).values_list("household_id", flat=True).get()
    if household_id is None:
        return
    household = Household.objects.select_for_update().get(pk=household_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.household_id != household.pk:
        return
    case.household = None
    case.version += 1
    case.save()
    TimelineEntry.objects.create(
        case=case, kind=TimelineEntry.Kind.FAMILY, actor=by, detail={"family": "left"}
    )
    audit.record(
        Action.UPDATE, user=by, obj=case, detail={"household": household.pk, "family": "left"}
    )
    if not household.cases.exists():
        audit.record(Action.DELETE, user=by, obj=household)
        household.delete()


@transaction.atomic
def household_update(
    *, by: User, household: Household, data: Mapping[str, Any], expected_version: int
) -> Household:
    """Save the household's answers once; every member's case gets the shared ones."""
    check_permission(by, Perm.CASE_EDIT, household.organisation_id)
    current = Household.objects.select_for_update().get(pk=household.pk)
    if current.version != expected_version:
        raise Conflict(current)
    data = _clean_strings(data)
    allowed = (*SHARED_FIELDS, *HOUSEHOLD_ONLY_FIELDS)
    changed = sorted(n for n in allowed if n in data and getattr(current, n) != data[n])
    if not changed:
        return current
    for name in changed:
        setattr(current, name, data[name])
    current.version += 1
    current.save()
    audit.record(Action.UPDATE, user=by, obj=current, detail={"fields": changed})
    _write_members(
        by=by,
        household=current,
        members=_lock_members(current),
        kind=TimelineEntry.Kind.UPDATED,
        detail={"section": "household"},
    )
    return current


@transaction.atomic
def case_section_save(
    *, by: User, case: Case, section: str, data: Mapping[str, Any], expected_version: int
) -> Case:
    """Save one section of a case as its form gave it: the household section through the family
    (docs/adr/0016), any other on the case alone. The page and the API both save this way."""
    if section == "household":
        return case_household_update(by=by, case=case, data=data, expected_version=expected_version)
    return case_update(
        by=by, case=case, data=data, expected_version=expected_version, section=section
    )


def case_household_update(
    *, by: User, case: Case, data: Mapping[str, Any], expected_version: int
) -> Case:
    """Save the household section of a case. For a case in a household the shared answers go to
    the household (and so to every brother and sister); the child's own answers to this case."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    household_id = Case.objects.filter(pk=case.pk).values_list("household_id", flat=True).get()
    if household_id is None:
        return case_update(
            by=by, case=case, data=data, expected_version=expected_version, section="household"
        )
    household = Household.objects.select_for_update().get(pk=household_id)
    members = _lock_members(household, case.pk)
    current = next(m for m in members if m.pk == case.pk)
    if current.version != expected_version or current.household_id != household.pk:
        raise Conflict(current)
    data = _clean_strings(data)
    shared = sorted(n for n in SHARED_FIELDS if n in data and getattr(household, n) != data[n])
    for name in shared:
        setattr(household, name, data[name])
    if shared:
        household.version += 1
        household.save()
        audit.record(Action.UPDATE, user=by, obj=household, detail={"fields": shared})
    own = {name: data[name] for name in OWN_FIELDS if name in data}
    _write_members(
        by=by,
        household=household,
        members=members if shared else [current],
        kind=TimelineEntry.Kind.UPDATED,
        detail={"section": "household"},
        own={case.pk: own},
    )
    current.refresh_from_db()
    return current
