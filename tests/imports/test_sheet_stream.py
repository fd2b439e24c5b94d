"""An XLSX sheet read a row at a time gives calamine's rows, or leaves the file to calamine
(core/spreadsheets/sheet_stream.py, issue 16: a worker's memory)."""

import datetime
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from core.spreadsheets import reading, sheet_stream


def book(write, **options):
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, **options})
    write(workbook, workbook.add_worksheet())
    workbook.close()
    return out.getvalue()


def calamine_rows(data):
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return [list(row) for row in sheet.iter_rows()]


def mixed(workbook, sheet):
    sheet.write_string("C3", "نام")
    sheet.write_number("D3", 12)
    sheet.write_number("E3", 1.5)
    sheet.write_boolean("F3", True)
    sheet.write_formula("D5", "=1+1", None, 2)
    sheet.write_formula("E5", '="a"&"b"', None, "ab")
    sheet.write_string("E6", " ")
    sheet.write_string("F8", 'x&y<z "q"')
    sheet.write_rich_string("C9", "ز", workbook.add_format({"bold": 1}), "هرا")
    sheet.write_blank("H10", None, workbook.add_format({"bold": 1}))


def empty(workbook, sheet):
    pass


@pytest.mark.parametrize("write", [mixed, empty])
@pytest.mark.parametrize("options", [{}, {"constant_memory": True}])
def test_a_sheet_read_row_by_row_gives_calamines_rows(write, options):
    data = book(write, **options)
    streamed = sheet_stream.rows(io.BytesIO(data))
    assert streamed is not None
    assert list(streamed) == calamine_rows(data)


def test_a_sheet_with_date_cells_is_left_to_calamine():
    def dated(workbook, sheet):
        sheet.write_string("A1", "تاریخ")
        sheet.write_datetime(
            "A2", datetime.datetime(2020, 1, 2), workbook.add_format({"num_format": "yyyy-mm-dd"})
        )

    data = book(dated)
    assert sheet_stream.rows(io.BytesIO(data)) is None
    rows = list(reading.read_rows("xlsx", data))
    assert rows[1] == [datetime.date(2020, 1, 2)]


def test_the_import_reads_the_same_rows_either_way():
    data = book(mixed, constant_memory=True)
    expected = [[None if cell == "" else cell for cell in row] for row in calamine_rows(data)]
    assert list(reading.read_rows("xlsx", data)) == expected
    assert list(reading.read_rows("xlsx", io.BytesIO(data))) == expected
