"""What every kind of import shares: columns named once, a template, a dry run, all or nothing.

A kind (children, organisations, staff) says which columns it has, whether the organisation is
chosen on the form, how a row is checked against the others and the database, and how valid rows
are written. ``RecordKind`` does the common case — rows keyed by one natural column (an
organisation's code, a username), created or updated — so a new kind only writes its checks and
its ``write``. The service (``imports.services``) runs every kind the same way: preview first,
then the import inside one transaction, re-validated under a lock. Kinds live with the app whose
records they write and are registered in ``imports.registry`` when that app starts.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core.spreadsheets.cells import ParseContext
from core.spreadsheets.table import ImportRow, Preview, RowError, read_table


class ImportRefused(Exception):
    """The job cannot be imported now; str() says why, for the user."""


class ImportKind:
    code = ""
    label = ""
    columns = ()
    model = None
    # The organisation is chosen on the upload form (children, staff), never read from a column.
    organisation_chosen = True
    # Where the upload page and the form's choices list the kind, lowest first.
    order = 100
    # What the job's page says once the file is imported, and where it leads (a URL name).
    done_message = _("Imported.")
    done_link = ""
    done_link_label = ""

    def header_row(self, lang):
        return [column.header(lang) for column in self.columns]

    def example_row(self, lang):
        return [c.example_fa if lang == "fa" else c.example_en for c in self.columns]

    def resource(self, lang="fa"):
        """A django-import-export resource with these columns, headers in ``lang``."""
        return column_resource(self.model, self.columns, lang)()

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        raise NotImplementedError

    def load(self, *, preview, organisation, by, job_id):
        raise NotImplementedError

    def import_rows(self, rows, *, organisation, by, job_id, progress=None):
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

    key = ""
    # The column a repeated or refused key is reported on (``key`` unless the key is computed).
    key_column = ""
    # Columns that make up a computed key: not compared to decide update or unchanged.
    key_parts = ()
    # Said when a key repeats in the file: "The same … is in row %(row)s."
    repeated_message = ""

    def checks(self, today):
        """{column name: fn(value) → reason or None}, run once per distinct value."""
        return {}

    def check_row(self, values, error):
        """Checks across columns of one row; call ``error(column name, reason)``."""

    def existing(self, keys, organisation):
        """{key: record} of the records the file's keys name (one query)."""
        raise NotImplementedError

    def refuse(self, record, values, organisation):
        """A reason this row may not update ``record`` (another organisation's), or None."""
        return None

    def current(self, record, name):
        return getattr(record, name)

    def validate(self, rows, *, organisation, check_duplicates=True, progress=None):
        today = timezone.localdate()
        table = read_table(
            rows, self.columns, context=ParseContext.load(), checks=self.checks(today)
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

        def invalid(number, name, reason):
            preview.errors.append(RowError(number, table.title(self.columns, name), str(reason)))
            preview.invalid_rows.add(number)

        seen, valid = {}, []
        for number, values, errors in table.rows:
            self.check_row(
                values,
                lambda name, reason, errors=errors, number=number: errors.append(
                    RowError(number, table.title(self.columns, name), str(reason))
                ),
            )
            if errors:
                preview.errors.extend(errors)
                preview.invalid_rows.add(number)
                continue
            key = values[self.key]
            if key in seen:
                invalid(
                    number, self.key_column or self.key, self.repeated_message % {"row": seen[key]}
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
                invalid(row.row, self.key_column or self.key, reason)
                continue
            row.existing = record
            same = all(_same(self.current(record, f), row.values.get(f)) for f in fields)
            row.action = "unchanged" if same else "update"
        preview.rows = [row for row in valid if row.row not in preview.invalid_rows]
        preview.errors.sort(key=lambda e: e.row)
        return preview


def _same(old, new):
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def mark_invalid(preview, row, name, reason, columns):
    """Refuse ``row`` of a validated ``preview`` after the fact (a check across rows, such as a
    unique value): the error goes on column ``name``, and the row leaves the rows to write."""
    title = next(c for c in columns if c.name == name).header(preview.language)
    preview.errors.append(RowError(row.row, title, str(reason)))
    preview.invalid_rows.add(row.row)
    preview.rows = [r for r in preview.rows if r.row not in preview.invalid_rows]
    preview.errors.sort(key=lambda e: e.row)


# --- The same columns for django-import-export ------------------------------------------------


class ColumnWidget(widgets.Widget):
    """Cleans and renders through the column's own parser and renderer."""

    def __init__(self, column, lang, model):
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

    def clean(self, value, row=None, **kwargs):
        result = self.column.parse(value, ParseContext.current())
        if result is None:
            return self.empty
        if self.related is not None:
            return self.related._default_manager.get(pk=result)
        return result

    def render(self, value, obj=None, **kwargs):
        return self.column.render(value, self.lang)


def column_resource(model, columns, lang, base=resources.ModelResource, key=None):
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
    attrs = {
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
