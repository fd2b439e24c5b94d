"""Every row of a children file → typed rows and row errors, before anything is written.

Errors are ``(row number, column header as written in the file, reason)`` in the user's
language, so the preview and the error report point at the cell to fix. A file with any invalid
row imports nothing (FU-05). Rows naming a case number that is not one of the chosen
organisation's cases are refused, with the same words whether the number exists elsewhere or not
(FU-06: no probing other organisations' numbers).
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache, partial

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.persian import compact, phonetic_key
from core.spreadsheets.cells import shown_value
from core.spreadsheets.table import CHUNK_ROWS, Preview, RowError, cleaned_text, open_table
from imports.vocabulary import load_vocabulary

from ..models import Case
from ..models.choices import Documentation
from .changes import note_change
from .columns import BY_NAME, CASE_FIELDS, COLUMNS
from .load import STAGED
from .parsing import ParseContext, check_national_id
from .twins import TwinIndex

# Likely duplicates listed in the job's summary with their details; every one is counted.
LIKELY_LISTED = 1000
# Own cases named for one row: enough to find them, not a list of a common name's cases.
LIKELY_OWN_NUMBERS = 5

_CASE_NUMBER_AT = STAGED.index("case_number")
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
    twin: object = None  # the row's entry in the TwinIndex (rows without a case number)


def validate_children(rows, *, organisation, check_duplicates=True, progress=None, keep_rows=True):
    """Read ``rows`` (lists of cells, the header somewhere in the first rows) into a Preview.

    ``keep_rows=False`` (the dry run) keeps only the counts and the errors, so a large file is
    never held whole. ``check_duplicates``: list the new rows that may be children registered
    already, every one of them (``LikelyCheck``).
    """
    validation = ChildrenValidation(organisation)
    preview = validation.preview
    likely = LikelyCheck(preview, organisation) if check_duplicates else None
    for valid in validation.chunks(rows, progress=progress):
        if keep_rows:
            preview.rows.extend(valid)
        if likely is not None:
            likely.add(valid)
    if likely is not None:
        likely.finish()
        # A row with twins stands for its group: an answer on it holds for them all.
        twins = {group["rows"][0]: group["rows"][1:] for group in preview.in_file_groups}
        for item in preview.likely_duplicates:
            item["with"] = twins.get(item["row"], [])
    return preview


class ChildrenValidation:
    """A children file checked a chunk of rows at a time: ``chunks`` yields each chunk's valid
    rows with their action decided, and ``preview`` gathers the counts and every error. Rows
    repeated across chunks are found, since the keys seen so far are kept."""

    chunk_rows = CHUNK_ROWS

    def __init__(self, organisation, *, skip_rows=frozenset()):
        self.organisation = organisation
        self.preview = Preview(
            tally={"create": 0, "update": 0, "unchanged": 0, "merge": 0, "skip": 0}
        )
        self.seen_numbers = {}
        # Rows the administrator chose not to import (possibly registered already, ADR 0019).
        self.skip_rows = skip_rows
        self.twins = TwinIndex(timezone.localdate())
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
        self.preview.in_file_groups = self.twins.summary()

    def written(self, rows):
        """After the loader has staged ``rows``: the cases their twins are added to."""
        for row in rows:
            if row.twin is not None:
                case_number = row.staged[_CASE_NUMBER_AT] if row.action == "create" else None
                self.twins.written(row.twin, case_id=row.case_id, case_number=case_number)

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
        """Decide create / update / unchanged, or merge (a twin of an earlier row, ADR 0019) and
        skip (the administrator's choice); refuse other organisations' case numbers (FU-06).
        Returns the chunk's valid rows that are written: not the merged and skipped ones."""
        preview, title = self.preview, self.title
        found_by_number, found_by_name = fetched
        by_number = {values["case_number"]: values for values in found_by_number.values()}
        by_key = self.by_key
        for pk in sorted(found_by_name):
            by_key.setdefault(natural_key(found_by_name[pk]), found_by_name[pk])
        seen_numbers, twins, skip_rows = self.seen_numbers, self.twins, self.skip_rows
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
                entry, group = twins.place(row.values, row.row)
                if group is not None:
                    # Written once, with the group's first row (twins.py).
                    row.action = entry.action = "skip" if group.first.action == "skip" else "merge"
                    continue
                row.twin = entry
                case = by_key.get(row.key)
            if case is None:
                row.action = "skip" if row.row in skip_rows else "create"
            else:
                row.case_id = case["id"]
                same = all(_same(case[f], row.values.get(f)) for f in fields)
                row.action = "unchanged" if same else "update"
                if row.action == "update":
                    note_change(preview, row, case, positions=self.positions, context=self.context)
            if row.twin is not None:
                row.twin.action = row.action
                row.twin.case_id = row.case_id
        valid = []
        for row in parsed:
            if row.row not in preview.invalid_rows:
                preview.tally[row.action] += 1
                if row.action not in ("merge", "skip"):
                    valid.append(row)
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


# The rows of a file checked by one query. The query reads the case table once, however many
# rows it checks, so the dry run gathers the chunks' new rows and checks them in a few batches.
LIKELY_BATCH_ROWS = 50_000
# One hash join on the sound of the name, sex and the father's key: a row that names a father
# is probed with its father's key and with "" for cases whose father is unknown; a row without a
# father's name is matched on the name and sex alone. Birth years are compared in the join's
# filter (few cases share a name and a father). Comparing fathers in the filter instead paired a
# common name with millions of cases of other fathers. The probes are made here, not in Python:
# sending twice the rows costs more than the join. One row comes back per row of the file, with
# what was found grouped (a common name finds many cases: 100,000 rows gave 640,000 pairs, held
# in the worker's memory until the end).
_LIKELY_SQL = """
    WITH k AS (
        SELECT k.row_no, k.phonetic, k.sex, k.father AS row_father, f.father, k.birth_year
        FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::int[])
            AS k(row_no, phonetic, sex, father, birth_year)
        CROSS JOIN LATERAL (VALUES (k.father), ('')) AS f(father)
        WHERE k.father <> '' OR f.father = ''
    )
    SELECT row_no,
        array_agg(DISTINCT case_number) FILTER (WHERE organisation_id = %s),
        array_agg(DISTINCT organisation_id) FILTER (WHERE organisation_id <> %s)
    FROM (
    SELECT k.row_no, c.organisation_id, c.case_number
    FROM k JOIN children_case c
      ON c.search_phonetic = k.phonetic AND c.sex = k.sex
     AND c.search_father_phonetic = k.father
    WHERE k.row_father <> '' AND c.birth_year BETWEEN k.birth_year - 1 AND k.birth_year + 1
    UNION ALL
    SELECT k.row_no, c.organisation_id, c.case_number
    FROM k JOIN children_case c ON c.search_phonetic = k.phonetic AND c.sex = k.sex
    WHERE k.row_father = '' AND c.birth_year BETWEEN k.birth_year - 1 AND k.birth_year + 1
    UNION ALL
    SELECT k.row_no, c.organisation_id, c.case_number
    FROM unnest(%s::int[], %s::text[]) AS k(row_no, id_number)
    JOIN children_case c ON c.id_number = k.id_number
    WHERE c.id_number <> ''
    ) AS found
    GROUP BY row_no
"""


class LikelyCheck:
    """Which new rows of a file may be a child already registered here or at another
    organisation: ``add`` each chunk's decided rows, then ``finish``. The rows go to
    ``preview.likely_rows`` and, the first ``LIKELY_LISTED`` with what was found, to
    ``preview.likely_duplicates``.

    The registration check's strongest matches (children/selectors/duplicates.py): the name
    sounds the same (the stored phonetic key, docs/adr/0015), same sex, birth year within one,
    the father's name sounding the same or unknown on either side; or the same ID number. Every
    new row is checked, set-based: one query joins a batch of rows' keys with the case table,
    instead of a fuzzy query per row. Rows created by this import are not there yet (a dry
    run). Other organisations are named, never their case details (AC-06).
    """

    def __init__(self, preview, organisation):
        self.preview = preview
        self.organisation = organisation
        self.today = timezone.localdate()
        self._empty()
        # Every row with a match, and what was found for the first LIKELY_LISTED of them:
        # {row: (own case numbers, other organisations' ids)}.
        self.rows = []
        self.details = {}

    def _empty(self):
        self.probes = [[], [], [], [], []]  # row, name key, sex, father's key, birth year
        self.ids = [[], []]  # row, ID number
        self.pending = 0

    def add(self, rows):
        probes, ids = self.probes, self.ids
        for row in rows:
            if row.action != "create":
                continue
            values = row.values
            # The keys stored with every case (children.services.cases.search_values).
            name = _phonetic(f"{values.get('given_name') or ''} {values.get('family_name') or ''}")
            if values.get("birth_date"):
                year = values["birth_date"].year
            elif values.get("estimated_age") is not None:
                year = self.today.year - int(values["estimated_age"])
            else:
                year = None
            if name and year is not None:
                for column, value in zip(
                    probes,
                    (
                        row.row,
                        name,
                        values.get("sex") or "",
                        _phonetic(values.get("father_name") or ""),
                        year,
                    ),
                    strict=True,
                ):
                    column.append(value)
            if values.get("id_number"):
                ids[0].append(row.row)
                ids[1].append(values["id_number"])
            self.pending += 1
        if self.pending >= LIKELY_BATCH_ROWS:
            self._query()

    def finish(self):
        self._query()
        details, self.details = self.details, {}
        names = _organisation_names({pk for _own, others in details.values() for pk in others})
        preview = self.preview
        preview.likely_rows.extend(sorted(self.rows))
        self.rows = []
        for number in sorted(details):
            own, others = details[number]
            preview.likely_duplicates.append(
                {
                    "row": number,
                    "own": sorted(own)[:LIKELY_OWN_NUMBERS],
                    "elsewhere": sorted(names[pk] for pk in others),
                }
            )

    def _query(self):
        if not self.pending:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            # Compiling this one statement took longer than running it (JIT). The planner cannot
            # tell how many rows an unnest gives nor how many cases share a key, and chose merge
            # joins (sorting Persian text by the collation) or a trigram index per key: a hash
            # join is what this statement is for. The hash fits in memory at this size.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL enable_mergejoin = off")
            cursor.execute("SET LOCAL enable_nestloop = off")
            pk = self.organisation.pk
            probes = [_array_literal(column) for column in (*self.probes, *self.ids)]
            cursor.execute(_LIKELY_SQL, [*probes[:5], pk, pk, *probes[5:]])
            found = cursor.fetchall()
        self._empty()
        found.sort()
        details = self.details
        for number, own, others in found:
            self.rows.append(number)
            if len(details) < LIKELY_LISTED:
                details[number] = (own or (), others or ())
        if len(details) >= LIKELY_LISTED:  # rows come in file order; keep the first ones
            for number in sorted(details)[LIKELY_LISTED:]:
                del details[number]


def _array_literal(values):
    """``values`` (ints or strings) as one PostgreSQL array literal: psycopg adapts a list item by
    item in Python (0.9 s for a 100,000-row file's probes); this is a join."""
    if values and values[0].__class__ is int:
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(map(_quoted_item, values)) + "}"


def _quoted_item(text):
    if '"' in text or "\\" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _organisation_names(ids):
    """{id: name in the active language} of these organisations (names only, AC-06)."""
    if not ids:
        return {}
    model = Case._meta.get_field("organisation").related_model
    return {org.pk: str(org.name) for org in model.objects.filter(pk__in=ids)}


_phonetic = lru_cache(maxsize=65536)(phonetic_key)


__all__ = ["ChildRow", "Preview", "RowError", "datetime", "LikelyCheck", "validate_children"]
