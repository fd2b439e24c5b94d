"""Every row of a children file → typed rows and row errors, before anything is written.

Errors are ``(row number, column header as written in the file, reason)`` in the user's
language, so the preview and the error report point at the cell to fix. A file with any invalid
row imports nothing (FU-05). Rows naming a case number that is not one of the chosen
organisation's cases are refused, with the same words whether the number exists elsewhere or not
(FU-06: no probing other organisations' numbers).
"""

import datetime
import time
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.persian import compact

from ..models import Case
from ..selectors.duplicates import likely_duplicates
from .columns import CASE_FIELDS, COLUMNS
from .parsing import ParseContext, ParseError, check_national_id, is_blank, word_key

HEADER_SEARCH_ROWS = 20
# Likely duplicates are a fuzzy query per row: checked for the first rows to be created only.
LIKELY_CHECK_LIMIT = 300
LIKELY_CHECK_SECONDS = 5.0  # and for at most this long, so a big file's preview stays quick
PROGRESS_EVERY = 5000

_FIELD_COLUMN = {f.name: f.column for f in Case._meta.concrete_fields}
_MAX_LENGTH = {
    f.name: f.max_length
    for f in Case._meta.get_fields()
    if getattr(f, "max_length", None) and f.name in CASE_FIELDS
}
_HEADER_KEYS = {}
for _column in COLUMNS:
    for _word in (_column.fa, _column.en, _column.name):
        _HEADER_KEYS[word_key(_word)] = _column


def header_key(text):
    text = str(text or "").replace("*", "")
    text = text.split("(")[0]
    return word_key(text)


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(slots=True)
class ChildRow:
    row: int
    values: dict
    case_id: int | None = None
    action: str = "create"  # create, update, unchanged
    key: tuple | None = None  # natural_key(values) of a row without a case number


@dataclass
class Preview:
    read: int = 0
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    invalid_rows: set = field(default_factory=set)
    header_row: int = 0
    language: str = "fa"
    present_fields: tuple = ()
    ignored_columns: list = field(default_factory=list)
    file_error: str = ""
    in_file_duplicates: list = field(default_factory=list)
    likely_duplicates: list = field(default_factory=list)
    likely_unchecked: int = 0

    @property
    def ok(self):
        return not self.file_error and not self.errors

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    def counts(self):
        return {
            "read": self.read,
            "valid": self.read - len(self.invalid_rows),
            "invalid": len(self.invalid_rows),
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
        }


def find_header(rows):
    """(index, {cell index: column}) of the first row naming at least two template columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = {}
        for position, cell in enumerate(row):
            column = _HEADER_KEYS.get(header_key(cell))
            if column is not None and column not in mapping.values():
                mapping[position] = column
        if len(mapping) >= 2:
            return index, mapping
    return None, {}


def is_blank_row(row):
    return all(is_blank(cell) for cell in row)


def parse_column(column, body, position, context, check=None):
    """([typed value], [reason or None]) of one column over ``body`` = [(row number, cells)].

    Each distinct cell is parsed once. Cells are keyed with their type so that ``1``, ``1.0``
    and ``True`` (equal in a dict) are not taken for one another.
    """
    memo = {}
    values, reasons = [], []
    required = column.required
    parse = column.parse
    for _number, row in body:
        cell = row[position] if position < len(row) else None
        key = cell if cell.__class__ is str else (cell.__class__, cell)
        hit = memo.get(key)
        if hit is None:
            try:
                value = parse(cell, context)
            except ParseError as error:
                hit = (None, str(error))
            else:
                if value is None and required:
                    hit = (None, _("This column cannot be empty."))
                else:
                    hit = (value, check(value) if check else None)
            memo[key] = hit
        values.append(hit[0])
        reasons.append(hit[1])
    return values, reasons


def validate_children(rows, *, organisation, check_duplicates=True, progress=None):
    """Read ``rows`` (lists of cells, the header somewhere in the first rows) into a Preview."""
    rows = list(rows)
    preview = Preview()
    index, mapping = find_header(rows)
    if index is None:
        preview.file_error = _(
            "No header row found. The first row must name the columns, as in the template."
        )
        return preview
    header = rows[index]
    preview.header_row = index + 1
    persian = sum(1 for p, c in mapping.items() if word_key(header[p]) == word_key(c.fa))
    preview.language = "fa" if persian * 2 >= len(mapping) else "en"
    preview.present_fields = tuple(c.name for c in mapping.values())
    preview.ignored_columns = [
        str(cell) for p, cell in enumerate(header) if p not in mapping and not is_blank(cell)
    ]
    missing = [c for c in COLUMNS if c.required and c not in mapping.values()]
    if missing:
        preview.file_error = _("Columns missing from the file: %(columns)s") % {
            "columns": "، ".join(c.header(preview.language) for c in missing)
        }
        return preview
    headers = {c.name: str(header[p]) for p, c in mapping.items()}

    def column_title(name):
        return headers.get(name) or next(c for c in COLUMNS if c.name == name).header(
            preview.language
        )

    context = ParseContext.load()
    today = timezone.localdate()
    body = [
        (number, row)
        for number, row in enumerate(rows[index + 1 :], start=index + 2)
        if not is_blank_row(row)
    ]
    preview.read = len(body)
    names = [c.name for c in mapping.values()]
    titles = [headers[name] for name in names]
    # Column by column: each distinct cell of a column is parsed and checked once (provinces,
    # dates and words repeat down a file), and the per-row work is a few C-level zips.
    value_columns, reason_columns = [], []
    for position, column in mapping.items():
        values, reasons = parse_column(column, body, position, context, _check_value(column, today))
        value_columns.append(values)
        reason_columns.append(reasons)
    birth_title, documentation_is_id = headers.get("birth_date"), "national_id"
    parsed = []
    by_row = zip(
        body, zip(*value_columns, strict=True), zip(*reason_columns, strict=True), strict=True
    )
    for count, ((number, _row), row_values, row_reasons) in enumerate(by_row, start=1):
        values = dict(zip(names, row_values, strict=True))
        row_errors = (
            [RowError(number, t, r) for t, r in zip(titles, row_reasons, strict=True) if r]
            if any(row_reasons)
            else []
        )
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
