"""Reading exported files back in tests, as a spreadsheet program would."""

import csv
import io
import zipfile

from defusedxml import ElementTree
from python_calamine import CalamineWorkbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    """The CSV's rows; it must start with the BOM Excel needs to read UTF-8."""
    assert response["Content-Type"].startswith("text/csv")
    data = content(response)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_parts(data):
    """Every XML part of the workbook, parsed: a malformed part fails here."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        return {name: ElementTree.fromstring(book.read(name)) for name in book.namelist()}


def xlsx_rows(response, sheet=0):
    """The rows of one sheet, read by python-calamine, after checking every XML part parses."""
    assert response["Content-Type"] == XLSX_TYPE
    data = content(response)
    xlsx_parts(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [[_text(cell) for cell in row] for row in book.get_sheet_by_index(sheet).to_python()]


def _text(cell):
    # Calamine gives numbers as floats: 3.0 is read back as "3", like the CSV.
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def rows_of(response, fmt):
    return csv_rows(response) if fmt == "csv" else xlsx_rows(response)
