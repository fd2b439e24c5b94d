"""The children preview's changes: a row that updates an existing case names the case (case
number and name) and each field that changes, old → new (issue 16), so nobody overwrites a
record by accident. ``ChildrenValidation.decide`` calls ``note_change`` for each row it decides
to be an update; the comparison itself is ``core.spreadsheets.changes``.
"""

from core.spreadsheets.changes import change_entry, field_changes

from .columns import BY_NAME


def note_change(preview, row, case, *, positions, context):
    """Add ``row``'s changes to ``case`` (the compared columns, as ``_existing_cases`` reads
    them) to ``preview.changes``, while fewer than ``preview.changes_kept`` are listed."""
    kept = preview.changes_kept
    if kept is not None and len(preview.changes) >= kept:
        return
    fields = [f for f in preview.present_fields if f != "case_number"]
    changes = field_changes(
        columns=BY_NAME,
        fields=fields,
        old=case,
        new=row.values,
        cells=row.cells,
        positions=positions,
        context=context,
    )
    name = " ".join(part for part in (case.get("given_name"), case.get("family_name")) if part)
    preview.changes.append(change_entry(row.row, case["case_number"], name, changes))
