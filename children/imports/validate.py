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
from functools import lru_cache, partial

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.persian import compact
from core.spreadsheets.cells import shown_value
from core.spreadsheets.table import CHUNK_ROWS, Preview, RowError, cleaned_text, open_table
from imports.vocabulary import load_vocabulary

from ..models import Case
from ..models.choices import Documentation
from ..selectors.duplicates import likely_duplicates
from .changes import note_change
from .columns import BY_NAME, CASE_FIELDS, COLUMNS
from .parsing import ParseContext, check_national_id

# Likely duplicates are a fuzzy query per row: checked for the first rows to be created only.
LIKELY_CHECK_LIMIT = 300
LIKELY_CHECK_SECONDS = 2.5  # and for at most this long, so a big file's preview stays quick

_FIELD_COLUMN = {f.name: f.column for f in Case._meta.concrete_fields}
_MAX_LENGTH = {
    f.name: f.max_length  # type: ignore[union-attr]  # the getattr below skips relations
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
    staged: list | None = None  # the row as the loader stages it, built ahead (ChildrenLoader)
    cells: list | tuple | None = None  # the row as read, to show a cell as typed (issue 16)


def validate_children(rows, *, organisation, check_duplicates=True, progress=None, keep_rows=True):
    """Read ``rows`` (lists of cells, the header somewhere in the first rows) into a Preview.

    ``keep_rows=False`` (the dry run) keeps only the counts, the errors and the first new rows
    that the likely-duplicate check looks at, so a large file is never held whole.
    """
    validation = ChildrenValidation(organisation)
    preview = validation.preview
    new_rows = []
    for valid in validation.chunks(rows, progress=progress):
        if keep_rows:
            preview.rows.extend(valid)
        if check_duplicates and len(new_rows) < LIKELY_CHECK_LIMIT:
            new_rows.extend(row for row in valid if row.action == "create")
    if check_duplicates:
        _likely(preview, organisation, new_rows[:LIKELY_CHECK_LIMIT])
    return preview


class ChildrenValidation:
    """A children file checked a chunk of rows at a time: ``chunks`` yields each chunk's valid
    rows with their action decided, and ``preview`` gathers the counts and every error. Rows
    repeated across chunks are found, since the keys seen so far are kept."""

    chunk_rows = CHUNK_ROWS

    def __init__(self, organisation):
        self.organisation = organisation
        self.preview = Preview(tally={"create": 0, "update": 0, "unchanged": 0})
        self.seen_numbers, self.seen_keys = {}, {}
        # Existing cases by natural key, for the compact names looked up so far.
        self.by_key, self.names_fetched = {}, set()
        self.ids_by_number = self.ids_by_name = None
        self.title = None
        self.context, self.positions = None, {}

    def chunks(self, rows, *, progress=None):
        """Yield each chunk's valid rows (the dry run; the import interleaves these steps with
        its writes itself, ``ChildrenKind.import_rows``)."""
        for checked in self.checked_chunks(rows):
            valid = self.decide(checked, self.fetch(checked))
            if progress:
                progress(self.preview.read)
            yield valid
        self.finish()

    def checked_chunks(self, rows):
        """Each chunk's rows that pass the checks of their own cells (no database yet)."""
        today = timezone.localdate()
        self.context = ParseContext.load(load_vocabulary(self.organisation))
        table, chunks = open_table(
            rows,
            COLUMNS,
            context=self.context,
            checks={c.name: _check_value(c, today) for c in COLUMNS},
            chunk_rows=self.chunk_rows,
        )
        preview = self.preview
        preview.header_row = table.header_row
        preview.language = table.language
        preview.present_fields = table.present_fields
        preview.ignored_columns = table.ignored_columns
        preview.file_error = table.file_error
        # The same list: the table adds the example rows it skips as it reads.
        preview.example_rows = table.example_rows
        self.positions = table.positions
        preview.cells_by_title = {table.headers[n]: (p, n) for n, p in table.positions.items()}
        self.title = partial(table.title, COLUMNS)
        for chunk in chunks:
            preview.read += len(chunk)
            yield self._checked(chunk)

    def finish(self):
        self.preview.errors.sort(key=lambda e: e.row)

    def _checked(self, chunk):
        """The chunk's rows that pass the checks across columns, as ChildRows."""
        preview, title = self.preview, self.title
        birth_title = title("birth_date")
        id_position = self.positions.get("id_number")
        parsed = []
        for (number, values, row_errors), (_number, cells) in zip(chunk, chunk.body, strict=True):
            if (
                values.get("birth_date") is None
                and values.get("estimated_age") is None
                and not any(e.column == birth_title for e in row_errors)
            ):
                row_errors.append(
                    RowError(number, birth_title, _("Give the date of birth or an estimated age."))
                )
            documentation = values.get("documentation")
            if documentation is None:
                # No column, an empty cell or a word mapped to "leave empty" (issue 16).
                values["documentation"] = documentation = Documentation.NOT_RECORDED
            if documentation == Documentation.NATIONAL_ID:
                number_text = values.get("id_number")
                if not number_text:
                    row_errors.append(
                        RowError(
                            number,
                            title("id_number"),
                            _("A national ID number is needed for this documentation status."),
                        )
                    )
                elif (problem := _national_id_problem(number_text)) is not None:
                    typed = (
                        cells[id_position]
                        if id_position is not None and id_position < len(cells)
                        else number_text
                    )
                    row_errors.append(
                        RowError(
                            number,
                            title("id_number"),
                            str(problem),
                            shown_value(typed),
                            {"fa": number_text, "en": number_text},
                        )
                    )
            if row_errors:
                preview.reject(number, row_errors)  # invalid, or waiting for a word's meaning
            else:
                parsed.append(ChildRow(number, values, cells=cells))
        return parsed

    def _index(self):
        """The organisation's cases as they were before the import: case number → id and
        compact name → ids. Read once, before anything is written, so no chunk's query has to
        pick its way between the rows the import adds while the table's statistics still
        describe it as it was (a plan chosen for a small table then took minutes)."""
        if self.ids_by_number is None:
            self.ids_by_number, self.ids_by_name = {}, {}
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, case_number, search_compact FROM children_case "
                    "WHERE organisation_id = %s",
                    [self.organisation.pk],
                )
                for pk, number, name in cursor.fetchall():
                    self.ids_by_number[number] = pk
                    self.ids_by_name.setdefault(name, []).append(pk)
        return self.ids_by_number, self.ids_by_name

    def fetch(self, parsed):
        """The existing cases a chunk may name, as fetched rows; ``decide`` reads them.

        One query a chunk, by primary key: the cases named by number, and the cases whose
        compact name appears in the chunk and in no earlier one (matched on the whole natural
        key by ``decide``), fetching only the compared columns. Only cases that existed before
        the file are matched: ones this import has written came from earlier rows, whose repeats
        are found by key.
        """
        ids_by_number, ids_by_name = self._index()
        by_number, by_name = set(), set()
        for row in parsed:
            number = row.values.get("case_number")
            if number:
                if number in ids_by_number:
                    by_number.add(ids_by_number[number])
            else:
                row.key = natural_key(row.values)
                name = row.key[0]
                if name not in self.names_fetched:
                    self.names_fetched.add(name)
                    by_name.update(ids_by_name.get(name, ()))
        if not by_number and not by_name:
            return {}, {}
        found = _existing_cases(list(by_number | by_name))
        return (
            {pk: found[pk] for pk in by_number if pk in found},
            {pk: found[pk] for pk in by_name if pk in found},
        )

    def decide(self, parsed, fetched):
        """Decide create / update / unchanged; refuse other organisations' case numbers (FU-06).
        Returns the chunk's valid rows."""
        preview, title = self.preview, self.title
        found_by_number, found_by_name = fetched
        by_number = {values["case_number"]: values for values in found_by_number.values()}
        by_key = self.by_key
        for pk in sorted(found_by_name):
            by_key.setdefault(natural_key(found_by_name[pk]), found_by_name[pk])
        seen_numbers, seen_keys = self.seen_numbers, self.seen_keys
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
                        _("The same case number is in row %(row)s.")
                        % {"row": seen_numbers[number]},
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
            if row.action == "update":
                note_change(preview, row, case, positions=self.positions, context=self.context)
        valid = [row for row in parsed if row.row not in preview.invalid_rows]
        for row in valid:
            preview.tally[row.action] += 1
        return valid


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


def _existing_cases(ids):
    """{id: {field: value}} of these cases (only the compared columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_EXISTING_COLUMNS)} FROM children_case WHERE id = ANY(%s)",  # noqa: S608
            [ids],
        )
        names = ("id", "case_number", *CASE_FIELDS)
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _same(old, new):
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def _invalid(preview, row, column, reason):
    value, cleaned = _typed_and_cleaned(preview, row, column)
    preview.errors.append(RowError(row.row, column, reason, value, cleaned))
    preview.invalid_rows.add(row.row)


def _typed_and_cleaned(preview, row, column):
    """The cell under ``column`` (a header as written) as typed, and as read (issue 16)."""
    found = preview.cells_by_title.get(column)
    if found is None or row.cells is None:
        return "", None
    position, name = found
    typed = shown_value(row.cells[position]) if position < len(row.cells) else ""
    value = row.values.get(name)
    cleaned = None if value is None else cleaned_text(BY_NAME[name], value)
    return typed, cleaned


def _likely(preview, organisation, new_rows):
    """Possible duplicates of ``new_rows`` (the file's first new rows) among existing cases of
    any organisation, as a warning."""
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
    preview.likely_unchecked = preview.count("create") - checked


__all__ = ["ChildRow", "Preview", "RowError", "datetime", "validate_children"]
