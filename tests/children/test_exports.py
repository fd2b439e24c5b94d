"""Issue 8: exporting the case list (AC-02 scoping, LG-01 audit, FU-04 formula-safe cells)."""

import csv
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.formulas import safe_cell
from core.models import AuditEvent


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response):
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


@pytest.fixture
def cases(cw_a, cw_b, register):
    return {
        "a1": register(cw_a, given_name="علی"),
        "a2": register(cw_a, given_name="مریم", family_name="کریمی", sex="female"),
        "b": register(cw_b, given_name="زهرا", family_name="محمدی"),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_holds_only_own_organisations_cases(client_as, cw_a, cases, fmt):
    """AC-02: CW-A's export never holds B's case; the count equals A's own."""
    response = client_as(cw_a).get(reverse(f"children:case_export_{fmt}"))
    assert response.status_code == 200
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {cases["a1"].case_number, cases["a2"].case_number}
    assert cases["b"].case_number not in numbers


def test_export_applies_the_list_filters_and_is_audited(client_as, cw_a, cases):
    response = client_as(cw_a).get(
        reverse("children:case_export_csv"), {"sex": "female", "q": "مریم"}
    )
    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [cases["a2"].case_number]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == cw_a
    assert event.detail["rows"] == 1
    assert event.detail["filters"] == {"q": "(search)", "sex": "female"}
    assert "مریم" not in str(event.detail)  # no child's name in the audit log


def test_export_headers_are_the_import_template_columns(client_as, cw_a, cases):
    rows = csv_rows(client_as(cw_a).get(reverse("children:case_export_csv")))
    assert rows[0][:3] == ["شماره پرونده", "نام", "نام خانوادگی"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_exported_as_literal_text(client_as, cw_a, register, fmt):
    """FU-04."""
    register(
        cw_a, given_name='=HYPERLINK("http://x")', family_name="  +1+2", father_name="@SUM(A1)"
    )
    response = client_as(cw_a).get(reverse(f"children:case_export_{fmt}"))
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    row = rows[1]
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert row[2].startswith("'")
    assert row[3] == "'@SUM(A1)"
    if fmt == "xlsx":
        data = b"".join(client_as(cw_a).get(reverse("children:case_export_xlsx")).streaming_content)
        import zipfile

        sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("  -3", "'  -3"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("@x", "'@x"),
        (5, 5),
        ("x\0y", "xy"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_ministry_officer_cannot_export(client_as, min_officer, cases):
    assert client_as(min_officer).get(reverse("children:case_export_csv")).status_code == 403
    assert client_as(min_officer).get(reverse("children:case_export_xlsx")).status_code == 403


def test_case_list_has_export_buttons_keeping_filters(client_as, cw_a, cases):
    response = client_as(cw_a).get(reverse("children:case_list"), {"sex": "female"})
    assert reverse("children:case_export_xlsx") + "?sex=female" in response.content.decode()
