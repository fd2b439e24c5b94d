"""Apply one item of a phone's outbox, through the pages' own forms and services (RE-08).

An item is what a page's form would have posted, made on the phone while offline:

    {"client_id": "<uuid made on the phone>", "kind": "note", "case": 12, "base_version": 3,
     "data": {"body": "..."}}

Each item is validated by the form of the page it stands for and written by the same service, so
the audit rows, the timeline and the duplicate check are the pages'. The answer is one of:

- ``created``: applied now; the phone's id is kept so a retry creates nothing;
- ``already_received``: this id was applied before (a retry after a lost answer);
- ``conflict``: based on an older version of the case, or on a follow-up that has an outcome by
  now; nothing is overwritten and both values come back;
- ``needs_decision``: a registration with likely duplicates, waiting for the caseworker (another
  organisation's match is given by that organisation's name only);
- ``refused``: the errors by field (a case outside the caller's scope is refused the way a
  missing one is, like the pages' 404).
"""

import copy
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import Conflict, InvalidState
from core.models import User
from core.permissions import Perm

from .. import services
from ..access import get_case_for_user
from ..forms import (
    SECTIONS,
    EncounterForm,
    FollowUpOutcomeForm,
    NoteForm,
    RegistrationForm,
    section_form,
)
from ..models import Case
from ..presenters import display_value
from ..selectors.cases import cases_visible_to
from ..selectors.duplicates import likely_duplicates
from .models import SyncItem

CREATED = "created"
ALREADY_RECEIVED = "already_received"
CONFLICT = "conflict"
NEEDS_DECISION = "needs_decision"
REFUSED = "refused"

# Sections the phone may change, each with the fields it may send (the rest are read from the
# case as saved): what the phone keeps, nothing more (docs/adr/0032).
SECTION_FIELDS = {"identity": ("given_name", "family_name", "father_name")}


class Refused(Exception):
    """The item cannot be applied as it is; `errors` maps fields to sentences."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = dict(errors)


class NeedsDecision(Exception):
    def __init__(self, duplicates: dict[str, Any]) -> None:
        super().__init__(duplicates)
        self.duplicates = duplicates


class StaleItem(Exception):
    def __init__(self, differences: list[dict[str, str]], current_version: int | None) -> None:
        super().__init__(differences)
        self.differences = differences
        self.current_version = current_version


def _valid(form: Any) -> bool:
    """`form.is_valid()`, taking one value where the page would post a list of one (a client
    that sends JSON need not know which fields are lists)."""
    for name, field in form.fields.items():
        value = form.data.get(name)
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and (
            isinstance(value, str | int)
        ):
            form.data[name] = [value]
    return bool(form.is_valid())


def _errors(form: Any) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def _refuse(field: str, message: str) -> Refused:
    return Refused({field: [message]})


def _case(user: User, item: Mapping[str, Any], perm: Perm) -> Case:
    """The item's case through the pages' access helper: another organisation's case and a
    missing one are refused alike, and the attempt is audited (AC-01)."""
    try:
        case: Case = get_case_for_user(user, item.get("case"), action=None, perm=perm)
    except (Http404, PermissionDenied):
        raise _refuse("case", _("This case does not exist or is not yours to change.")) from None
    return case


def _required(case: Case | None) -> Case:
    """The case of a kind that needs one (CASE_PERM); `_item_case` has loaded it already."""
    if case is None:
        raise _refuse("case", _("This case does not exist or is not yours to change."))
    return case


def _encounter(user: User, item: Mapping[str, Any], case: Case | None) -> tuple[str, Any]:
    data = dict(item["data"])
    if case is not None:
        data["cases"] = [str(case.pk)]
    organisation = user.membership.organisation
    form = EncounterForm(data, cases=cases_visible_to(user), organisation=organisation)
    if not _valid(form):
        raise Refused(_errors(form))
    encounter = services.encounter_log(
        by=user,
        organisation=organisation,
        data=form.encounter_data(),
        cases=form.cleaned_data["cases"],
        anonymous=form.anonymous_counts(),
    )
    return "children.encounter", encounter


def _registration(user: User, item: Mapping[str, Any], case: Case | None) -> tuple[str, Any]:
    organisation = user.membership.organisation
    data = dict(item["data"])
    data.setdefault("assigned_to", str(user.pk))
    form = RegistrationForm(data, organisation=organisation, user=user)
    if not _valid(form):
        raise Refused(_errors(form))
    # The pages' duplicate check, with the pages' rule for what another organisation's match
    # may show: its organisation's name, nothing about the child (AC-01).
    duplicates = likely_duplicates(form.case_data())
    if duplicates and not form.cleaned_data["confirm_not_duplicate"]:
        own = [
            {
                "case": c.case.pk,
                "case_number": c.case.case_number,
                "name": f"{c.case.given_name} {c.case.family_name}".strip(),
                "father_name": c.case.father_name,
            }
            for c in duplicates
            if c.case.organisation_id == organisation.pk
        ]
        elsewhere = sorted(
            {
                str(c.case.organisation)
                for c in duplicates
                if c.case.organisation_id != organisation.pk
            }
        )
        raise NeedsDecision({"own": own, "elsewhere": elsewhere})
    case = services.case_register(
        by=user,
        organisation=organisation,
        data=form.case_data(),
        consent=form.consent_data(),
        assigned_to=form.cleaned_data["assigned_to"],
    )
    return "children.case", case


def _note(user: User, item: Mapping[str, Any], case: Case | None) -> tuple[str, Any]:
    case = _required(case)
    form = NoteForm(item["data"])
    if not _valid(form):
        raise Refused(_errors(form))
    note = services.case_add_note(by=user, case=case, body=form.cleaned_data["body"])
    return "children.casenote", note


def _followup_outcome(user: User, item: Mapping[str, Any], case: Case | None) -> tuple[str, Any]:
    case = _required(case)
    data = item["data"]
    followup = case.follow_ups.filter(pk=_integer(data.get("followup")) or 0).first()
    if followup is None:
        raise _refuse("followup", _("This follow-up does not exist."))
    form = FollowUpOutcomeForm(data)
    if not _valid(form):
        raise Refused(_errors(form))
    try:
        services.followup_record(
            by=user,
            followup=followup,
            done=form.cleaned_data["result"] == "done",
            outcome=form.cleaned_data["outcome"],
        )
    except InvalidState:
        # Someone recorded an outcome first: theirs stays, the phone's comes back beside it.
        followup.refresh_from_db()
        raise StaleItem(
            [
                {
                    "field": "outcome",
                    "label": str(form["outcome"].label),
                    "saved": followup.outcome,
                    "yours": form.cleaned_data["outcome"],
                }
            ],
            None,
        ) from None
    return "children.followup", followup


def _section_update(user: User, item: Mapping[str, Any], case: Case | None) -> tuple[str, Any]:
    case = _required(case)
    data = dict(item["data"])
    section = str(data.pop("section", ""))
    allowed = SECTION_FIELDS.get(section)
    if allowed is None or section not in SECTIONS:
        raise _refuse("section", _("This part of the case cannot be changed offline."))
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise _refuse(unknown[0], _("This field cannot be changed offline."))
    # The fields the phone does not keep are read from the case as saved, so the section's form
    # checks the whole section as the page would.
    saved = section_form(section, instance=case)
    merged: dict[str, Any] = {name: saved[name].value() for name in saved.fields}
    merged.update(data)
    merged["version"] = item.get("base_version")
    form = section_form(section, merged, instance=copy.copy(case))
    if not _valid(form):
        raise Refused(_errors(form))
    try:
        current = services.case_update(
            by=user,
            case=case,
            data={name: form.cleaned_data[name] for name in data},
            expected_version=form.cleaned_data["version"],
            section=section,
        )
    except Conflict as conflict:
        saved_case = conflict.current
        mine = copy.copy(saved_case)
        for name in data:
            setattr(mine, name, form.cleaned_data[name])
        differences = [
            {
                "field": name,
                "label": str(form[name].label),
                "saved": display_value(saved_case, name),
                "yours": display_value(mine, name),
            }
            for name in data
            if getattr(saved_case, name) != form.cleaned_data[name]
        ]
        raise StaleItem(differences, saved_case.version) from None
    return "children.case", current


APPLY: dict[str, Callable[[User, Mapping[str, Any], Case | None], tuple[str, Any]]] = {
    SyncItem.Kind.ENCOUNTER: _encounter,
    SyncItem.Kind.REGISTRATION: _registration,
    SyncItem.Kind.NOTE: _note,
    SyncItem.Kind.FOLLOWUP_OUTCOME: _followup_outcome,
    SyncItem.Kind.SECTION_UPDATE: _section_update,
}


# The permission each kind needs on the item's case; None: the kind needs no case (an encounter
# may name one, checked with the outreach permission).
CASE_PERM: dict[str, Perm | None] = {
    SyncItem.Kind.ENCOUNTER: None,
    SyncItem.Kind.REGISTRATION: None,
    SyncItem.Kind.NOTE: Perm.CASE_EDIT,
    SyncItem.Kind.FOLLOWUP_OUTCOME: Perm.FOLLOWUP_MANAGE,
    SyncItem.Kind.SECTION_UPDATE: Perm.CASE_EDIT,
}


def _item_case(user: User, item: Mapping[str, Any], kind: str) -> Case | None:
    perm = CASE_PERM[kind]
    if kind == SyncItem.Kind.REGISTRATION or (perm is None and not item.get("case")):
        return None
    return _case(user, item, perm or Perm.OUTREACH_LOG)


def _integer(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _link(object_type: str, object_id: str) -> str:
    if object_type == "children.case":
        return reverse("children:case_detail", args=[object_id])
    if object_type == "children.encounter":
        return reverse("children:encounter_detail", args=[object_id])
    return ""


def _received(item: SyncItem) -> dict[str, Any]:
    return {
        "status": ALREADY_RECEIVED,
        "object": {
            "type": item.object_type,
            "id": item.object_id,
            "url": _link(item.object_type, item.object_id),
        },
    }


def _check_shape(item: Any) -> tuple[uuid.UUID, str]:
    if not isinstance(item, Mapping):
        raise _refuse("item", _("Each item must be an object."))
    try:
        client_id = uuid.UUID(str(item.get("client_id")))
    except ValueError:
        raise _refuse("client_id", _("The item has no valid id.")) from None
    kind = item.get("kind")
    if kind not in APPLY:
        raise _refuse("kind", _("This kind of item is not known."))
    if not isinstance(item.get("data"), Mapping):
        raise _refuse("data", _("The item has no data."))
    return client_id, str(kind)


def sync_item_apply(*, by: User, item: Any) -> dict[str, Any]:
    """Apply one outbox item once and say what became of it (see the module's docstring).

    The write and the row that remembers the phone's id are one transaction: either both exist
    or neither. Two copies of an item racing meet at the unique constraint, and the second one
    is answered as already received.
    """
    answer: dict[str, Any] = {
        "client_id": str(item.get("client_id", "")) if isinstance(item, Mapping) else ""
    }
    try:
        client_id, kind = _check_shape(item)
        done = SyncItem.objects.filter(user=by, client_id=client_id).first()
        if done is not None:
            return answer | _received(done)
        # Outside the transaction: a refused look-up's audit row stays (AC-01).
        case = _item_case(by, item, kind)
        try:
            with transaction.atomic():
                object_type, obj = APPLY[kind](by, item, case)
                SyncItem.objects.create(
                    user=by,
                    client_id=client_id,
                    kind=kind,
                    object_type=object_type,
                    object_id=str(obj.pk),
                )
        except IntegrityError:
            done = SyncItem.objects.filter(user=by, client_id=client_id).first()
            if done is None:
                raise
            return answer | _received(done)
    except Refused as refused:
        return answer | {"status": REFUSED, "errors": refused.errors}
    except ValidationError as error:
        return answer | {"status": REFUSED, "errors": _validation_errors(error)}
    except PermissionDenied:
        return answer | {
            "status": REFUSED,
            "errors": {"__all__": [_("You may not do this.")]},
        }
    except NeedsDecision as waiting:
        return answer | {"status": NEEDS_DECISION, "duplicates": waiting.duplicates}
    except StaleItem as stale:
        return answer | {
            "status": CONFLICT,
            "conflict": stale.differences,
            "current_version": stale.current_version,
        }
    return answer | {
        "status": CREATED,
        "object": {"type": object_type, "id": str(obj.pk), "url": _link(object_type, obj.pk)},
    }


def _validation_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(msgs).messages]
            for field, msgs in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}
