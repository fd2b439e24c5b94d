"""What every kind of import shares: columns named once, a template, a dry run, all or nothing.

A kind (children, organisations, staff) says which columns it has, whether the organisation is
chosen on the form, how a row is checked against the others and the database, and how valid rows
are written. ``RecordKind`` does the common case — rows keyed by one natural column (an
organisation's code, a username), created or updated — so a new kind only writes its checks and
its ``write``. The service (``imports.services``) runs every kind the same way: preview first,
then the import inside one transaction, re-validated under a lock. Kinds live with the app whose
records they write and are registered in ``imports.registry`` when that app starts.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core.spreadsheets.cells import ParseContext, shown_value
from core.spreadsheets.changes import change_entry, field_changes, same_value
from core.spreadsheets.examples import example_cell
from core.spreadsheets.table import (
    Cells,
    Check,
    Column,
    ImportRow,
    Preview,
    RowError,
    cleaned_text,
    read_table,
)

from .vocabulary import load_vocabulary, vocabulary_fingerprint

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from core.models import User


class ImportRefused(Exception):
    """The job cannot be imported now; str() says why, for the user."""


class Progress(Protocol):
    """``progress(read, written=None)``: rows checked so far and, while importing, rows done."""

    def __call__(self, read: int, written: int | None = None, /) -> None: ...


# The ``organisation`` a kind is given is an ngos.Organisation, or None for kinds that read it
# from a column; it is typed as a Model because this app sits below ngos.
class ImportKind:
    code: ClassVar[str] = ""
    label: ClassVar["StrOrPromise"] = ""
    columns: ClassVar[Sequence[Column]] = ()
    # The model the kind writes; every kind names one.
    model: ClassVar[type[Model]]
    # The organisation is chosen on the upload form (children, staff), never read from a column.
    organisation_chosen: ClassVar[bool] = True
    # Where the upload page and the form's choices list the kind, lowest first.
    order: ClassVar[int] = 100
    # What the job's page says once the file is imported, and where it leads (a URL name).
    done_message: ClassVar["StrOrPromise"] = _("Imported.")
    done_link: ClassVar[str] = ""
    done_link_label: ClassVar["StrOrPromise"] = ""

    def parse_fingerprint(self, organisation: Model | None) -> str:
        """What typing this kind's cells depends on besides the file, the day and the language
        (value mappings the organisation decided, for one), as text that changes when it does.
        The dry run's typed rows are reused by the import only while it is the same
        (``core.spreadsheets.parsed``)."""
        return ""

    def header_row(self, lang: str) -> list[str]:
        return [column.header(lang) for column in self.columns]

    def example_values(self, lang: str) -> list[str]:
        """The columns' example values: a row that imports (tests fill the template with it)."""
        return [c.example_fa if lang == "fa" else c.example_en for c in self.columns]

    def example_row(self, lang: str) -> list[str]:
        """The template's example row: the example values, the first cell marked as an example
        («مثال: …»), so a file that still holds the row never imports it (issue 16)."""
        values = self.example_values(lang)
        if values:
            values[0] = example_cell(lang, values[0])
        return values

    def resource(self, lang: str = "fa") -> resources.ModelResource:
        """A django-import-export resource with these columns, headers in ``lang``."""
        return column_resource(self.model, self.columns, lang)()

    def validate(
        self,
        rows: Iterable[Cells],
        *,
        organisation: Model | None,
        check_duplicates: bool = True,
        progress: Progress | None = None,
    ) -> Preview:
        raise NotImplementedError

    def load(
        self, *, preview: Preview, organisation: Model | None, by: "User", job_id: int
    ) -> dict[str, int]:
        raise NotImplementedError

    def import_rows(
        self,
        rows: Iterable[Cells],
        *,
        organisation: Model | None,
        by: "User",
        job_id: int,
        progress: Progress | None = None,
    ) -> tuple[Preview, dict[str, int] | None]:
        """Validate and write ``rows`` inside the caller's transaction: (preview, counts), or
        (preview, None) when a row is invalid and the caller must roll back. A kind may write
        while it still reads (children); the caller's rollback undoes it all the same.
        ``progress(read, written)`` may be called on the way (kinds with small files don't)."""
        preview = self.validate(list(rows), organisation=organisation, check_duplicates=False)
        if not preview.ok:
            return preview, None
        return preview, self.load(preview=preview, organisation=organisation, by=by, job_id=job_id)


class RecordKind(ImportKind):
    """Rows keyed by ``key`` (one column): a key already present updates that record."""

    key: ClassVar[str] = ""
    # The column a repeated or refused key is reported on (``key`` unless the key is computed).
    key_column: ClassVar[str] = ""
    # Columns that make up a computed key: not compared to decide update or unchanged.
    key_parts: ClassVar[tuple[str, ...]] = ()
    # Said when a key repeats in the file: "The same … is in row %(row)s."
    repeated_message: ClassVar["StrOrPromise"] = ""

    def parse_fingerprint(self, organisation: Model | None) -> str:
        # Choice columns are read with the organisation's vocabulary (``validate``).
        return vocabulary_fingerprint(organisation)

    def checks(self, today: datetime.date) -> dict[str, Check]:
        """{column name: fn(value) → reason or None}, run once per distinct value."""
        return {}

    def check_row(self, values: dict[str, Any], error: Callable[[str, object], None]) -> None:
        """Checks across columns of one row; call ``error(column name, reason)``."""

    def existing(self, keys: list[Any], organisation: Model | None) -> dict[Any, Any]:
        """{key: record} of the records the file's keys name (one query)."""
        raise NotImplementedError

    def refuse(
        self, record: Any, values: dict[str, Any], organisation: Model | None
    ) -> "StrOrPromise | None":
        """A reason this row may not update ``record`` (another organisation's), or None."""
        return None

    def current(self, record: Any, name: str) -> Any:
        return getattr(record, name)

    def validate(
        self,
        rows: Iterable[Cells],
        *,
        organisation: Model | None,
        check_duplicates: bool = True,
        progress: Progress | None = None,
    ) -> Preview:
        today = timezone.localdate()
        context = ParseContext.load(load_vocabulary(organisation))
        table = read_table(rows, self.columns, context=context, checks=self.checks(today))
        preview = Preview(
            read=len(table.rows),
            header_row=table.header_row,
            language=table.language,
            present_fields=table.present_fields,
            ignored_columns=table.ignored_columns,
            file_error=table.file_error,
            example_rows=table.example_rows,
        )
        if table.file_error:
            return preview

        by_name = {c.name: c for c in self.columns}

        def row_error(
            number: int, name: str, reason: object, values: dict[str, Any] | None = None
        ) -> RowError:
            # The cell as typed and, where it was read, as it would be stored (issue 16).
            cells, position = table.cells.get(number), table.positions.get(name)
            typed = (
                shown_value(cells[position])
                if cells is not None and position is not None and position < len(cells)
                else ""
            )
            value = (values or {}).get(name)
            cleaned = None if value is None else cleaned_text(by_name[name], value, context)
            return RowError(number, table.title(self.columns, name), str(reason), typed, cleaned)

        def invalid(
            number: int, name: str, reason: object, values: dict[str, Any] | None = None
        ) -> None:
            preview.errors.append(row_error(number, name, reason, values))
            preview.invalid_rows.add(number)

        seen: dict[Any, int] = {}
        valid: list[ImportRow] = []
        for number, values, errors in table.rows:
            self.check_row(
                values,
                # mypy cannot infer a lambda with default arguments.
                lambda name, reason, errors=errors, number=number, values=values: errors.append(  # type: ignore[misc]
                    row_error(number, name, reason, values)
                ),
            )
            if errors:
                preview.reject(number, errors)  # invalid, or waiting for a word's meaning
                continue
            key = values[self.key]
            if key in seen:
                invalid(
                    number,
                    self.key_column or self.key,
                    self.repeated_message % {"row": seen[key]},
                    values,
                )
                preview.in_file_duplicates.append({"row": number, "same_as": seen[key]})
                continue
            seen[key] = number
            valid.append(ImportRow(number, values))
        records = self.existing(list(seen), organisation)
        fields = [
            name
            for name in preview.present_fields
            if name != self.key and name not in self.key_parts
        ]
        for row in valid:
            record = records.get(row.values[self.key])
            if record is None:
                continue
            reason = self.refuse(record, row.values, organisation)
            if reason:
                invalid(row.row, self.key_column or self.key, reason, row.values)
                continue
            row.existing = record
            same = all(_same(self.current(record, f), row.values.get(f)) for f in fields)
            row.action = "unchanged" if same else "update"
            if row.action == "update":
                self._note_change(
                    preview, row, record, fields, table.positions, context, table.cells.get(row.row)
                )
        preview.rows = [row for row in valid if row.row not in preview.invalid_rows]
        preview.errors.sort(key=lambda e: e.row)
        return preview

    def _note_change(
        self,
        preview: Preview,
        row: ImportRow,
        record: Any,
        fields: list[str],
        positions: dict[str, int],
        context: ParseContext,
        cells: Cells | None = None,
    ) -> None:
        """List what ``row`` changes in ``record`` in the preview (issue 16)."""
        if preview.changes_kept is not None and len(preview.changes) >= preview.changes_kept:
            return
        changes = field_changes(
            columns={c.name: c for c in self.columns},
            fields=fields,
            old={f: self.current(record, f) for f in fields},
            new=row.values,
            cells=cells,
            positions=positions,
            context=context,
        )
        key = row.values.get(self.key)
        number = key if isinstance(key, str) else ""  # a computed key (a tuple) names nothing
        preview.changes.append(change_entry(row.row, number, str(record), changes))


_same = same_value


def mark_invalid(
    preview: Preview, row: ImportRow, name: str, reason: object, columns: Iterable[Column]
) -> None:
    """Refuse ``row`` of a validated ``preview`` after the fact (a check across rows, such as a
    unique value): the error goes on column ``name``, and the row leaves the rows to write."""
    title = next(c for c in columns if c.name == name).header(preview.language)
    preview.errors.append(RowError(row.row, title, str(reason)))
    preview.invalid_rows.add(row.row)
    preview.rows = [r for r in preview.rows if r.row not in preview.invalid_rows]
    preview.errors.sort(key=lambda e: e.row)


# --- The same columns for django-import-export ------------------------------------------------


class ColumnWidget(widgets.Widget):  # type: ignore[misc]  # django-import-export has no types
    """Cleans and renders through the column's own parser and renderer."""

    def __init__(self, column: Column, lang: str, model: type[Model]) -> None:
        super().__init__()
        self.column = column
        self.lang = lang
        try:
            field = model._meta.get_field(column.name)
        except Exception:  # a column that is not a model field (a membership's role)
            field = None
        # The parsers give a foreign key's id (a province's); the model wants the instance.
        self.related = field.related_model if field is not None and field.is_relation else None
        # Text columns are NOT NULL: an empty cell is "".
        text = field is not None and field.get_internal_type() in ("CharField", "TextField")
        self.empty = "" if text else None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        result = self.column.parse(value, ParseContext.current())
        if result is None:
            return self.empty
        if self.related is not None:
            return self.related._default_manager.get(pk=result)
        return result

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return self.column.render(value, self.lang)


def column_resource(
    model: type[Model],
    columns: Sequence[Column],
    lang: str,
    base: type[resources.ModelResource] = resources.ModelResource,
    key: str | None = None,
) -> type[resources.ModelResource]:
    """A ModelResource class for ``model`` whose fields are ``columns``, headers in ``lang``."""
    names = tuple(column.name for column in columns)
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": names,
            "export_order": names,
            "import_id_fields": (key or names[0],),
            "skip_unchanged": True,
        },
    )
    attrs: dict[str, Any] = {
        column.name: fields.Field(
            attribute=column.name,
            column_name=column.header(lang),
            widget=ColumnWidget(column, lang, model),
        )
        for column in columns
    }
    attrs["Meta"] = meta
    return type(f"{model.__name__}Resource", (base,), attrs)


__all__ = ["ImportKind", "ImportRefused", "RecordKind", "column_resource", "mark_invalid"]
