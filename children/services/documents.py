"""A child's documents (add, change, remove, the scan) and document policy changes.

Each write checks the acting user's permission (ADR 0013), runs in one transaction and writes its
audit row and timeline line in it. A scan is checked like every upload (core/uploads.py, FU-01)
and stored through Django's storage; a replaced or removed scan leaves the storage only once the
transaction has committed. docs/adr/0034-documents-and-policy-changes.md tells the rest.
"""

import datetime
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.models import User
from core.national_id import is_valid_national_id, normalize_national_id
from core.permissions import Perm, check_permission
from core.persian import clean_text, to_latin_digits
from core.uploads import SCAN_FORMATS, document_content_type

from ..models import Case, CaseDocument, DocumentPolicyChange, DocumentType, TimelineEntry

if TYPE_CHECKING:
    from django.core.files import File

Action = audit.Action
FIELDS = ("type", "number", "issued_on", "expires_on", "note")


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in FIELDS}
    values["note"] = clean_text(values["note"] or "")
    number = clean_text(to_latin_digits(values["number"] or ""))
    if values["type"] == DocumentType.NATIONAL_CARD and number:
        number = normalize_national_id(number)
        if not is_valid_national_id(number):
            raise ValidationError(
                {"number": _("This national ID's check digit does not match: look again.")}
            )
    values["number"] = number
    issued, expires = values["issued_on"], values["expires_on"]
    if issued and expires and expires < issued:
        raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})
    return values


def _delete_later(storage: Storage, name: str | None) -> None:
    if name:
        transaction.on_commit(partial(_delete_file, storage, name))


def _delete_file(storage: Storage, name: str) -> None:
    if storage.exists(name):
        storage.delete(name)


def _attach_scan(document: CaseDocument, scan: "File[bytes]") -> None:
    """Check the upload and store it under a generated name (upload_to, FU-01); the old scan
    leaves the storage once the transaction commits."""
    document.scan_content_type = document_content_type(scan, SCAN_FORMATS)
    document.scan_name = str(scan.name or "")[-200:]
    old = document.scan.name if document.scan else ""
    document.scan.save(str(scan.name or "scan"), scan, save=False)
    _delete_later(document.scan.storage, old)


def _timeline(case: Case, by: User, event: str, document_pk: int, kind: str) -> None:
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.DOCUMENT,
        actor=by,
        detail={"event": event, "document": document_pk, "type": kind},
    )


@transaction.atomic
def document_add(
    *, by: User, case: Case, data: Mapping[str, Any], scan: "File[bytes] | None" = None
) -> CaseDocument:
    """Record a document of the child, with its scan when one is given."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    document = CaseDocument(case=case, added_by=by, **_clean(data))
    if scan is not None:
        _attach_scan(document, scan)
    document.save()
    _timeline(case, by, "added", document.pk, document.type)
    audit.record(
        Action.UPDATE,
        user=by,
        obj=case,
        detail={"document": document.pk, "event": "document_added", "scan": bool(scan)},
    )
    return document


@transaction.atomic
def document_update(
    *,
    by: User,
    document: CaseDocument,
    data: Mapping[str, Any],
    scan: "File[bytes] | None" = None,
    remove_scan: bool = False,
) -> CaseDocument:
    """Change a document's fields; a new scan replaces the old one, or the scan is removed."""
    check_permission(by, Perm.CASE_EDIT, document.case.organisation_id)
    current = CaseDocument.objects.select_for_update().select_related("case").get(pk=document.pk)
    values = _clean(data)
    changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
    for name in changed:
        setattr(current, name, values[name])
    if scan is not None:
        _attach_scan(current, scan)
        changed.append("scan")
    elif remove_scan and current.scan:
        _delete_later(current.scan.storage, current.scan.name)
        current.scan = ""
        current.scan_name = current.scan_content_type = ""
        changed.append("scan")
    if not changed:
        return current
    current.save()
    _timeline(current.case, by, "changed", current.pk, current.type)
    audit.record(
        Action.UPDATE,
        user=by,
        obj=current.case,
        detail={"document": current.pk, "event": "document_changed", "fields": changed},
    )
    return current


@transaction.atomic
def document_remove(*, by: User, document: CaseDocument) -> None:
    """Remove a document and its scan; the row history keeps what it said (docs/adr/0003)."""
    check_permission(by, Perm.CASE_EDIT, document.case.organisation_id)
    case = document.case
    if document.scan:
        _delete_later(document.scan.storage, document.scan.name)
    pk, kind = document.pk, document.type
    document.delete()
    _timeline(case, by, "removed", pk, kind)
    audit.record(
        Action.UPDATE, user=by, obj=case, detail={"document": pk, "event": "document_removed"}
    )


def documents_anonymise(case_id: int) -> int:
    """Clear the numbers, notes and scans of an anonymised case's documents (RT-01); the types
    and dates stay. Called inside children.services.retention.case_anonymise's transaction."""
    documents = CaseDocument.objects.filter(case_id=case_id)
    for document in documents.exclude(scan=""):
        _delete_later(document.scan.storage, document.scan.name)
    return documents.update(number="", note="", scan="", scan_name="", scan_content_type="")


# What anonymising clears in the documents' row history too (children/services/retention.py).
DOCUMENT_HISTORY_CLEARED = ("number", "note", "scan", "scan_name")


@transaction.atomic
def document_policy_record(
    *, by: User, type: str, invalid_from: datetime.date, note: str
) -> DocumentPolicyChange:
    """Record that documents of `type` stop being valid from `invalid_from`: an administrator's
    or a ministry officer's act. Managers then see their affected open cases."""
    check_permission(by, Perm.DOCUMENT_POLICY_RECORD)
    note = clean_text(note, multiline=True)
    if not note:
        raise ValidationError({"note": _("Say what changed and where it was announced.")})
    change = DocumentPolicyChange.objects.create(
        type=type, invalid_from=invalid_from, note=note, recorded_by=by
    )
    audit.record(
        Action.CREATE,
        user=by,
        obj=change,
        detail={"type": type, "invalid_from": invalid_from.isoformat()},
    )
    return change
