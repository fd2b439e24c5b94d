"""A spreadsheet's rows → typed values and row errors, for any kind of import.

A kind names its columns once (``Column``: Persian and English header, parser, renderer,
example, allowed values). ``read_table`` finds the header row (in either language, below a title
if need be), parses each column's distinct cells once, and returns the typed rows with every
error as (row number, column as written in the file, reason in the user's language).
"""

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.utils.translation import gettext as _
from django.utils.translation import override

from .cells import (
    BLANK,
    PROVINCES,
    ParseContext,
    ParseError,
    Parser,
    Renderer,
    Undecided,
    allowed_values,
    is_blank,
    parse_province,
    render_province,
    render_text,
    shown_value,
    word_key,
)
from .examples import ExampleRows

# A row as a reader gives it: its cells, left to right.
Cells: TypeAlias = Sequence[Any]
# A check of one column's typed value: a reason to refuse it, or None.
Check: TypeAlias = Callable[[Any], object]

HEADER_SEARCH_ROWS = 20
# Rows that update a record listed with their changes by a dry run; the downloadable list of
# changes sets None (all) for its own run.
CHANGES_KEPT: ContextVar[int | None] = ContextVar("changes_kept", default=200)
# Rows typed at a time by ``open_table``: a large file is checked and written in pieces. The
# pieces start small and double, so that writing (which waits for the first) starts soon. Three
# chunks are alive at once in an import (one being written, one decided, one typed): 5,000 rows
# rather than 10,000 keep a worker about 15-30 MB smaller for the same CPU (issue 16).
CHUNK_ROWS = 5_000
FIRST_CHUNK_ROWS = 2_000
# Parsed cells kept per column from chunk to chunk: enough for every date of birth and common
# name, while a column of distinct values (phones) is dropped rather than kept whole.
MEMO_CELLS = 20_000


@dataclass(frozen=True)
class Column:
    name: str  # the field it fills
    fa: str
    en: str
    parse: Parser
    render: Renderer = render_text
    required: bool = False
    example_fa: str = ""
    example_en: str = ""
    # Allowed values, for the template's second sheet (lazy strings).
    allowed: tuple[Any, ...] = field(default=())
    # Other headers read as this column (older templates, the words of the list).
    aliases: tuple[str, ...] = field(default=())
    # words: a choice column read with the vocabulary (its parser names the column): the
    # choices class whose values a word may be mapped to (docs/adr/0018).
    choices: Any = None

    def header(self, lang: str) -> str:
        return self.fa if lang == "fa" else self.en


def province_column(name: str) -> Column:
    """A required province, read and written by its Persian or English name."""
    return Column(
        name,
        "استان",
        "Province",
        parse_province,
        render_province,
        required=True,
        example_fa="تهران",
        example_en="Tehran",
        # The vocabulary's words for provinces are kept under "province" whatever the field.
        choices=PROVINCES if name == "province" else None,
    )


def choice_values(choices: Iterable[tuple[Any, Any]]) -> tuple[Any, ...]:
    return tuple(label for _value, label in choices)


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""  # what the cell held, so the person fixing the file sees it at once
    # The value as it would be stored, where it could be read ({"fa": …, "en": …}): shown beside
    # the typed one (a national ID as stored, a date as the page writes it).
    cleaned: Mapping[str, str] | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "value": self.value,
        }
        if self.cleaned:
            out["cleaned"] = dict(self.cleaned)
        return out


def cleaned_text(column: Column, value: Any, context: ParseContext | None = None) -> dict[str, str]:
    """A typed value as the page shows it, in Persian and in English (Jalali dates and Persian
    digits in Persian, choice labels, province names), for the preview in either language."""
    if value is None:
        return {"fa": "", "en": ""}
    if column.render is render_province and context is not None and value in context.province_names:
        name_fa, name_en = context.province_names[value]
        return {"fa": name_fa, "en": name_en}
    out = {}
    for lang in ("fa", "en"):
        with override(lang):
            out[lang] = str(column.render(value, lang))
    return out


# --- The template's example row (issue 16) -------------------------------------------------------

# A non-blank row, typed: (row number, {column name: value}, [RowError]).
TypedRow: TypeAlias = tuple[int, dict[str, Any], list[RowError]]


@dataclass
class Preview:
    """What a dry run found: the valid rows with their action, and every error."""

    read: int = 0
    rows: "list[ImportRow]" = field(default_factory=list)
    errors: "list[RowError]" = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)
    header_row: int = 0
    language: str = "fa"
    present_fields: tuple[str, ...] = ()
    ignored_columns: list[str] = field(default_factory=list)
    file_error: str = ""
    in_file_duplicates: list[dict[str, Any]] = field(default_factory=list)
    likely_duplicates: list[dict[str, Any]] = field(default_factory=list)
    likely_unchecked: int = 0
    # {action: rows}, kept by a kind that does not keep every row (children, read in chunks).
    tally: dict[str, int] | None = None
    # preview (issue 16): row numbers of the template's example rows, skipped; the rows that
    # update an existing record, each with its fields old → new (``changes_kept`` of them, None
    # for all: the downloadable list).
    example_rows: list[int] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    changes_kept: int | None = field(default_factory=lambda: CHANGES_KEPT.get())
    # {header as written: (position in the row, column name)}: to show a refused cell as typed.
    cells_by_title: dict[str, tuple[int, str]] = field(default_factory=dict)
    # words (issue 16, values): words no vocabulary knows, by (column, key), and the rows held
    # back only by them; they wait for the administrator's decision (``reject``).
    unknown_values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    undecided_rows: set[int] = field(default_factory=set)
    # twins (duplicates, ADR 0019): rows of the file that are one child, imported once
    # ({"rows", "kept", "why"} each), and every new row that may be a child registered already
    # (``likely_duplicates`` details the first of them).
    in_file_groups: list[dict[str, Any]] = field(default_factory=list)
    likely_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors and not self.undecided_rows

    def reject(self, number: int, errors: "list[RowError]") -> None:
        """Row ``number`` does not go in as it is: invalid, or (when its only problems are words
        no vocabulary knows) waiting for a decision. Its unknown words are gathered either way."""
        undecided = 0
        for error in errors:
            reason = error.reason
            if isinstance(reason, Undecided):
                undecided += 1
                self._unknown(number, error.column, reason)
        if undecided == len(errors):
            self.undecided_rows.add(number)
        else:
            self.errors.extend(e for e in errors if not isinstance(e.reason, Undecided))
            self.invalid_rows.add(number)

    def _unknown(self, number: int, header: str, reason: Undecided) -> None:
        key = (reason.column, word_key(reason.text))
        entry = self.unknown_values.get(key)
        if entry is None:
            entry = self.unknown_values[key] = {
                "column": reason.column,
                "header": header,
                "value": reason.text,
                "rows": 0,
                "first_rows": [],
                "optional": reason.optional,
            }
        entry["rows"] += 1
        if len(entry["first_rows"]) < 5:
            entry["first_rows"].append(number)

    def count(self, action: str) -> int:
        if self.tally is not None:
            return self.tally.get(action, 0)
        return sum(1 for row in self.rows if row.action == action)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "valid": self.read - len(self.invalid_rows) - len(self.undecided_rows),
            "invalid": len(self.invalid_rows),
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
        }


@dataclass(slots=True)
class ImportRow:
    """One valid row: its values, and what the import will do with it."""

    row: int
    values: dict[str, Any]
    action: str = "create"  # create, update, unchanged
    existing: Any = None  # the record it updates


def header_key(text: object) -> str:
    text = str(text or "").replace("*", "")
    text = text.split("(")[0]
    return word_key(text)


def header_keys(columns: Iterable[Column]) -> dict[str, Column]:
    keys = {}
    for column in columns:
        for word in (column.fa, column.en, column.name, *column.aliases):
            keys[word_key(word)] = column
    return keys


def find_header(
    rows: Sequence[Cells], keys: Mapping[str, Column]
) -> tuple[int | None, dict[int, Column]]:
    """(index, {cell index: column}) of the first row naming at least two of the columns."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, Column] = {}
        for position, cell in enumerate(row):
            column = keys.get(header_key(cell))
            if column is not None and column not in mapping.values():
                mapping[position] = column
        if len(mapping) >= 2:
            return index, mapping
    return None, {}


def is_blank_row(row: Cells) -> bool:
    try:
        # A row of text (every CSV row) is blank when its cells joined are: one join, one strip.
        return not "".join(row).strip(BLANK)
    except TypeError:  # numbers, dates or empty cells (None) among them
        return all(is_blank(cell) for cell in row)


# Cells of these types are their own memo keys; any other type is keyed with its class, so that
# ``1``, ``1.0`` and ``True`` (equal in a dict) are not taken for one another.
_PLAIN_CELLS = frozenset((str, type(None)))


def parse_column(
    column: Column,
    cells: Sequence[Any],
    context: ParseContext,
    check: Check | None = None,
    memo: "Memo | None" = None,
) -> tuple[list[Any], list[Any] | None]:
    """([typed value], [reason or None], or None when no cell has a reason) of one column's
    ``cells``.

    Each distinct cell is parsed (and checked) once: provinces, dates and words repeat down a
    file. The loops over the cells are builtins (set, map), not Python: a 100,000-row file has
    about two million cells. ``memo`` carries the parsed cells over to the next chunk.
    """
    memo = Memo() if memo is None else memo
    found, reasons_of = memo.values, memo.reasons
    if _PLAIN_CELLS.issuperset(map(type, cells)):
        keys: Sequence[Any] = cells
    else:
        keys = [cell if cell.__class__ is str else (cell.__class__, cell) for cell in cells]
    required = column.required
    parse = column.parse
    for key in set(keys).difference(found):
        cell = key[1] if key.__class__ is tuple else key
        reason: Any = None
        try:
            value = parse(cell, context)
        except ParseError as error:
            value, reason = None, error.reason_in(column)
        else:
            if value is None and required:
                reason = _empty_reason(column)
            elif check:
                reason = check(value)  # the value is kept beside its reason, as parsed
        found[key] = value
        if reason:
            reasons_of[key] = reason
    values = list(map(found.__getitem__, keys))
    if not reasons_of or reasons_of.keys().isdisjoint(keys):
        return values, None
    return values, list(map(reasons_of.get, keys))


class Memo:
    """Parsed cells of one column, kept from chunk to chunk: value by cell, and reason by cell
    for the cells refused."""

    __slots__ = ("reasons", "values")

    def __init__(self) -> None:
        self.values: dict[object, Any] = {}
        self.reasons: dict[object, Any] = {}

    def __len__(self) -> int:
        return len(self.values)

    def clear(self) -> None:
        self.values.clear()
        self.reasons.clear()


def _empty_reason(column: Column) -> str:
    reason = str(_("This column cannot be empty."))
    if column.choices is not None:  # what to write instead (issue 16)
        reason = f"{reason} {allowed_values(column.choices)}"
    return reason


@dataclass
class Table:
    """What ``read_table`` found: the typed rows and what was wrong."""

    file_error: str = ""
    header_row: int = 0
    language: str = "fa"
    headers: dict[str, str] = field(default_factory=dict)  # column name → header as written
    present_fields: tuple[str, ...] = ()
    ignored_columns: list[str] = field(default_factory=list)
    # [(row number, {column name: value}, [RowError])], every non-blank row in file order
    rows: list[TypedRow] = field(default_factory=list)
    # preview (issue 16): the template's example rows (skipped), and where each column is in the
    # file (to show a cell as typed).
    example_rows: list[int] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    # {row number: the row's cells}, kept by ``read_table`` (small files, held whole anyway).
    cells: dict[int, Cells] = field(default_factory=dict)

    def title(self, columns: Iterable[Column], name: str) -> str:
        return self.headers.get(name) or next(c for c in columns if c.name == name).header(
            self.language
        )


def read_table(
    rows: Iterable[Cells],
    columns: Sequence[Column],
    *,
    context: ParseContext,
    checks: Mapping[str, Check] | None = None,
) -> Table:
    """Parse ``rows`` (lists of cells) against ``columns``. ``checks``: {name: fn(value) → reason
    or None}, run once per distinct value of that column."""
    table, chunks = open_table(rows, columns, context=context, checks=checks, chunk_rows=None)
    for chunk in chunks:
        table.rows.extend(chunk)
        table.cells.update(chunk.body)
    return table


def open_table(
    rows: Iterable[Cells],
    columns: Sequence[Column],
    *,
    context: ParseContext,
    checks: Mapping[str, Check] | None = None,
    chunk_rows: int | None = CHUNK_ROWS,
) -> tuple[Table, Iterator["Chunk"]]:
    """(Table without its rows, iterator of row chunks) for ``rows``, any iterable of lists of
    cells: the header is found in the first rows, then the body is read ``chunk_rows`` non-blank
    rows at a time (None: all at once), so a large file is never held whole as typed rows. Each
    chunk is [(row number, {column name: value}, [RowError])].

    ``rows`` may carry a ``parsed`` cache (``core.spreadsheets.parsed.ParsedCache``, set by the
    import job's file): the import replays what the dry run typed instead of reading the file,
    and the dry run records it: the table, each chunk with its rows' cells as read (``body``)
    and the template's example rows skipped before it."""
    cache = getattr(rows, "parsed", None)
    if cache is not None and (replayed := cache.replay()) is not None:
        table_found: Table = replayed[0]
        return table_found, _replayed(table_found, replayed[1])
    rows = iter(rows)
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    table = Table()
    index, mapping = find_header(head, header_keys(columns))
    if index is None:
        table.file_error = _(
            "No header row found. The first row must name the columns, as in the template."
        )
        return table, iter(())
    header = head[index]
    table.header_row = index + 1
    persian = sum(1 for p, c in mapping.items() if word_key(header[p]) == word_key(c.fa))
    table.language = "fa" if persian * 2 >= len(mapping) else "en"
    table.present_fields = tuple(c.name for c in mapping.values())
    table.ignored_columns = [
        str(cell) for p, cell in enumerate(header) if p not in mapping and not is_blank(cell)
    ]
    missing = [c for c in columns if c.required and c not in mapping.values()]
    if missing:
        table.file_error = _("Columns missing from the file: %(columns)s") % {
            "columns": "، ".join(c.header(table.language) for c in missing)
        }
        return table, iter(())
    table.headers = {c.name: str(header[p]) for p, c in mapping.items()}
    table.positions = {c.name: p for p, c in mapping.items()}
    body = itertools.chain(head[index + 1 :], rows)
    reader = _BodyReader(mapping, table, context, checks or {}, first=columns[0])
    chunks = reader.chunks(body, first_number=index + 2, size=chunk_rows)
    if cache is not None:
        chunks = _recorded(cache, table, chunks)
    return table, chunks


def _recorded(cache: Any, table: Table, chunks: Iterator["Chunk"]) -> Iterator["Chunk"]:
    """``chunks`` passed on through ``cache``, each kept with the example rows skipped while it
    was read (``table.example_rows`` grows as the body is read, after the table is kept)."""
    seen = 0

    def examples() -> list[int]:
        nonlocal seen
        found = table.example_rows[seen:]
        seen += len(found)
        return found

    recorded: Iterator[Chunk] = cache.record(table, chunks, beside=examples)
    return recorded


def _replayed(table: Table, items: Iterator[tuple["Chunk", list[int]]]) -> Iterator["Chunk"]:
    """The recorded chunks, the example rows added to ``table`` as reading them had added them."""
    for chunk, examples in items:
        table.example_rows.extend(examples)
        yield chunk


class _BodyReader:
    """Types the body's cells column by column, a chunk of rows at a time."""

    def __init__(
        self,
        mapping: dict[int, Column],
        table: Table,
        context: ParseContext,
        checks: Mapping[str, Check],
        first: Column | None = None,
    ) -> None:
        self.mapping = mapping
        self.table = table
        self.examples = ExampleRows(mapping, first)
        self.names = [c.name for c in mapping.values()]
        self.titles = [table.headers[name] for name in self.names]
        self.context = context
        self.checks = checks
        # Parsed cells per column, kept from chunk to chunk while they repeat (dates, words).
        self.memos: dict[int, Memo] = {position: Memo() for position in mapping}
        self.positions = list(mapping)
        self.width = max(self.positions) + 1
        self.pick = operator.itemgetter(*self.positions)

    def chunks(
        self, body: Iterable[Cells], *, first_number: int, size: int | None
    ) -> Iterator["Chunk"]:
        batch: list[tuple[int, Cells]] = []
        limit = size and min(size, FIRST_CHUNK_ROWS)
        for number, row in enumerate(body, start=first_number):
            if not is_blank_row(row):
                batch.append((number, row))
                if limit and len(batch) >= limit:
                    yield self.parse(self._skip_examples(batch))
                    # limit is only set when size is.
                    batch, limit = [], min(size, limit * 2)  # type: ignore[type-var]
        if batch:
            yield self.parse(self._skip_examples(batch))

    def _skip_examples(self, batch: list[tuple[int, Cells]]) -> list[tuple[int, Cells]]:
        """``batch`` without the template's example rows, which go to ``example_rows``."""
        kept, skipped = self.examples.split(batch)
        self.table.example_rows.extend(skipped)
        return kept

    def parse(self, body: Sequence[tuple[int, Cells]]) -> "Chunk":
        out = Chunk(body)
        if not body:  # a batch that held only the template's example rows
            return out
        width = self.width
        rows = [cells for _number, cells in body]
        if min(map(len, rows)) < width:  # a short row: its missing cells are empty
            rows = [
                cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))]
                for cells in rows
            ]
        # The chunk turned into columns: the columns in the mapping's order, as tuples.
        columns = (
            list(zip(*map(self.pick, rows), strict=True))
            if len(self.positions) > 1
            else [tuple(map(self.pick, rows))]
        )
        value_columns: list[list[Any]] = []
        # (position, column, header, values, reasons) of the columns with a refused cell
        refused: list[tuple[int, Column, str, list[Any], list[Any]]] = []
        for (position, column), title, cells in zip(
            self.mapping.items(), self.titles, columns, strict=True
        ):
            memo = self.memos[position]
            values, reasons = parse_column(
                column, cells, self.context, self.checks.get(column.name), memo
            )
            if len(memo) > MEMO_CELLS:
                memo.clear()  # mostly distinct (ID numbers, phones): keeping it saves nothing
            value_columns.append(values)
            if reasons is not None:
                refused.append((position, column, title, values, reasons))
        names = self.names
        out.extend(
            (number, dict(zip(names, values, strict=True)), [])
            for (number, _cells), values in zip(body, zip(*value_columns, strict=True), strict=True)
        )
        if refused:
            for index in sorted(
                {i for *_c, reasons in refused for i, r in enumerate(reasons) if r}
            ):
                number, row = body[index]
                out[index][2].extend(
                    self._error(number, row, position, column, title, values[index], reason)
                    for position, column, title, values, reasons in refused
                    if (reason := reasons[index])
                )
        return out

    def _error(
        self,
        number: int,
        cells: Cells,
        position: int,
        column: Column,
        title: str,
        value: Any,
        reason: Any,
    ) -> RowError:
        """A refused cell: as typed and, where it was read but refused (a check digit, a date in
        the future), as it would be stored."""
        cell = cells[position] if position < len(cells) else None
        cleaned = None if value is None else cleaned_text(column, value, self.context)
        return RowError(number, title, reason, shown_value(cell), cleaned)


class Chunk(list[TypedRow]):
    """A chunk of typed rows, with ``body``: [(row number, the row's cells as read)] in the same
    order, so a kind can show a cell as typed (the preview's changes)."""

    def __init__(self, body: Sequence[tuple[int, Cells]]) -> None:
        super().__init__()
        self.body = body
