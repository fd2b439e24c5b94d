"""The shared export machinery (issue 8): formula-safe cells (FU-04), the XLSX writer, CSV chunks,
the audit detail of filters."""

import datetime
import io
import zipfile

import pytest
from django import forms
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from core import exports, xlsx
from tests.spreadsheets import xlsx_parts


def read_xlsx(data, sheet=0):
    xlsx_parts(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book, book.get_sheet_by_index(sheet).to_python()


def written(header, rows, **options):
    handle = io.BytesIO()
    xlsx.write_xlsx(handle, "Sheet", header, rows, **options)
    return handle.getvalue()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+98 912", "'+98 912"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1", "'  =1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0=x", "'=x"),
        ("a=b", "a=b"),
        ("علی", "علی"),
        ("", ""),
        (None, ""),
        (5, 5),
        (-5, -5),
        (2.5, 2.5),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert exports.safe_cell(value) == expected


def test_xlsx_holds_text_numbers_and_a_bold_frozen_header():
    data = written(["Name", "Age"], [["علی", 12], ["  spaced  ", 3.5], ["a<b & c>d", None]])
    _book, rows = read_xlsx(data)
    assert rows == [["Name", "Age"], ["علی", 12.0], ["  spaced  ", 3.5], ["a<b & c>d", ""]]
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in sheet
    assert '<c r="A1" s="1" t="inlineStr">' in sheet  # the bold style
    assert "rightToLeft" not in sheet


def test_xlsx_sheet_is_right_to_left_on_request():
    data = written(["نام"], [["علی"]], right_to_left=True)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in sheet


def test_xlsx_drops_characters_xml_forbids_and_keeps_line_breaks():
    data = written(["A"], [["a\x01b\x1fc"], ["one\ntwo"], ["cr\rhere"]])
    _book, rows = read_xlsx(data)
    assert rows[1] == ["abc"]
    assert rows[2] == ["one\ntwo"]
    assert rows[3][0].replace("\r\n", "\n").replace("\r", "\n") == "cr\nhere"


def test_xlsx_never_writes_a_formula():
    data = written(["A"], [['=HYPERLINK("http://x")'], ["+1"]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    assert b't="inlineStr"' in sheet


def test_xlsx_text_that_looks_like_a_formula_is_written_as_text_whoever_calls():
    # FU-04 holds for every caller of the writer, not only those that call safe_cell first.
    risky = ["=1+2", "+98 912", "-3", "@SUM(A1)", "  =1", "\tx", "\rx", "\0=x", "'=1", "a=b"]
    _book, rows = read_xlsx(written(["=header"], [[value] for value in risky]))
    read = [row[0].replace("\r\n", "\r").replace("\n", "\r") for row in rows]
    assert read == [
        "'=header",
        *("'=1+2", "'+98 912", "'-3", "'@SUM(A1)", "'  =1", "'\tx", "'\rx", "'=x"),
        *("'=1", "a=b"),  # marked once; no formula start, no mark
    ]


def test_a_workbook_of_several_lists_keeps_each_under_its_own_header():
    handle = io.BytesIO()
    count = xlsx.write_workbook(
        handle,
        [("Rows", ["a", "b"], [["x", 1], ["y", 2]]), ("Allowed", ["c"], [["z"]])],
        max_rows=2,
    )
    book, first = read_xlsx(handle.getvalue())
    assert count == 3
    assert book.sheet_names == ["Rows", "Rows (2)", "Allowed"]
    assert first == [["a", "b"], ["x", 1.0]]
    assert book.get_sheet_by_index(1).to_python() == [["a", "b"], ["y", 2.0]]
    assert book.get_sheet_by_index(2).to_python() == [["c"], ["z"]]


def test_a_list_longer_than_a_sheet_continues_on_the_next_under_the_same_header():
    data = written(["N"], ([n] for n in range(5)), max_rows=3)
    book, first = read_xlsx(data)
    assert book.sheet_names == ["Sheet", "Sheet (2)", "Sheet (3)"]
    assert first == [["N"], [0.0], [1.0]]
    assert book.get_sheet_by_index(1).to_python() == [["N"], [2.0], [3.0]]
    assert book.get_sheet_by_index(2).to_python() == [["N"], [4.0]]


def test_sheet_names_are_ones_excel_accepts():
    assert xlsx.sheet_name("a/b:c*?[d]") == "a b c   d"
    assert len(xlsx.sheet_name("x" * 40, 12)) == 31
    assert xlsx.sheet_name("x" * 40, 12).endswith(" (12)")


def test_column_letters():
    assert [xlsx.column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_csv_chunks_start_with_a_bom_and_are_formula_safe():
    rows = ([f"=row {n}", n] for n in range(5000))
    data = b"".join(exports.csv_chunks(["a", "b"], rows))
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "a,b"
    assert lines[1] == "'=row 0,0"
    assert len(lines) == 5001


def test_csv_chunks_are_bounded():
    rows = (["x" * 100] for _ in range(5000))
    sizes = [len(chunk) for chunk in exports.csv_chunks(["a"], rows)]
    assert len(sizes) > 5
    assert max(sizes) < 2 * 65536


def test_memo_renders_each_value_once_and_stays_bounded():
    calls = []
    memo = exports.Memo(lambda v: calls.append(v) or v * 2, limit=3)
    assert [memo(1), memo(1), memo(2)] == [2, 2, 4]
    assert calls == [1, 2]
    for value in range(10):
        memo(value)
    assert len(memo.values) <= 3


def test_dates_follow_the_language():
    moment = timezone.make_aware(datetime.datetime(2017, 12, 28, 9, 5))
    assert exports.Dates("fa").date(datetime.date(2017, 12, 28)) == "۱۳۹۶/۱۰/۰۷"
    assert exports.Dates("fa").datetime(moment) == "۱۳۹۶/۱۰/۰۷ ۰۹:۰۵"
    assert exports.Dates("en").date(moment) == "2017-12-28"
    assert exports.Dates("en").datetime(moment) == "2017-12-28 09:05"
    assert exports.Dates("en").date(None) == ""


def test_export_language_follows_the_active_language():
    with translation.override("en"):
        assert exports.export_language() == "en"
    with translation.override("fa"):
        assert exports.export_language() == "fa"


class _Filters(forms.Form):
    q = forms.CharField(required=False)
    day = forms.DateField(required=False)
    number = forms.IntegerField(required=False)


class _FakeFilterSet:
    def __init__(self, data):
        self.form = _Filters(data)


def test_filter_detail_hides_search_words_and_leaves_out_refused_filters():
    detail = exports.filter_detail(
        _FakeFilterSet({"q": "مریم", "day": "2026-11-01", "number": "not a number"})
    )
    assert detail == {"q": exports.SEARCH_MARKER, "day": "2026-11-01"}


def test_filter_detail_of_an_unfiltered_list_is_empty():
    assert exports.filter_detail(_FakeFilterSet(None)) == {}


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        exports.export_response("pdf", name="x", sheet="x", header=[], rows=[], lang="en")
