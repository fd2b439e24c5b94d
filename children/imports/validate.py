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
CACHE_LIMIT = 20_000  # distinct values remembered per column
_MISS = object()

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


@dataclass
class ChildRow:
    row: int
    values: dict
    case_id: int | None = None
    action: str = "create"  # create, update, unchanged


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
    positions = list(mapping.items())
    caches = {c.name: {} for c in mapping.values() if c.cache}
    parsed = []
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        if all(is_blank(cell) for cell in row):
            continue
        preview.read += 1
        values, row_errors = {}, []
        for position, column in positions:
            cell = row[position] if position < len(row) else None
            cache = caches.get(column.name)
            result = _MISS if cache is None else cache.get(cell, _MISS)
            if result is _MISS:
                try:
                    result = column.parse(cell, context)
                except ParseError as error:
                    result = error
                if cache is not None and len(cache) < CACHE_LIMIT:
                    cache[cell] = result
            if isinstance(result, ParseError):
                row_errors.append(RowError(number, headers[column.name], str(result)))
                values[column.name] = None
                continue
            values[column.name] = result
            if values[column.name] is None and column.required:
                row_errors.append(
                    RowError(number, headers[column.name], _("This column cannot be empty."))
                )
        failed = {e.column for e in row_errors}
        _check_row(values, number, row_errors, failed, column_title, today)
        if row_errors:
            preview.errors.extend(row_errors)
            preview.invalid_rows.add(number)
        else:
            parsed.append(ChildRow(number, values))
        if progress and preview.read % PROGRESS_EVERY == 0:
            progress(preview.read)
    _match_existing(parsed, preview, organisation, column_title)
    if check_duplicates:
        _likely(preview, organisation)
    preview.errors.sort(key=lambda e: e.row)
    return preview


def _check_row(values, number, errors, failed, title, today):
    def error(name, reason):
        errors.append(RowError(number, title(name), reason))

    birth, age = values.get("birth_date"), values.get("estimated_age")
    if birth is None and age is None and title("birth_date") not in failed:
        error("birth_date", _("Give the date of birth or an estimated age."))
    if birth is not None and birth > today:
        error("birth_date", _("The date of birth is in the future."))
    registered = values.get("registered_on")
    if registered is not None and registered > today:
        error("registered_on", _("The registration date is in the future."))
    number_text = values.get("id_number")
    if values.get("documentation") == "national_id":
        if not number_text:
            error("id_number", _("A national ID number is needed for this documentation status."))
        elif (problem := check_national_id(number_text)) is not None:
            error("id_number", str(problem))
    for name, limit in _MAX_LENGTH.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            error(name, _("Too long: at most %(limit)s characters.") % {"limit": limit})


def natural_key(values):
    """The same child twice: same name, father's name, birth date (or age) and sex."""
    birth = values.get("birth_date") or ("age", values.get("estimated_age"))
    name = f"{values.get('given_name') or ''} {values.get('family_name') or ''}"
    return (compact(name), compact(values.get("father_name") or ""), birth, values.get("sex"))


def _existing_values(case):
    values = {name: getattr(case, name) for name in CASE_FIELDS if name != "province"}
    values["province"] = case.province_id
    return values


def _same(old, new):
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def _match_existing(parsed, preview, organisation, title):
    """Decide create / update / unchanged; refuse other organisations' case numbers (FU-06)."""
    numbers = {row.values["case_number"] for row in parsed if row.values.get("case_number")}
    by_number = {
        case.case_number: case
        for case in Case.objects.filter(case_number__in=numbers, organisation=organisation)
    }
    keys = {
        compact(f"{r.values.get('given_name') or ''} {r.values.get('family_name') or ''}")
        for r in parsed
        if not r.values.get("case_number")
    }
    # One query for every name in the file, as an array parameter (not a 100,000-item IN list);
    # only the columns of the natural key, then whole cases for the few that match.
    key_ids = {}
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, search_compact, search_father, birth_date, estimated_age, sex "
                "FROM children_case WHERE organisation_id = %s AND search_compact = ANY(%s)",
                [organisation.pk, list(keys)],
            )
            for pk, name, father, birth, age, sex in cursor.fetchall():
                key = (name, compact(father), birth or ("age", age), sex)
                key_ids.setdefault(key, pk)
    wanted = {
        row.row: key_ids.get(natural_key(row.values))
        for row in parsed
        if not row.values.get("case_number")
    }
    by_id = Case.objects.in_bulk([pk for pk in wanted.values() if pk])
    by_key = {}
    for key, pk in key_ids.items():
        if pk in by_id:
            by_key[key] = by_id[pk]
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
            key = natural_key(row.values)
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
        row.case_id = case.pk
        old = _existing_values(case)
        row.action = (
            "unchanged"
            if all(_same(old[f], row.values.get(f)) for f in fields if f in old)
            else "update"
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
