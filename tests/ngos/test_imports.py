"""Issue 8: importing organisations and staff on the shared spreadsheet pipeline (FU-05, AC-07)."""

import csv
import io

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from core.permissions import Role
from imports.models import ImportJob
from imports.registry import all_kinds
from imports.services import import_job_create, import_job_preview, import_job_run
from ngos.imports import ORGANISATION_COLUMNS, STAFF_COLUMNS, parse_code, parse_role
from ngos.models import Membership, Organisation
from tests.factories import province

ORG_FA = [c.fa for c in ORGANISATION_COLUMNS]
ORG_EN = [c.en for c in ORGANISATION_COLUMNS]
STAFF_FA = [c.fa for c in STAFF_COLUMNS]
STAFF_EN = [c.en for c in STAFF_COLUMNS]


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(header, rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def org_row(code, name="انجمن آزمایشی", province_name="تهران", number="", kind="سمن"):
    return [code, name, "Test society", kind, number, province_name, "۱۳۸۵", "۰۲۱۸۸۰۰۰۰۰۰", "", ""]


def staff_row(username, email, role="مددکار", first="مریم"):
    return [username, first, "رضایی", email, role, "مددکار اجتماعی"]


def run(adm, data, *, kind, organisation=None, name="file.csv", dry_run=False):
    job = import_job_create(
        by=adm, organisation=organisation, name=name, data=data, language="en", kind=kind
    )
    job = import_job_preview(job_id=job.pk)
    if dry_run or job.rows_invalid or job.message:
        return job
    return import_job_run(job_id=job.pk)


@pytest.fixture
def tehran(db):
    return province("tehran")


# --- Values -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NGO0042", "ngo0042", "NGO۰۰۴۲", " ngo 0042 "])
def test_organisation_code_in_any_case_and_digits(text):
    assert parse_code(text) == "NGO0042"


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("مددکار", Role.CASEWORKER),
        ("Caseworker", Role.CASEWORKER),
        ("مدیر سازمان", Role.ORG_MANAGER),
        ("manager", Role.ORG_MANAGER),
    ],
)
def test_roles_in_both_languages(text, role):
    assert parse_role(text) == role


def test_administrator_role_is_not_importable():
    from core.spreadsheets.cells import ParseError

    with pytest.raises(ParseError):
        parse_role("administrator")


# --- Organisations ----------------------------------------------------------------------------


def test_persian_organisations_file_creates_and_then_updates_by_code(adm, tehran):
    rows = [org_row("NGO0042"), org_row("NGO0043", name="کانون کودکان", number="۱۲۳۴۵")]
    job = run(adm, csv_bytes(ORG_FA, rows), kind="organisations")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.organisation is None
    created = Organisation.objects.get(code="NGO0043")
    assert created.name_fa == "کانون کودکان" and created.registration_number == "۱۲۳۴۵"
    assert created.home_province == tehran and created.founded_year == 1385
    assert created.phone == "02188000000"
    assert AuditEvent.objects.filter(action="import", object_id=str(job.pk)).count() == 1

    rows[0][1] = "انجمن تازه"
    again = run(adm, csv_bytes(ORG_FA, rows), kind="organisations")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 1)
    assert Organisation.objects.get(code="NGO0042").name_fa == "انجمن تازه"


def test_english_xlsx_organisations_file_imports(adm, tehran):
    row = ["NGO0050", "انجمن", "Society", "NGO", "", "Tehran", 1390, "", "a@example.org", ""]
    job = run(adm, xlsx_bytes(ORG_EN, [row]), kind="organisations", name="orgs.xlsx")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert Organisation.objects.get(code="NGO0050").email == "a@example.org"


def test_organisations_file_with_one_bad_row_changes_nothing(adm, tehran):
    rows = [org_row("NGO0042"), org_row("NGO0043", province_name="آتلانتیس"), org_row("NGO0042")]
    before = Organisation.objects.count()
    job = run(adm, csv_bytes(ORG_FA, rows), kind="organisations")
    assert job.status == ImportJob.Status.PREVIEWED and job.rows_invalid == 2
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "استان"), (4, "کد سازمان")}
    assert Organisation.objects.count() == before


def test_registration_number_of_another_organisation_is_refused(adm, org_a, tehran):
    org_a.registration_number = "777"
    org_a.save()
    job = run(adm, csv_bytes(ORG_FA, [org_row("NGO0042", number="777")]), kind="organisations")
    assert job.rows_invalid == 1 and job.errors[0]["column"] == "شماره ثبت"


def test_a_ministry_is_not_changed_by_an_organisations_file(adm, ministry, tehran):
    job = run(adm, csv_bytes(ORG_FA, [org_row("MOI")]), kind="organisations")
    assert job.rows_invalid == 1
    ministry.refresh_from_db()
    assert ministry.name_fa == "وزارت کشور"


def test_fault_midway_leaves_no_organisation(adm, tehran, monkeypatch):
    from ngos import imports

    calls = []
    real_save = Organisation.save

    def failing_save(self, *args, **kwargs):
        calls.append(self.code)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(imports.Organisation, "save", failing_save)
    with pytest.raises(RuntimeError):
        run(adm, csv_bytes(ORG_FA, [org_row("NGO0042"), org_row("NGO0043")]), kind="organisations")
    assert not Organisation.objects.filter(code__in=["NGO0042", "NGO0043"]).exists()


# --- Staff --------------------------------------------------------------------------------------


def test_staff_file_invites_new_members_of_the_chosen_organisation(
    adm, org_a, tehran, django_capture_on_commit_callbacks
):
    rows = [staff_row("m.rezaei", "m@example.org"), staff_row("a.karimi", "a@example.org", "مدیر")]
    with django_capture_on_commit_callbacks(execute=True):
        job = run(adm, csv_bytes(STAFF_FA, rows), kind="staff", organisation=org_a)
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    member = Membership.objects.get(user__username="m.rezaei")
    assert member.organisation == org_a and member.role == Role.CASEWORKER
    assert member.title == "مددکار اجتماعی" and not member.user.has_usable_password()
    assert Membership.objects.get(user__username="a.karimi").role == Role.ORG_MANAGER
    assert len(mail.outbox) == 2


def test_english_staff_file_updates_a_member_of_the_organisation(adm, org_a, cw_a, tehran):
    cw_a.email = "cw@example.org"
    cw_a.save()
    row = ["cw_a", "Sara", "Ahmadi", "cw@example.org", "Manager", "Supervisor"]
    job = run(adm, csv_bytes(STAFF_EN, [row]), kind="staff", organisation=org_a)
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1
    cw_a.refresh_from_db()
    assert cw_a.first_name == "Sara" and cw_a.membership.role == Role.ORG_MANAGER
    assert cw_a.membership.title == "Supervisor"


def test_staff_of_another_organisation_cannot_be_changed_by_a_file(adm, org_a, cw_b, tehran):
    job = run(
        adm,
        csv_bytes(STAFF_FA, [staff_row("cw_b", "cwb@example.org", role="مدیر")]),
        kind="staff",
        organisation=org_a,
    )
    assert job.rows_invalid == 1 and job.errors[0]["column"] == "نام کاربری"
    cw_b.refresh_from_db()
    assert cw_b.membership.organisation.code == "NGOB"
    assert cw_b.membership.role == Role.CASEWORKER


def test_staff_file_with_a_taken_email_or_bad_role_imports_nobody(adm, org_a, cw_a, tehran):
    cw_a.email = "taken@example.org"
    cw_a.save()
    rows = [
        staff_row("new.one", "new@example.org"),
        staff_row("new.two", "taken@example.org"),
        staff_row("new.three", "three@example.org", role="وزیر"),
    ]
    job = run(adm, csv_bytes(STAFF_FA, rows), kind="staff", organisation=org_a)
    assert job.rows_invalid == 2
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "ایمیل"), (4, "نقش")}
    assert not get_user_model().objects.filter(username__startswith="new.").exists()


# --- Templates, command, pages ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["organisations", "staff"])
@pytest.mark.parametrize("lang", ["fa", "en"])
def test_templates_have_headers_an_example_and_allowed_values(client_as, adm, kind, lang):
    spec = all_kinds()[kind]
    client = client_as(adm)
    response = client.get(reverse("imports:import_template_kind", args=[kind, lang, "xlsx"]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == spec.header_row(lang)
    assert rows[1] == spec.example_row(lang)
    assert len(book.get_sheet_by_index(1).to_python()) == len(spec.columns) + 1
    response = client.get(reverse("imports:import_template_kind", args=[kind, lang, "csv"]))
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(spec.header_row(lang))


@pytest.mark.parametrize("kind", ["organisations", "staff"])
def test_filled_template_imports(adm, org_a, tehran, kind):
    spec = all_kinds()[kind]
    row = spec.example_values("fa")
    # A real row: not every value the example's (that row is skipped as the example).
    row[0] = {"organisations": "NGO0043", "staff": "m.karimi"}[kind]
    data = csv_bytes(spec.header_row("fa"), [row])
    organisation = org_a if spec.organisation_chosen else None
    job = run(adm, data, kind=kind, organisation=organisation)
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 1


def test_resources_name_the_template_columns():
    for kind in all_kinds().values():
        fields = [f.column_name for f in kind.resource("en").get_export_fields()]
        assert fields and fields == [h for h in kind.header_row("en") if h in fields]


def test_command_imports_organisations_without_an_organisation(adm, tehran, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(ORG_FA, [org_row("NGO0042")]))
    out = io.StringIO()
    call_command("import_data", "organisations", str(path), "--dry-run", stdout=out)
    assert "would create: 1" in out.getvalue()
    assert not Organisation.objects.filter(code="NGO0042").exists()
    call_command("import_data", "organisations", str(path), stdout=out)
    assert Organisation.objects.filter(code="NGO0042").exists()


def test_command_for_staff_needs_an_organisation(adm, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(STAFF_FA, [staff_row("x.y", "x@example.org")]))
    with pytest.raises(CommandError):
        call_command("import_data", "staff", str(path), stdout=io.StringIO())


def upload(client, data, kind, organisation=None):
    payload = {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", data)}
    if organisation is not None:
        payload["organisation"] = organisation.pk
    return client.post(reverse("imports:import_upload"), payload)


@pytest.mark.parametrize("kind", ["organisations", "staff"])
def test_caseworker_and_manager_get_403_on_import_of_every_kind(client_as, cw_a, mgr_a, kind):
    """AC-07: only administrators import."""
    url = reverse("imports:import_template_kind", args=[kind, "fa", "csv"])
    for user in (cw_a, mgr_a):
        client = client_as(user)
        assert client.get(url).status_code == 403
        assert upload(client, b"a,b\n", kind).status_code == 403
    assert ImportJob.objects.count() == 0


def test_administrator_imports_staff_through_the_pages(
    client_as, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    client = client_as(adm)
    data = csv_bytes(STAFF_FA, [staff_row("m.rezaei", "m@example.org")])
    assert upload(client, data, "staff").status_code == 200  # no organisation chosen
    assert ImportJob.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, "staff", org_a)
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.kind == "staff" and job.status == ImportJob.Status.PREVIEWED
    assert client.get(response.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    assert Membership.objects.filter(user__username="m.rezaei", organisation=org_a).exists()


def test_organisations_upload_ignores_a_chosen_organisation(
    client_as, adm, org_a, tehran, django_capture_on_commit_callbacks
):
    data = csv_bytes(ORG_EN, [org_row("NGO0042")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_as(adm), data, "organisations", org_a)
    job = ImportJob.objects.get()
    assert job.organisation is None and job.kind == "organisations"


def test_reupload_of_an_imported_organisations_file_imports_nothing(adm, tehran):
    data = csv_bytes(ORG_FA, [org_row("NGO0042")])
    assert run(adm, data, kind="organisations").status == ImportJob.Status.DONE
    again = run(adm, data, kind="organisations")
    assert again.status == ImportJob.Status.FAILED
    assert Organisation.objects.filter(code="NGO0042").count() == 1
