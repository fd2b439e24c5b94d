"""What ministry officers receive: no identifying field anywhere (dashboard, its exports, report
pages and files), and files that open: XLSX with chart sheets, PDF with pages."""

import datetime
import io
import shutil
import subprocess
import zipfile

import pytest
import python_calamine
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.persian import to_persian_digits
from core.xlsx import tables_xlsx
from reports import periods
from reports.files.csv import tables_csv
from reports.models import Report
from reports.services import report_build, report_request
from tests.factories import service

from .data import make_case, make_encounter, make_follow_up, make_referral, tehran

ABAN = periods.month(1405, 8)
Q2 = periods.quarter(1405, 2)

# Distinctive values no aggregate may carry.
NAMES = ["شهرزادیکتا", "Zarvandokht", "Qobadianzad", "Bahmanyarzad", "ماهرخ‌نوشین"]
NUMBERS = ["NGOA-UNIQ-77", "04993708", "0912777331", "0935111229"]
PLACES = ["Chaharrah-Zarvand", "Kuy-Nasrinak"]
NEED = "Xyloquent-need"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(tehran(2026, 11, 28, 10), tick=False):
        yield


@pytest.fixture
def identifiable(org_a, org_b, cw_a):
    education = service("education")
    for index in range(6):
        case = make_case(
            org_a,
            cw_a,
            registered_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=index),
            case_number=f"{NUMBERS[0]}{index}",
            given_name=NAMES[0],
            family_name=NAMES[1],
            father_name=NAMES[2],
            guardian_name=NAMES[3],
            workplace=NAMES[4],
            documentation="national_id",
            id_number=f"{NUMBERS[1]}{index:02d}",
            phone=f"{NUMBERS[2]}{index}",
            guardian_phone=f"{NUMBERS[3]}{index}",
            district=PLACES[1],
        )
        make_referral(
            case,
            org_b,
            education,
            sent_at=tehran(2026, 11, 1 + index),
            need=NEED,
            sender_note=NAMES[0],
        )
        encounter = make_encounter(
            org_a, cw_a, occurred_at=tehran(2026, 9, 10 + index), male_6_11=1
        )
        encounter.hotspot = PLACES[0]
        encounter.save()


def built(kind, period):
    report = report_request(kind=kind, period=period)
    assert report_build(report_id=report.pk, run_id=str(report.run_id)) == "built"
    report.refresh_from_db()
    return report


def content_of(response):
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def xlsx_text(data):
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = []
    for sheet in book.sheets_metadata:
        if str(sheet.typ).endswith("WorkSheet"):
            for row in book.get_sheet_by_name(sheet.name).to_python():
                cells += [str(cell) for cell in row]
    return "\n".join(cells)


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def without_zwnj(value):
    return value.replace("\u200c", "")


def assert_nothing_identifying(text, where):
    forbidden = [*NAMES, *PLACES, NEED]
    forbidden += [*NUMBERS, *[to_persian_digits(number) for number in NUMBERS]]
    found = [value for value in forbidden if value in text]
    assert found == [], where


def test_no_identifying_field_reaches_a_ministry_officer(identifiable, client_as, min_officer):
    reports = [
        built(Report.Kind.QUARTERLY_SUMMARY, Q2),
        built(Report.Kind.MONTHLY_REFERRALS, ABAN),
    ]
    client = client_as(min_officer)
    query = {"quarter": Q2.key}
    pages = {
        "dashboard": client.get(reverse("reports:national_dashboard"), query),
        "csv": client.get(reverse("reports:national_export", args=["csv"]), query),
    }
    for name, response in pages.items():
        assert_nothing_identifying(content_of(response).decode(), name)
    xlsx = content_of(client.get(reverse("reports:national_export", args=["xlsx"]), query))
    assert_nothing_identifying(xlsx_text(xlsx), "dashboard xlsx")
    for report in reports:
        detail = client.get(reverse("reports:report_detail", args=[report.pk]))
        assert_nothing_identifying(content_of(detail).decode(), f"{report} page")
        data = content_of(client.get(reverse("reports:report_file", args=[report.pk, "xlsx"])))
        assert_nothing_identifying(xlsx_text(data), f"{report} xlsx")
        data = content_of(client.get(reverse("reports:report_file", args=[report.pk, "pdf"])))
        assert_nothing_identifying(pdf_text(data), f"{report} pdf")
        assert_nothing_identifying(str(report.data), f"{report} data")
    # The figures are there all the same: six referrals sent in Aban, six children in Q2.
    assert reports[1].data["summary"] == {"sent": 6}
    assert reports[0].data["summary"]["registered"] == 6


def chart_sheets(data):
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [s for s in book.sheets_metadata if str(s.typ).endswith("ChartSheet")]


def test_report_files_open_with_chart_sheets_and_pdf_pages(identifiable, tmp_path):
    report = built(Report.Kind.MONTHLY_REFERRALS, ABAN)
    xlsx = report.xlsx.read()
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    first = book.sheets_metadata[0]
    assert str(first.typ).endswith("WorkSheet")
    rows = book.get_sheet_by_name(first.name).to_python()
    assert rows[0][0] == report.data["title"]
    charted = [table for table in report.data["tables"] if table.get("chart")]
    assert len(chart_sheets(xlsx)) == len(charted) == 4
    hidden = [s for s in book.sheets_metadata if str(s.visible).endswith("Hidden")]
    assert len(hidden) == 1  # the chart data
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        names = archive.namelist()
    assert len([n for n in names if n.startswith("xl/chartsheets/sheet")]) == 4
    assert len([n for n in names if n.startswith("xl/charts/chart")]) == 4

    pdf = report.pdf.read()
    reader = PdfReader(io.BytesIO(pdf))
    text = pdf_text(pdf)
    lines = text.splitlines()
    pages = to_persian_digits(len(reader.pages))
    assert f"صفحه ۱ از {pages}" in text and f"صفحه {pages} از {pages}" in text
    title_words = without_zwnj(report.data["title"]).split()
    assert all(word in text for word in title_words if not word[-1].isdigit())
    for table in report.data["tables"]:
        # The extracted text loses ZWNJ and runs right-to-left rows in either direction, so a
        # row is found by its label and compared as the multiset of its digits.
        assert without_zwnj(table["title"]) in text, table["id"]
        label, *figures = table["total"]
        if all(isinstance(figure, int) for figure in figures):
            digits = sorted("".join(to_persian_digits(figure) for figure in figures))
            assert digits in [sorted(line.replace(label, "")) for line in lines if label in line]
        if table.get("chart"):
            # Each label is written beside its bar as well as in its table row.
            for chart_label in table["chart"]["labels"]:
                assert text.count(without_zwnj(chart_label)) >= 2, (table["id"], chart_label)
    if pdftoppm := shutil.which("pdftoppm"):
        path = tmp_path / "report.pdf"
        path.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob("p*.png"))


def test_the_dashboard_export_has_a_chart_sheet_per_chart(client_as, min_officer, dataset):
    response = client_as(min_officer).get(
        reverse("reports:national_export", args=["xlsx"]), {"quarter": "1405-Q3"}
    )
    data = content_of(response)
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-1405-Q3.xlsx"'
    assert len(chart_sheets(data)) >= 5
    text = xlsx_text(data)
    assert "<5" in text  # suppressed figures travel as text


def test_quarterly_report_files_open(dataset):
    report = built(Report.Kind.QUARTERLY_SUMMARY, Q2)
    assert report.data["summary"]["registered"] == 19
    assert chart_sheets(report.xlsx.read())
    assert len(PdfReader(io.BytesIO(report.pdf.read())).pages) >= 2


def test_the_checks_above_would_see_an_identifier_if_one_were_there(identifiable, org_a):
    """A positive control: the backlog (for managers) lists case numbers and names, and the
    readers used above find them in its XLSX and PDF."""
    for case in org_a.cases.all():
        make_follow_up(case, due_on=datetime.date(2026, 11, 22))
    report = report_request(
        kind=Report.Kind.WEEKLY_BACKLOG,
        period=periods.from_key("W1405-08-30"),
        organisation=org_a,
    )
    report_build(report_id=report.pk, run_id=str(report.run_id))
    report.refresh_from_db()
    xlsx = xlsx_text(report.xlsx.read())
    assert NUMBERS[0] in xlsx and NAMES[0] in xlsx
    pdf = pdf_text(report.pdf.read())
    assert NUMBERS[0] in pdf and NAMES[1] in pdf
    with pytest.raises(AssertionError):
        assert_nothing_identifying(xlsx, "backlog")


def test_text_in_report_files_never_becomes_a_formula():
    """Resolution texts and organisation names reach the files: they stay text (FU-04)."""
    table = {
        "id": "t",
        "title": "=cmd|'/c calc'!A1",
        "columns": ["+Name", "Number"],
        "rows": [['=HYPERLINK("http://example.org","x")', 3], ["@SUM(1)", "<5"]],
        "total": ["-Total", 3],
        "chart": None,
        "note": "",
    }
    data = tables_xlsx("=title", "subtitle", [table])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet for sheet in sheets)
    text = xlsx_text(data)
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'=title" in text
    csv = tables_csv("=title", "s", [table])
    assert "\n=" not in csv and ",=" not in csv and "'=HYPERLINK" in csv
