"""Every row of a children file → typed rows and row errors, before anything is written.

Errors are ``(row number, column header as written in the file, reason)`` in the user's
language, so the preview and the error report point at the cell to fix. A file with any invalid
row imports nothing (FU-05). Rows naming a case number that is not one of the chosen
organisation's cases are refused, with the same words whether the number exists elsewhere or not
(FU-06: no probing other organisations' numbers).
"""

import datetime
import time
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.persian import compact
from core.spreadsheets.table import Preview, RowError, read_table

from ..models import Case
from ..selectors.duplicates import likely_duplicates
from .columns import CASE_FIELDS, COLUMNS
from .parsing import ParseContext, check_national_id

# Likely duplicates are a fuzzy query per row: checked for the first rows to be created only.
LIKELY_CHECK_LIMIT = 300
LIKELY_CHECK_SECONDS = 2.5  # and for at most this long, so a big file's preview stays quick
PROGRESS_EVERY = 5000

_FIELD_COLUMN = {f.name: f.column for f in Case._meta.concrete_fields}
_MAX_LENGTH = {
    f.name: f.max_length
    for f in Case._meta.get_fields()
    if getattr(f, "max_length", None) and f.name in CASE_FIELDS
}


@dataclass(slots=True)
class ChildRow:
    row: int
    values: dict
    case_id: int | None = None
    action: str = "create"  # create, update, unchanged
    key: tuple | None = None  # natural_key(values) of a row without a case number


def validate_children(rows, *, organisation, check_duplicates=True, progress=None):
    """Read ``rows`` (lists of cells, the header somewhere in the first rows) into a Preview."""
    today = timezone.localdate()
    table = read_table(
        rows,
        COLUMNS,
        context=ParseContext.load(),
        checks={c.name: _check_value(c, today) for c in COLUMNS},
    )
    preview = Preview(
        read=len(table.rows),
        header_row=table.header_row,
        language=table.language,
        present_fields=table.present_fields,
        ignored_columns=table.ignored_columns,
        file_error=table.file_error,
    )
    if table.file_error:
        return preview

    def column_title(name):
        return table.title(COLUMNS, name)

    birth_title, documentation_is_id = table.headers.get("birth_date"), "national_id"
    parsed = []
    for count, (number, values, row_errors) in enumerate(table.rows, start=1):
        if (
            values.get("birth_date") is None
            and values.get("estimated_age") is None
            and not any(e.column == birth_title for e in row_errors)
        ):
            row_errors.append(
                RowError(
                    number,
                    column_title("birth_date"),
                    _("Give the date of birth or an estimated age."),
                )
            )
        if values.get("documentation") == documentation_is_id:
            number_text = values.get("id_number")
            if not number_text:
                row_errors.append(
                    RowError(
                        number,
                        column_title("id_number"),
                        _("A national ID number is needed for this documentation status."),
                    )
                )
            elif (problem := _national_id_problem(number_text)) is not None:
                row_errors.append(RowError(number, column_title("id_number"), str(problem)))
        if row_errors:
            preview.errors.extend(row_errors)
            preview.invalid_rows.add(number)
        else:
            parsed.append(ChildRow(number, values))
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    _match_existing(parsed, preview, organisation, column_title)
    if check_duplicates:
        _likely(preview, organisation)
    preview.errors.sort(key=lambda e: e.row)
    return preview


def _check_value(column, today):
    """The checks of one typed value that need no other column, or None."""
    limit = _MAX_LENGTH.get(column.name)
    future = {
        "birth_date": _("The date of birth is in the future."),
        "registered_on": _("The registration date is in the future."),
    }.get(column.name)

    def check(value):
        if limit and isinstance(value, str) and len(value) > limit:
            return _("Too long: at most %(limit)s characters.") % {"limit": limit}
        if future and value is not None and value > today:
            return future
        return None

    return check


@lru_cache(maxsize=65536)
def _national_id_problem(number):
    return check_national_id(number)


def natural_key(values):
    """The same child twice: same name, father's name, birth date (or age) and sex."""
    birth = values.get("birth_date") or ("age", values.get("estimated_age"))
    name = f"{values.get('given_name') or ''} {values.get('family_name') or ''}"
    return (_compact(name), _compact(values.get("father_name") or ""), birth, values.get("sex"))


# Names and fathers' names repeat in a file and are keyed twice (in the file, against the
# database): compute each key once.
_compact = lru_cache(maxsize=65536)(compact)

# What an existing case is compared with: the file's fields, by database column.
_EXISTING_COLUMNS = ("id", "case_number", *(_FIELD_COLUMN[name] for name in CASE_FIELDS))


def _existing_cases(where, params):
    """{id: {field: value}} of the cases matching ``where`` (only the compared columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_EXISTING_COLUMNS)} FROM children_case WHERE {where}",  # noqa: S608
            params,
        )
        names = ("id", "case_number", *CASE_FIELDS)
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _same(old, new):
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def _match_existing(parsed, preview, organisation, title):
    """Decide create / update / unchanged; refuse other organisations' case numbers (FU-06).

    Two queries whatever the file's size: the cases named by number, and the cases whose
    compact name appears in the file (then matched on the whole natural key), each as an array
    parameter rather than a 100,000-item IN list, fetching only the compared columns.
    """
    numbered, keyed = [], []
    for row in parsed:
        if row.values.get("case_number"):
            numbered.append(row)
        else:
            row.key = natural_key(row.values)
            keyed.append(row)
    by_number = {}
    if numbered:
        found = _existing_cases(
            "organisation_id = %s AND case_number = ANY(%s)",
            [organisation.pk, list({row.values["case_number"] for row in numbered})],
        )
        by_number = {values["case_number"]: values for values in found.values()}
    by_key = {}
    if keyed:
        found = _existing_cases(
            "organisation_id = %s AND search_compact = ANY(%s)",
            [organisation.pk, list({row.key[0] for row in keyed})],
        )
        for pk in sorted(found):
            by_key.setdefault(natural_key(found[pk]), found[pk])
    seen_numbers, seen_keys = {}, {}
    fields = [f for f in preview.present_fields if f != "case_number"]
    for row in parsed:
        number = row.values.get("case_number")
        case = None
        if number:
            case = by_number.get(number)
            if case is None:
                _invalid(
                    preview,
                    row,
                    title("case_number"),
                    _("This organisation has no case with this number."),
                )
                continue
            if number in seen_numbers:
                _invalid(
                    preview,
                    row,
                    title("case_number"),
                    _("The same case number is in row %(row)s.") % {"row": seen_numbers[number]},
                )
                continue
            seen_numbers[number] = row.row
        else:
            key = row.key
            if key in seen_keys:
                preview.in_file_duplicates.append({"row": row.row, "same_as": seen_keys[key]})
                _invalid(
                    preview,
                    row,
                    title("given_name"),
                    _("The same child is in row %(row)s.") % {"row": seen_keys[key]},
                )
                continue
            seen_keys[key] = row.row
            case = by_key.get(key)
        if case is None:
            row.action = "create"
            continue
        row.case_id = case["id"]
        row.action = (
            "unchanged" if all(_same(case[f], row.values.get(f)) for f in fields) else "update"
        )
    preview.rows = [row for row in parsed if row.row not in preview.invalid_rows]


def _invalid(preview, row, column, reason):
    preview.errors.append(RowError(row.row, column, reason))
    preview.invalid_rows.add(row.row)


def _likely(preview, organisation):
    """Possible duplicates of new rows among existing cases (any organisation), as a warning."""
    new_rows = [row for row in preview.rows if row.action == "create"]
    started = time.monotonic()
    checked = 0
    for row in new_rows[:LIKELY_CHECK_LIMIT]:
        if time.monotonic() - started > LIKELY_CHECK_SECONDS:
            break
        checked += 1
        candidates = likely_duplicates(row.values)
        if not candidates:
            continue
        own = [c.case.case_number for c in candidates if c.case.organisation_id == organisation.pk]
        elsewhere = sorted(
            {
                c.case.organisation.name
                for c in candidates
                if c.case.organisation_id != organisation.pk
            }
        )
        preview.likely_duplicates.append({"row": row.row, "own": own, "elsewhere": elsewhere})
    preview.likely_unchecked = len(new_rows) - checked


def default_registered_on(values):
    return values.get("registered_on") or timezone.localdate()


__all__ = ["ChildRow", "Preview", "RowError", "datetime", "validate_children"]
