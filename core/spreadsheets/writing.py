"""Writing spreadsheets: exports, templates and error reports, in CSV and XLSX.

Every text cell goes through ``safe_cell`` (FU-04): text that a spreadsheet would run as a
formula — starting with = + - @, tab, CR or NUL after any leading spaces — is written as literal
text. XLSX cells are written with ``write_string`` (never a formula) in xlsxwriter's
constant-memory mode; CSV is produced row by row, so neither holds the whole list in memory.
"""

import datetime
import tempfile

import xlsxwriter

from core.exports import safe_cell as safe_text_cell


def safe_cell(value):
    """`core.exports.safe_cell` (FU-04), keeping dates as dates and booleans as words."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.date):
        return value
    return safe_text_cell(value)


def xlsx_file(sheets, *, right_to_left=False):
    """Write ``sheets`` = [(name, rows)] to a temporary file and return it, positioned at 0.

    The first row of each sheet is its header (bold, frozen).
    """
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    book = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    for name, rows in sheets:
        sheet = book.add_worksheet(name[:31])
        if right_to_left:
            sheet.right_to_left()
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                value = safe_cell(value)
                if r == 0:
                    sheet.write_string(r, c, str(value), bold)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    book.close()
    handle.seek(0)
    return handle
