"""The import pages: upload, preview, confirm, error report and templates (AC-07), shown with the
children kind."""

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from children.imports.columns import header_row
from children.models import Case
from core.models import AuditEvent
from imports.models import ImportJob
from imports.services import import_job_create
from tests.children.conftest import by_testid
from tests.children.test_imports import FA, csv_bytes, good_rows, run


def upload(client, org, data, name="children.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("imports:import_upload"),
        {"organisation": org.pk, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("name", ["import_upload", "import_template_fa"])
def test_caseworker_and_manager_get_403_on_import(client_as, cw_a, mgr_a, name):
    """AC-07: CW-A gets 403 on import."""
    url = (
        reverse("imports:import_template", args=["fa", "xlsx"])
        if name == "import_template_fa"
        else reverse("imports:import_upload")
    )
    for user in (cw_a, mgr_a):
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url, {}).status_code == 403


def test_caseworker_cannot_see_or_confirm_a_job(client_as, adm, cw_a, org_a, tehran):
    job = import_job_create(
        by=adm, organisation=org_a, name="c.csv", data=csv_bytes(FA, good_rows(1))
    )
    client = client_as(cw_a)
    assert client.get(reverse("imports:import_detail", args=[job.pk])).status_code == 403
    assert client.post(reverse("imports:import_confirm", args=[job.pk])).status_code == 403
    assert client.get(reverse("imports:import_errors", args=[job.pk])).status_code == 403


def test_administrator_uploads_previews_and_imports(
    client_as, adm, org_a, mgr_a, tehran, django_capture_on_commit_callbacks
):
    client = client_as(adm)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, org_a, csv_bytes(FA, good_rows(3)))
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.created_count == 3
    # The preview offers the import: the form that confirms this job.
    page = client.get(response.url).content.decode()
    confirm = reverse("imports:import_confirm", args=[job.pk])
    assert f'<form method="post" action="{confirm}" data-testid="import-confirm">' in page
    assert Case.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Case.objects.filter(organisation=org_a).count() == 3


def test_upload_of_a_renamed_binary_shows_the_reason(client_as, adm, org_a):
    response = upload(client_as(adm), org_a, b"%PDF-1.4 ...", name="children.csv")
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert "csv" in response.content.decode()


def test_preview_lists_each_bad_row_and_the_error_report_holds_original_values(
    client_as, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    rows = good_rows(3)
    rows[1][3] = "؟"  # only punctuation: not a word to map, an error
    rows[2][4] = "31/02/1396"
    client = client_as(adm)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, org_a, csv_bytes(FA, rows))
    page = client.get(response.url)
    text = page.content.decode()
    assert 'data-row="3"' in text and 'data-row="4"' in text
    assert "import-confirm" not in text
    # Beside each reason, what the cell held.
    assert [e["value"] for e in ImportJob.objects.get().errors] == ["؟", "31/02/1396"]
    assert '<bdi class="as-typed" data-testid="error-value">؟</bdi>' in text
    report = client.get(reverse("imports:import_errors", args=[ImportJob.objects.get().pk]))
    data = b"".join(report.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][1:-1] == FA
    assert [int(r[0]) for r in sheet[1:]] == [3, 4]
    assert sheet[1][4] == "؟"  # the original value, as typed
    assert sheet[2][5] == "31/02/1396"
    assert "جنسیت" in sheet[1][-1]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_templates_have_headers_an_example_and_allowed_values(client_as, adm, lang, tehran):
    client = client_as(adm)
    response = client.get(reverse("imports:import_template", args=[lang, "xlsx"]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[0] == header_row(lang)
    assert len(book.sheet_names) == 2
    csv_text = client.get(reverse("imports:import_template", args=[lang, "csv"])).content
    assert csv_text.decode("utf-8-sig").splitlines()[0] == ",".join(header_row(lang))


def test_filled_template_imports(client_as, adm, org_a, mgr_a, tehran):
    """The template's own example row (marked «مثال») is skipped; a row typed below it goes in."""
    from imports.registry import get_kind

    response = client_as(adm).get(reverse("imports:import_template", args=["fa", "csv"]))
    values = get_kind("children").example_values("fa")
    values[2] = "کریمی"  # a real child: not the example's values, all of them
    row = ",".join(values)
    job = run(adm, org_a, response.content + row.encode() + b"\r\n")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["example_rows"] == [2]
    assert Case.objects.get().given_name == "محمدرضا"


def test_navbar_links_import_for_administrators_only(client_as, adm, cw_a):
    url = reverse("imports:import_upload")
    assert url in client_as(adm).get(reverse("home")).content.decode()
    assert url not in client_as(cw_a).get(reverse("home")).content.decode()


def test_neighbouring_rows_found_at_the_same_organisation_share_one_line(
    client_as, adm, org_a, cw_b, register, tehran, django_capture_on_commit_callbacks
):
    for i in range(3):
        register(
            cw_b,
            given_name=f"کودک{i}",
            family_name="احمدی",
            father_name="حسن",
            sex="female" if i % 2 == 0 else "male",
            birth_date=datetime.date(2017, 12, 28),
        )
    client = client_as(adm)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, org_a, csv_bytes(FA, good_rows(4)))
    rows = [item["row"] for item in ImportJob.objects.get().summary["likely_duplicates"]]
    assert rows[:3] == [2, 3, 4]  # a fourth may match by a similar name
    lines = by_testid(client.get(response.url), "likely-line")
    assert len(lines) == 1
    assert "۲، ۳، ۴" in lines[0]
