"""Exports of the filtered lists (issue 8): the page's rows as CSV or XLSX, safely and in bounded
memory.

A list's export view starts from the same selector and FilterSet as its page (AC-02), audits
itself with `audit_export` when the rows name children or staff (LG-01; with the cases the file
held, LG-05), and answers with `export_response`. Every cell goes through `safe_cell`
(core/formulas.py, FU-04). CSV is streamed in batches of rows, with a byte-order mark so Excel
reads Persian; XLSX is written by `core.xlsx` into a temporary file and streamed from it.
Headers come in the reader's language; dates are written as the page shows them (Jalali with
Persian digits in Persian, ISO in English), as text.
"""

import csv
import datetime
import io
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import FilterSet

from . import audit, jalali, xlsx
from .formulas import safe_cell
from .i18n import is_persian
from .models import AuditEvent, AuditExportCase
from .persian import to_persian_digits
from .types import AnyUser

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the audit log keeps instead of words typed into a search box (they may be a child's name).
SEARCH_MARKER = "(search)"

_CSV_BATCH = 1 << 16


def export_language() -> str:
    """The language of the file's headers, words and dates: "fa" or "en"."""
    return "fa" if is_persian() else "en"


def joined(items: Iterable[object], lang: str) -> str:
    """Several values in one cell, with the reader's comma."""
    return ("، " if lang == "fa" else ", ").join(str(item) for item in items if item)


def yes_no(value: object) -> str:
    """A flag as a word in the reader's language; false is an empty cell."""
    return _("Yes") if value else ""


def person_name(first_name: str, last_name: str, username: str) -> str:
    """A user as the pages show one (`User.__str__`), from values read with `values_list`."""
    return " ".join(part for part in (first_name, last_name) if part) or username


class Memo:
    """`render(value)` computed once per distinct value, for columns whose values repeat
    (provinces, choices, dates). Cleared when it grows past `limit`, so memory stays bounded."""

    def __init__(self, render: Callable[[Any], Any], limit: int = 20_000) -> None:
        self.render = render
        self.limit = limit
        self.values: dict[Hashable, Any] = {}

    def __call__(self, value: Hashable) -> Any:
        try:
            return self.values[value]
        except KeyError:
            if len(self.values) >= self.limit:
                self.values.clear()
            result = self.values[value] = self.render(value)
            return result


class Dates:
    """Dates and times as the pages show them in `lang`, each calendar day converted once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.day = Memo(lambda day: jalali.format_date(day, lang))

    def date(self, value: datetime.date | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            value = value.date()
        return str(self.day(value))

    def datetime(self, value: datetime.datetime | None) -> str:
        if value is None:
            return ""
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        time = f"{local:%H:%M}"
        if self.lang == "fa":
            time = to_persian_digits(time)
        return f"{self.day(local.date())} {time}"


# --- Files --------------------------------------------------------------------------------------


def csv_chunks(header: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The CSV file as byte chunks of about 64 KB: a BOM (Excel reads UTF-8 only with it), the
    header, then the rows, every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        if buffer.tell() >= _CSV_BATCH:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _safe_rows(rows: Iterable[Sequence[object]]) -> Iterator[list[str | int | float]]:
    for row in rows:
        yield [safe_cell(cell) for cell in row]


def export_response(
    fmt: str,
    *,
    name: str,
    sheet: str,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    lang: str,
) -> StreamingHttpResponse | FileResponse:
    """The download of `rows` under `header`: `name-YYYYMMDD.csv|xlsx`.

    `rows` is an iterable of lists, read once. The CSV is produced while it is sent; the XLSX is
    written to a temporary file first (a zip needs its sizes) and sent from there.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    handle = xlsx.xlsx_file(
        sheet,
        [safe_cell(cell) for cell in header],
        _safe_rows(rows),
        right_to_left=lang == "fa",
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


# --- Audit --------------------------------------------------------------------------------------


def filter_detail(filterset: FilterSet, *, search: Sequence[str] = ("q",)) -> dict[str, str]:
    """The filters a list was narrowed by, for the audit log: objects by id, dates in ISO, and
    the words of the `search` fields replaced by a marker (ADR 0003: no child's name in the log).
    Filters the form refused are left out, as the list leaves them out."""
    form = filterset.form
    if not form.is_bound:
        return {}
    form.is_valid()
    detail = {}
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value in (None, "", [], ()):
            continue
        if name in search:
            detail[name] = SEARCH_MARKER
        elif isinstance(value, datetime.date):
            detail[name] = value.isoformat()
        else:
            detail[name] = str(getattr(value, "pk", value))
    return detail


def audit_export(
    user: AnyUser,
    *,
    what: str,
    fmt: str,
    filterset: FilterSet,
    rows: int,
    search: Sequence[str] = ("q",),
    object_id: str = "list",
    cases: "QuerySet[Any] | None" = None,
) -> AuditEvent:
    """One audit row for an export of an identifiable list: what, format, filters, row count,
    and, when the rows name children, which cases the file held (`cases`: a queryset of one
    column, the case ids; LG-05)."""
    detail: dict[str, Any] = {
        "format": fmt,
        "filters": filter_detail(filterset, search=search),
        "rows": rows,
    }
    event = audit.record(
        audit.Action.EXPORT, user=user, object_type=what, object_id=object_id, detail=detail
    )
    if cases is not None:
        record_export_cases(event, cases)
    return event


def record_export_cases(event: AuditEvent, cases: "QuerySet[Any]") -> int:
    """Link `event` to each case id `cases` selects, in the database: one INSERT ... SELECT from
    the export's own query, so a 100,000-row export sends no id through Python and holds none
    in memory. Returns how many cases were linked."""
    query, params = cases.order_by().query.sql_with_params()
    table = connection.ops.quote_name(AuditExportCase._meta.db_table)
    # Both parts are SQL the code builds (a quoted table name, Django's own compiled query); the
    # values travel as parameters.
    statement = (
        f"INSERT INTO {table} (event_id, case_id) SELECT DISTINCT %s, held.id "  # noqa: S608
        f"FROM ({query}) AS held(id) WHERE held.id IS NOT NULL ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [event.pk, *params])
        linked: int = cursor.rowcount
        return linked
