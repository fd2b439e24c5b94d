"""What a row that updates an existing record changes: each field, old → new (issue 16).

The preview lists these so that nobody overwrites a record by accident. Values are kept as the
page shows them in both languages (Jalali dates and choice labels in Persian, their English
forms in English), with the new value as typed in the file beside its cleaned form, so the
preview reads right in whichever language it is opened.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .cells import ParseContext, shown_value
from .table import Cells, Column, cleaned_text


def same_value(old: object, new: object) -> bool:
    """Whether an import would leave a field as it is (an empty cell equals an empty text)."""
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def field_changes(
    *,
    columns: Mapping[str, Column],
    fields: Iterable[str],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    cells: Cells | None,
    positions: Mapping[str, int],
    context: ParseContext | None,
) -> list[dict[str, Any]]:
    """[{"field", "old": {fa, en}, "new": {fa, en}, "typed"}] for each of ``fields`` whose value
    differs between the record (``old``) and the row (``new``)."""
    out = []
    for name in fields:
        before, after = old.get(name), new.get(name)
        if same_value(before, after):
            continue
        column = columns[name]
        position = positions.get(name)
        typed = ""
        if cells is not None and position is not None and position < len(cells):
            typed = shown_value(cells[position])
        out.append(
            {
                "field": name,
                "old": cleaned_text(column, _stored(before), context),
                "new": cleaned_text(column, after, context),
                "typed": typed,
            }
        )
    return out


def _stored(value: object) -> object:
    # An empty text in the database reads as no value, like an empty cell.
    return None if value == "" else value


def change_entry(
    row: int, number: str, name: str, changes: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """One row of the preview's changes: the record (its number and name) and what changes."""
    return {"row": row, "number": number, "name": name, "fields": list(changes)}
