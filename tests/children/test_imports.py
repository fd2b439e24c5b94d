"""Issue 8: importing children from CSV and XLSX (FU-01..FU-06, RE-01, LG-01, AC-07)."""

import csv
import datetime
import io
import threading

import pytest
import xlsxwriter
from django.db import connection
from django.urls import reverse

from children.imports import load
from children.imports.columns import COLUMNS, header_row
from children.imports.parsing import (
    ParseContext,
    ParseError,
    parse_date,
    parse_documentation,
    parse_nationality,
    parse_province,
    parse_school_status,
    parse_sex,
    parse_work_type,
)
from children.models import Case, Consent
from core.models import AuditEvent
from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.factories import province

EN = [
    "First name",
    "Last name",
    "Father's name",
    "Sex",
    "Date of birth",
    "Nationality",
    "Documentation status",
    "ID document number",
    "Province",
]
FA = [
    "نام",
    "نام خانوادگی",
    "نام پدر",
    "جنسیت",
    "تاریخ تولد",
    "ملیت",
    "وضعیت مدرک",
    "شماره مدرک",
    "استان",
]


def good_rows(n, start=0):
    return [
        [
            f"کودک{i}",
            "احمدی",
            "حسن",
            "پسر" if i % 2 else "دختر",
            "1396/10/07",
            "افغانستانی",
            "کارت آمایش",
            "",
            "تهران",
        ]
        for i in range(start, start + n)
    ]


def csv_bytes(header, rows, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(header, rows):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


@pytest.fixture
def tehran(db):
    return province("tehran")


@pytest.fixture
def words(db):
    """A file's context with everyone's vocabulary (the words are data, docs/adr/0018)."""
    from imports.vocabulary import load_vocabulary

    return ParseContext([], load_vocabulary(None))


@pytest.fixture
def context(tehran):
    province("razavi-khorasan")
    return ParseContext.load()


def run(adm, org, data, name="children.csv", dry_run=False):
    job = import_job_create(by=adm, organisation=org, name=name, data=data, language="en")
    job = import_job_preview(job_id=job.pk)
    if dry_run or job.rows_invalid or job.message:
        return job
    return import_job_run(job_id=job.pk)


# --- Values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["1396/10/07", "۱۳۹۶/۱۰/۰۷", "٩٦/١٠/٧", "96/10/7", "1396-10-07", "2017-12-28"]
)
def test_dates_in_every_form_read_as_the_same_day(text):
    assert parse_date(text) == datetime.date(2017, 12, 28)


def test_spreadsheet_date_cell_is_read(db):
    assert parse_date(datetime.date(2017, 12, 28)) == datetime.date(2017, 12, 28)


@pytest.mark.parametrize("text", ["1404/12/30", "07/10/1396", "نامعلوم"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ParseError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("پسر", "male"),
        ("مذکر", "male"),
        ("Boy", "male"),
        ("MALE", "male"),
        ("m", "male"),
        ("دختر", "female"),
        ("مؤنث", "female"),
        ("مونث", "female"),
        ("girl", "female"),
        ("Female", "female"),
    ],
)
def test_sex_words_in_both_languages(words, text, value):
    assert parse_sex(text, words) == value


def test_unknown_sex_is_refused(words):
    with pytest.raises(ParseError):
        parse_sex("نمیدانم", words)


@pytest.mark.parametrize(
    "text",
    ["تهران", "استان تهران", "استان‌تهران", "Tehran", "tehran province", "Province of Tehran"],
)
def test_province_by_either_name_with_or_without_the_word_province(context, tehran, text):
    assert parse_province(text, context) == tehran.pk


def test_province_with_arabic_letters_is_read(context):
    assert parse_province("خراسان رضوي", context) == province("razavi-khorasan").pk


def test_unknown_province_is_refused(context):
    with pytest.raises(ParseError):
        parse_province("آتلانتیس", context)


@pytest.mark.parametrize(
    ("parser", "text", "value"),
    [
        (parse_nationality, "افغانستانی", "afghan"),
        (parse_nationality, "Afghan", "afghan"),
        (parse_nationality, "ايراني", "iranian"),
        (parse_documentation, "کارت آمایش", "amayesh"),
        (parse_documentation, "undocumented", "undocumented"),
        (parse_documentation, "فاقد مدرک", "undocumented"),
        (parse_documentation, "کد ملی", "national_id"),
        (parse_documentation, "شناسنامه", "national_id"),
        (parse_documentation, "برگه سرشماری", "other"),
        (parse_work_type, "دستفروشی", "street_vending"),
        (parse_work_type, "Waste collection", "waste_picking"),
        (parse_school_status, "ترک تحصیل", "dropped_out"),
        (parse_school_status, "Enrolled", "enrolled"),
    ],
)
def test_choice_words_in_both_languages(words, parser, text, value):
    assert parser(text, words) == value


# --- Whole files ---------------------------------------------------------------------------


def test_persian_csv_imports_with_a_consent_and_one_audit_row(adm, org_a, mgr_a, tehran):
    job = run(adm, org_a, csv_bytes(FA, good_rows(3)))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 3
    cases = Case.objects.filter(organisation=org_a)
    assert cases.count() == 3
    case = cases.get(given_name="کودک1")
    assert case.birth_date == datetime.date(2017, 12, 28)
    assert case.sex == "male" and case.nationality == "afghan" and case.province == tehran
    assert case.assigned_to == mgr_a and case.created_by == adm
    assert case.search_compact and case.birth_year == 2017
    consent = Consent.objects.get(case=case)
    assert (consent.given_by, consent.scope, consent.import_job_id) == ("other", ["record"], job.pk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.detail["created"] == 3
    assert event.detail["sha256"] == job.sha256
    assert event.organisation == org_a


def test_english_xlsx_with_persian_digits_and_numbers_imports(adm, org_a, mgr_a, tehran):
    rows = [
        [
            "Ali",
            "Rezaei",
            "Hassan",
            "boy",
            "۱۳۹۶/۱۰/۰۷",
            "Iranian",
            "national id",
            "0012345679",
            "Tehran province",
        ],
        ["Sara", "", "", "Girl", datetime.date(2015, 1, 2), "Afghan", "Amayesh card", "", "tehran"],
    ]
    data = xlsx_bytes(EN, rows)
    job = run(adm, org_a, data, name="children.xlsx")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert Case.objects.get(given_name="Ali").id_number == "0012345679"
    assert Case.objects.get(given_name="Sara").birth_date == datetime.date(2015, 1, 2)


def test_blank_rows_are_skipped_and_header_may_be_below_a_title(adm, org_a, mgr_a, tehran):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["فهرست کودکان"])
    writer.writerow(FA)
    writer.writerow([""] * 9)
    writer.writerows(good_rows(2))
    writer.writerow([])
    job = run(adm, org_a, out.getvalue().encode("utf-8"))
    assert job.status == ImportJob.Status.DONE
    assert job.rows_read == 2


def test_cp1256_csv_is_read(adm, org_a, mgr_a, tehran):
    rows = [[v.replace("ک", "ك").replace("ی", "ي") for v in row] for row in good_rows(2)]
    header = [v.replace("ی", "ي") for v in FA]
    job = run(adm, org_a, csv_bytes(header, rows, encoding="cp1256"))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert Case.objects.filter(given_name="کودک1").exists()  # Arabic letters cleaned


def test_import_with_bad_rows_changes_nothing_and_names_row_column_reason(
    adm, org_a, mgr_a, tehran
):
    """FU-05."""
    rows = good_rows(4)
    rows[1][4] = "1404/12/30"  # no such day
    rows[2][8] = "آتلانتیس"
    rows[3][6], rows[3][7] = "کد ملی", "0012345678"  # wrong check digit
    job = run(adm, org_a, csv_bytes(FA, rows))
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.rows_invalid == 2
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "تاریخ تولد"),
        (5, "شماره مدرک"),
    ]
    # A province no vocabulary knows waits for the administrator to say which it is (issue 16).
    assert [(u["first_rows"], u["header"]) for u in job.summary["unknown_values"]] == [
        ([4], "استان")
    ]
    assert job.summary["rows_undecided_values"] == 1
    assert Case.objects.count() == 0
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert Case.objects.count() == 0


def test_missing_required_column_refuses_the_file(adm, org_a, tehran):
    job = run(adm, org_a, csv_bytes(FA[:3], [r[:3] for r in good_rows(1)]))
    assert job.status == ImportJob.Status.FAILED
    assert "جنسیت" in job.message or "Sex" in job.message


def test_fault_midway_leaves_zero_rows(adm, org_a, mgr_a, tehran, monkeypatch):
    """RE-01: a fault after staging rolls everything back."""

    def boom():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM import_stage")
            assert cursor.fetchone()[0] == 5
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "_after_staging", boom)
    job = import_job_create(
        by=adm, organisation=org_a, name="c.csv", data=csv_bytes(FA, good_rows(5))
    )
    import_job_preview(job_id=job.pk)
    with pytest.raises(RuntimeError):
        import_job_run(job_id=job.pk)
    assert Case.objects.count() == 0
    assert Consent.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_overlapping_files_match_the_same_children_instead_of_duplicating(
    adm, org_a, mgr_a, tehran
):
    """RE-01: a second file with some of the same children (different hash) updates nothing twice."""
    assert run(adm, org_a, csv_bytes(FA, good_rows(3))).created_count == 3
    job = run(adm, org_a, csv_bytes(FA, good_rows(3, start=2)))
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.unchanged_count) == (2, 1)
    assert Case.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_overlapping_rows_cannot_duplicate(adm, org_a, mgr_a):
    province("tehran")
    jobs = []
    for start in (0, 5):
        job = import_job_create(
            by=adm, organisation=org_a, name="c.csv", data=csv_bytes(FA, good_rows(10, start))
        )
        jobs.append(import_job_preview(job_id=job.pk))
    assert [j.created_count for j in jobs] == [10, 10]  # each preview alone sees no overlap
    errors = []

    def work(job_id):
        try:
            import_job_run(job_id=job_id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(j.pk,)) for j in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Case.objects.filter(organisation=org_a).count() == 15
    assert len(set(Case.objects.values_list("case_number", flat=True))) == 15


def test_the_same_child_twice_in_a_file_is_imported_once(adm, org_a, mgr_a, tehran):
    rows = good_rows(2) + good_rows(1)
    job = run(adm, org_a, csv_bytes(FA, rows))
    assert (job.status, job.rows_invalid, job.created_count) == ("done", 0, 2)
    assert [g["rows"] for g in job.summary["in_file_groups"]] == [[2, 4]]


def test_likely_duplicate_of_an_existing_case_is_shown(adm, org_a, cw_b, register, tehran):
    register(
        cw_b,
        given_name="کودک1",
        family_name="احمدی",
        father_name="حسن",
        birth_date=datetime.date(2017, 12, 28),
    )
    job = run(adm, org_a, csv_bytes(FA, good_rows(2)), dry_run=True)
    assert job.summary["likely_duplicates"][0]["row"] == 3
    assert job.summary["likely_duplicates"][0]["elsewhere"] == ["NGO B"]  # the uploader's language


def test_rows_with_a_case_number_update_that_case(adm, org_a, cw_a, register, tehran):
    case = register(cw_a)
    header = ["Case number", *EN]
    row = [
        case.case_number,
        "علی",
        "رضایی",
        "حسن",
        "boy",
        "2014-05-01",
        "Afghan",
        "Amayesh card",
        "",
        "Tehran",
    ]
    job = run(adm, org_a, csv_bytes(header, [row]))
    assert (job.status, job.unchanged_count) == (ImportJob.Status.DONE, 1)
    row[2] = "محمدی"
    job = run(adm, org_a, csv_bytes(header, [row]))
    assert job.updated_count == 1
    case.refresh_from_db()
    assert case.family_name == "محمدی" and case.version == 2
    assert "محمدی" in case.search_name


def test_another_organisations_case_number_is_refused(adm, org_a, cw_b, mgr_a, register, tehran):
    """FU-06."""
    other = register(cw_b)
    header = ["شماره پرونده", *FA]
    row = [other.case_number, *good_rows(1)[0]]
    job = run(adm, org_a, csv_bytes(header, [row]))
    assert job.rows_invalid == 1
    assert job.errors[0]["column"] == "شماره پرونده"
    assert Case.objects.count() == 1


# --- File safety ---------------------------------------------------------------------------


# --- Command --------------------------------------------------------------------------------


def test_template_columns_are_the_resource_fields():
    from children.imports.columns import ChildResource, child_resource

    assert list(ChildResource._meta.fields) == [c.name for c in COLUMNS]
    assert [f.column_name for f in child_resource("fa").get_export_fields()] == header_row("fa")


# --- Pages ----------------------------------------------------------------------------------


def test_imported_rows_have_row_history_labelled_with_the_import(
    adm, org_a, mgr_a, cw_a, register, tehran
):
    """ADR 0003: bulk writes leave the same history events as the triggers would."""
    from django.apps import apps

    case_event = apps.get_model("children", "CaseEvent")
    consent_event = apps.get_model("children", "ConsentEvent")
    before = case_event.objects.count()
    job = run(adm, org_a, csv_bytes(FA, good_rows(3)))
    events = case_event.objects.filter(pgh_label="insert").exclude(pgh_obj__in=[])
    assert case_event.objects.count() == before + 3
    new = events.order_by("-pgh_id")[:3]
    assert {e.pgh_context.metadata["import_job"] for e in new} == {job.pk}
    assert {e.given_name for e in new} == {"کودک0", "کودک1", "کودک2"}
    assert consent_event.objects.filter(import_job_id=job.pk).count() == 3
    # An ordinary registration afterwards is still tracked by the trigger.
    register(cw_a, given_name="پس از ورود")
    assert case_event.objects.count() == before + 4


def test_case_page_says_the_consent_came_from_an_import(adm, org_a, mgr_a, client_as, tehran):
    run(adm, org_a, csv_bytes(FA, good_rows(1)))
    case = Case.objects.get()
    page = client_as(mgr_a).get(reverse("children:case_detail", args=[case.pk]))
    assert 'data-testid="consent-imported"' in page.content.decode()


def test_a_rejected_cell_is_shown_cleaned_and_cut_short(adm, org_a, tehran):
    rows = good_rows(2)
    rows[0][3] = "  نامعلوم\n"  # sex, with stray whitespace: a word waiting for its meaning
    rows[1][5] = "ي" * 201  # nationality: too long to be a word, in Arabic letters
    job = run(adm, org_a, csv_bytes(FA, rows))
    values = {e["row"]: e["value"] for e in job.errors}
    assert [item["value"] for item in job.summary["unknown_values"]] == ["نامعلوم"]
    assert values[3] == "ی" * 59 + "…"
