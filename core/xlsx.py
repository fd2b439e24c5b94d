"""Every XLSX file the product writes is written here, through one of two entry points.

- Lists, import templates and import error reports: `xlsx_file` / `write_xlsx` (one list) and
  `workbook_file` / `write_workbook` (several sheets). Our own writer (ADR 0009): one pass,
  inline strings, bounded memory. xlsxwriter in constant-memory mode spends ~24 s on 200,000 rows
  of 19 text cells on these machines, nearly all of it per-cell Python, and issue 8 asks for
  200,000 cases in under 30 s including the database read; writing each row as one string of
  SpreadsheetML is about five times faster (docs/performance.md).
- Report files: `tables_xlsx`, figure tables with a chart sheet each, through xlsxwriter. Charts
  are a large part of the format that is not worth writing ourselves, and these workbooks hold a
  few hundred cells, so xlsxwriter's speed does not matter there.

Either way no cell is ever a formula, and text a spreadsheet would run as one gets the leading
apostrophe of `core.formulas` (docs/security.md FU-04), whatever the caller passed.

What the list writer writes: text cells as inline strings, numbers as numbers, a bold frozen
header row, right-to-left sheets on request. A list longer than a sheet holds continues on a
next sheet under the same header. The workbook is deflated into a seekable temporary file, so
every zip entry carries its sizes in its local header; no data descriptors, which some
spreadsheet readers refuse.
"""

import decimal
import io
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any, TypeAlias, TypedDict, Unpack
from xml.sax.saxutils import quoteattr

import xlsxwriter

from .formulas import RISKY_START, safe_cell, safe_text

# Excel's rows per sheet, the header included.
MAX_ROWS = 1_048_576
# Bytes of sheet XML gathered before they go to the compressor.
_FLUSH_AT = 1 << 16

# A sheet to write: (name, header, rows); rows are read once.
Sheet: TypeAlias = tuple[str, Sequence[object], Iterable[Sequence[object]]]


class WorkbookOptions(TypedDict, total=False):
    """The options of ``write_workbook`` that the other writers pass on."""

    right_to_left: bool
    max_rows: int
    width: float


# XML escapes; the control characters XML 1.0 forbids are dropped. CR is kept as a reference, or a
# reader would turn it into LF.
_ESCAPE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\r": "&#13;",
        "\ufffe": "",
        "\uffff": "",
        **{chr(code): "" for code in range(32) if code not in (9, 10, 13)},
    }
)
# Most text needs no escape, and a search costs a fraction of a translate.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]")
# Spaces at either end of a text survive only with xml:space="preserve".
_XML_SPACE = frozenset(" \t\n\r")
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Tahoma"/></font>'
    '<font><b/><sz val="11"/><name val="Tahoma"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(name: object, number: int = 1) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, numbered after the first."""
    name = str(name).translate(_SHEET_NAME_FORBIDDEN).strip("' ") or "Sheet"
    suffix = f" ({number})" if number > 1 else ""
    return name[: 31 - len(suffix)] + suffix


def _cells(row_number: int, row: Sequence[Any], letters: Sequence[str], style: str) -> str:
    """One row of SpreadsheetML; empty cells are left out."""
    parts = [f'<row r="{row_number}">']
    append = parts.append
    for letter, value in zip(letters, row, strict=False):
        if value is None:
            continue
        kind = type(value)
        if kind is int or (kind is float and math.isfinite(value)) or kind is decimal.Decimal:
            append(f'<c r="{letter}{row_number}"{style}><v>{value}</v></c>')
            continue
        if kind is bool:
            append(f'<c r="{letter}{row_number}"{style} t="b"><v>{int(value)}</v></c>')
            continue
        text = value if kind is str else str(value)
        if text[:1] in RISKY_START:
            text = safe_text(text)
        if _NEEDS_ESCAPE.search(text):
            text = text.translate(_ESCAPE)
        if not text:
            continue
        space = ' xml:space="preserve"' if text[0] in _XML_SPACE or text[-1] in _XML_SPACE else ""
        append(
            f'<c r="{letter}{row_number}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        )
    append("</row>")
    return "".join(parts)


class _SheetWriter:
    def __init__(
        self,
        book: zipfile.ZipFile,
        number: int,
        header: Sequence[object],
        *,
        right_to_left: bool,
        width: float,
    ) -> None:
        self.stream = book.open(f"xl/worksheets/sheet{number}.xml", "w")
        self.letters = [column_letters(i) for i in range(max(len(header), 1))]
        self.rows = 0
        self.pending: list[str] = []
        self.pending_size = 0
        view = ' rightToLeft="1"' if right_to_left else ""
        selected = ' tabSelected="1"' if number == 1 else ""
        self.pending.append(
            f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews>'
            f'<sheetView{view}{selected} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<cols><col min="1" max="{len(self.letters)}" width="{width}" customWidth="1"/></cols>'
            "<sheetData>"
        )
        self.add(header, style=' s="1"')

    def add(self, row: Sequence[object], style: str = "") -> None:
        self.rows += 1
        text = _cells(self.rows, row, self.letters, style)
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        self.stream.write("".join(self.pending).encode("utf-8"))
        self.pending = []
        self.pending_size = 0

    def close(self) -> None:
        self.pending.append("</sheetData></worksheet>")
        self.flush()
        self.stream.close()


def write_workbook(
    handle: IO[bytes],
    sheets: Iterable[Sheet],
    *,
    right_to_left: bool = False,
    max_rows: int = MAX_ROWS,
    width: float = 18,
) -> int:
    """Write `sheets`, each (name, header, rows), as a workbook into the binary file `handle`.

    Rows beyond `max_rows` per sheet (header included) continue on "name (2)", "name (3)"...
    Returns the number of data rows written.
    """
    written = 0
    names: list[str] = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:

        def start(name: str, header: Sequence[object], part: int) -> _SheetWriter:
            names.append(sheet_name(name, part))
            return _SheetWriter(book, len(names), header, right_to_left=right_to_left, width=width)

        for name, header, rows in sheets:
            part = 1
            sheet = start(name, header, part)
            for row in rows:
                if sheet.rows >= max_rows:
                    sheet.close()
                    part += 1
                    sheet = start(name, header, part)
                sheet.add(row)
                written += 1
            sheet.close()
        if not names:
            raise ValueError("a workbook needs at least one sheet")
        _write_package(book, names)
    return written


def write_xlsx(
    handle: IO[bytes],
    name: str,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    **options: Unpack[WorkbookOptions],
) -> int:
    """Write one list (`header`, then `rows`) as a workbook into `handle`; see `write_workbook`."""
    return write_workbook(handle, [(name, header, rows)], **options)


def _write_package(book: zipfile.ZipFile, sheets: Sequence[str]) -> None:
    """The parts that name the sheets, written once their number is known."""
    listed = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
        for i, title in enumerate(sheets, start=1)
    )
    book.writestr(
        "xl/workbook.xml",
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{listed}</sheets></workbook>',
    )
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    styles_id = len(sheets) + 1
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{relations}'
        f'<Relationship Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>",
    )
    book.writestr("xl/styles.xml", _STYLES)
    book.writestr(
        "_rels/.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    book.writestr(
        "[Content_Types].xml",
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        f"{overrides}</Types>",
    )


def workbook_file(sheets: Iterable[Sheet], **options: Unpack[WorkbookOptions]) -> IO[bytes]:
    """The workbook of `sheets` (see `write_workbook`) in a temporary file, positioned at its
    start (the response closes it)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        write_workbook(handle, sheets, **options)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def xlsx_file(
    name: str,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    **options: Unpack[WorkbookOptions],
) -> IO[bytes]:
    """One list's workbook in a temporary file, positioned at its start."""
    return workbook_file([(name, header, rows)], **options)


# --- Report files: figure tables and their charts, through xlsxwriter ---------------------------

CHART_TYPES = {"bar": "bar", "line": "line"}


def tables_xlsx(
    title: str,
    subtitle: str,
    tables: Iterable[Mapping[str, Any]],
    *,
    right_to_left: bool = True,
    sheet_names: tuple[str, str, str] | None = None,
) -> bytes:
    """The bytes of a workbook of figure tables: a figures sheet and one chart sheet each.

    `tables` are dicts with "title", "columns", "rows", "total" (a row or None), "note" and
    "chart" (a core.charts spec or None). The figures sheet holds every table under its title,
    as people read them (a hidden figure's marker as text). Charts cannot plot text, so each
    chart reads a hidden sheet that repeats its numbers with every other cell left blank: Excel
    and LibreOffice draw a gap there. `sheet_names` = (figures, chart data, chart prefix).
    """
    figures_name, data_name, chart_prefix = sheet_names or ("Figures", "Chart data", "Chart")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    heading = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    cell = book.add_format({"border": 1})
    figures = book.add_worksheet(figures_name[:31])
    data_sheet = book.add_worksheet(data_name[:31])
    data_sheet.hide()
    for sheet in (figures, data_sheet):
        if right_to_left:
            sheet.right_to_left()
    figures.set_column(0, 0, 34)
    figures.set_column(1, 12, 16)
    figures.write_string(0, 0, safe_cell(title), heading)
    figures.write_string(1, 0, safe_cell(subtitle))

    row, data_row, chart_number = 3, 0, 0
    for table in tables:
        figures.write_string(row, 0, safe_cell(table["title"]), heading)
        row += 1
        _write_row(figures, row, table["columns"], bold)
        row += 1
        for values in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            _write_row(figures, row, values, cell)
            row += 1
        if table.get("note"):
            figures.write_string(row, 0, safe_cell(table["note"]))
            row += 1
        row += 1
        if table.get("chart"):
            chart_number += 1
            data_row = _chart_sheet(
                book, data_sheet, data_name, data_row, table, f"{chart_prefix} {chart_number}"
            )
    book.close()
    return buffer.getvalue()


def _write_row(sheet: Any, row: int, values: Iterable[object], style: Any) -> None:
    for column, value in enumerate(values):
        value = safe_cell(value)
        if isinstance(value, str):
            sheet.write_string(row, column, value, style)
        else:
            sheet.write(row, column, value, style)


def _chart_point(value: object) -> int | float | None:
    """A number a chart can plot, or None for a gap (a hidden figure, a missing one)."""
    return value if isinstance(value, (int, float)) else None


def _chart_sheet(
    book: Any, data_sheet: Any, data_name: str, first_row: int, table: Mapping[str, Any], name: str
) -> int:
    """Copy the chart's numbers to the hidden sheet and add a chart sheet that plots them."""
    spec = table["chart"]
    labels = spec["labels"]
    data_sheet.write_string(first_row, 0, safe_cell(table["title"]))
    for index, label in enumerate(labels, start=1):
        data_sheet.write_string(first_row + index, 0, safe_cell(label))
    chart_type = CHART_TYPES.get(spec["type"], "bar")
    if chart_type == "bar" and not spec.get("horizontal"):
        chart_type = "column"
    options: dict[str, str] = {"type": chart_type}
    if spec.get("stacked") and chart_type in ("bar", "column"):
        options["subtype"] = "stacked"
    chart = book.add_chart(options)
    last = first_row + len(labels)
    for column, dataset in enumerate(spec["datasets"], start=1):
        data_sheet.write_string(first_row, column, safe_cell(dataset["label"]))
        for index, value in enumerate(dataset["data"], start=1):
            value = _chart_point(value)
            if value is not None:
                data_sheet.write_number(first_row + index, column, value)
        chart.add_series(
            {
                "name": [data_name, first_row, column],
                "categories": [data_name, first_row + 1, 0, last, 0],
                "values": [data_name, first_row + 1, column, last, column],
            }
        )
    chart.set_title({"name": table["title"]})
    chart.show_blanks_as("gap")
    if len(spec["datasets"]) == 1:
        chart.set_legend({"none": True})
    sheet = book.add_chartsheet(name[:31])
    sheet.set_chart(chart)
    return last + 2
