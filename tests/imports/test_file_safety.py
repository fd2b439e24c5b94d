"""Uploads are checked before they are parsed, whatever their kind (FU-01..FU-03)."""

import io
import zipfile

import pytest

from core.spreadsheets import reading
from tests.children.test_imports import EN, csv_bytes, good_rows, xlsx_bytes


@pytest.mark.parametrize("name", ["children.xls", "children.exe", "children.csv.exe", "children"])
def test_other_extensions_are_refused(name):
    """FU-01."""
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload(name, b"a,b\n1,2\n")


def test_renamed_binary_is_refused():
    """FU-01: a PDF or an executable renamed to .csv or .xlsx."""
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("children.csv", b"%PDF-1.7\n...")
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("children.xlsx", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("children.csv", xlsx_bytes(EN, []))


def test_oversize_upload_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("children.csv", b"a," * 100)


def _bomb(entries=None, size=50 * 1024 * 1024):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if entries:
            for i in range(entries):
                archive.writestr(f"xl/media/{i}.xml", "<a/>")
        else:
            archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * size + b"/>")
    return out.getvalue()


def test_zip_bomb_like_xlsx_is_refused_before_the_parser():
    """FU-02: a 50 MB sheet squeezed into a few kilobytes."""
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("bomb.xlsx", data)


def test_xlsx_with_too_many_entries_is_refused():
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("many.xlsx", _bomb(entries=reading.XLSX_MAX_ENTRIES + 1))


def test_xlsx_with_a_dtd_entity_is_refused():
    """FU-03: the billion-laughs prolog in a worksheet part."""
    data = xlsx_bytes(EN, good_rows(1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"?>",
                    b'?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
                    1,
                )
            target.writestr(item, body)
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("lol.xlsx", out.getvalue())


def test_row_cap_stops_reading(monkeypatch):
    """FU-02: reading stops at the row cap."""
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    with pytest.raises(reading.UnsafeFile):
        list(reading.read_rows("csv", csv_bytes(EN, [["x"] * 9] * 20)))


def _sheet_with_cell_at(ref, row):
    data = xlsx_bytes(EN, good_rows(1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                extra = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
                body = body.replace(b"</sheetData>", extra.encode() + b"</sheetData>")
            target.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize(("ref", "row"), [("A1048576", 1048576), ("XFD3", 3)])
def test_sheet_claiming_a_million_rows_or_columns_is_refused_before_the_parser(ref, row):
    """FU-02: one cell far away would make the parser allocate the whole rectangle."""
    with pytest.raises(reading.UnsafeFile):
        reading.check_upload("far.xlsx", _sheet_with_cell_at(ref, row))


def test_ordinary_xlsx_passes_the_checks():
    assert reading.check_upload("ok.xlsx", xlsx_bytes(EN, good_rows(50))) == "xlsx"
