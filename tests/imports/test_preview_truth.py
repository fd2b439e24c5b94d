"""Issue 16, "A preview that never misleads": the badge says ready only when every row will go
in; rows that update a child list each field old → new; the template's example row is marked and
never imported; values are shown as typed beside their cleaned form; the preview and the error
report speak the viewer's language whatever the file's and the dry run's."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from children.models import Case
from core.models import AuditEvent
from core.spreadsheets.examples import is_example_cell
from core.spreadsheets.table import CHANGES_KEPT
from imports.badge import count_text, job_badge
from imports.language import retranslate
from imports.models import ImportJob
from imports.registry import get_kind
from imports.services import (
    changes_report_rows,
    error_report_rows,
    import_job_create,
    import_job_preview,
    import_job_run,
)
from tests.children.test_imports import EN, FA, csv_bytes, good_rows

CASE_FA = ["شماره پرونده", *FA]


def dry_run(adm, org, data, language="fa", name="children.csv"):
    job = import_job_create(by=adm, organisation=org, name=name, data=data, language=language)
    return import_job_preview(job_id=job.pk)


def page(client, job, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(reverse("imports:import_detail", args=[job.pk])).content.decode()


def workbook_rows(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(0).to_python()


def child_row(case_number, **changes):
    """A row of CASE_FA describing the `register` fixture's child, with ``changes``."""
    row = {
        "case_number": case_number,
        "given_name": "علی",
        "family_name": "رضایی",
        "father_name": "حسن",
        "sex": "پسر",
        "birth_date": "1393/02/11",
        "nationality": "افغانستانی",
        "documentation": "کارت آمایش",
        "id_number": "",
        "province": "تهران",
    }
    row.update(changes)
    return list(row.values())


# --- The badge -------------------------------------------------------------------------------


def test_badge_says_ready_with_the_rows_to_import_and_offers_the_import(
    client_as, adm, org_a, mgr_a, tehran
):
    job = dry_run(adm, org_a, csv_bytes(FA, good_rows(3)))
    html = page(client_as(adm), job, "en")
    assert 'data-ready="true"' in html
    assert "Ready: 3 rows will be imported" in html
    assert 'data-testid="import-confirm"' in html
    assert "آماده: ۳ ردیف وارد می‌شوند" in page(client_as(adm), job, "fa")


def test_badge_with_errors_only_counts_the_rows_to_fix_and_hides_the_import(
    client_as, adm, org_a, tehran
):
    rows = good_rows(3)
    rows[0][3] = "؟"
    rows[2][8] = "؟؟"
    job = dry_run(adm, org_a, csv_bytes(FA, rows))
    html = page(client_as(adm), job, "en")
    assert "2 rows to fix" in html and "Ready" not in html and "decision" not in html
    assert 'data-ready="false"' in html
    assert 'data-testid="import-confirm"' not in html


def test_badge_with_decisions_only_counts_undecided_values_and_likely_duplicates(
    client_as, adm, org_a, mgr_a, tehran, django_capture_on_commit_callbacks
):
    job = dry_run(adm, org_a, csv_bytes(FA, good_rows(20)))
    job.summary.update(rows_undecided_values=9, likely_pending=3)
    job.save()
    client = client_as(adm)
    html = page(client, job, "en")
    assert "12 rows need a decision" in html and "to fix" not in html and "Ready" not in html
    assert 'data-testid="import-confirm"' not in html
    assert "۱۲ ردیف منتظر تصمیم شماست" in page(client, job, "fa")
    # The import cannot be forced by posting the form either.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and Case.objects.count() == 0


def test_badge_with_errors_and_decisions_names_both(client_as, adm, org_a, tehran):
    rows = good_rows(3)
    rows[1][3] = "؟"
    job = dry_run(adm, org_a, csv_bytes(FA, rows))
    job.summary["likely_pending"] = 12
    job.save()
    with translation.override("en"):
        badge = job_badge(job)
    assert badge.text == "1 row to fix; 12 rows need a decision"
    assert (badge.ready, badge.to_fix, badge.to_decide) == (False, 1, 12)
    assert "1 row to fix; 12 rows need a decision" in page(client_as(adm), job, "en")


def test_the_upload_pages_job_list_says_the_same_as_the_badge(client_as, adm, org_a, tehran):
    rows = good_rows(2)
    rows[0][3] = "؟"
    dry_run(adm, org_a, csv_bytes(FA, rows))
    client = client_as(adm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("imports:import_upload")).content.decode()
    assert "1 row to fix" in html
    assert "Ready to import" not in html
    assert "marked «مثال» (Example) in its first cell: it is never imported" in html


def test_counts_are_written_with_separators_in_the_pages_digits():
    with translation.override("en"):
        assert count_text(1240) == "1,240"
    with translation.override("fa"):
        assert count_text(1240) == "۱٬۲۴۰"


# --- Rows that update a child ---------------------------------------------------------------


def test_a_row_that_updates_a_child_lists_the_child_and_each_field_old_to_new(
    client_as, adm, org_a, cw_a, register, tehran
):
    case = register(cw_a)
    row = child_row(case.case_number, family_name="محمدی", birth_date="۱۳۹۳/۲/۱۲", sex="Boy")
    job = dry_run(adm, org_a, csv_bytes(CASE_FA, [row]))
    assert job.updated_count == 1
    [change] = job.summary["changes"]
    assert (change["row"], change["number"], change["name"]) == (2, case.case_number, "علی رضایی")
    fields = {item["field"]: item for item in change["fields"]}
    assert set(fields) == {"family_name", "birth_date"}  # "Boy" is the boy already recorded
    assert fields["birth_date"]["old"] == {"fa": "۱۳۹۳/۰۲/۱۱", "en": "2014-05-01"}
    assert fields["birth_date"]["new"] == {"fa": "۱۳۹۳/۰۲/۱۲", "en": "2014-05-02"}
    assert fields["birth_date"]["typed"] == "۱۳۹۳/۲/۱۲"

    client = client_as(adm)
    html = page(client, job, "fa")
    assert 'data-testid="import-changes"' in html and case.case_number in html
    assert "نام خانوادگی" in html and "رضایی" in html and "محمدی" in html
    assert "۱۳۹۳/۰۲/۱۱" in html and "۱۳۹۳/۰۲/۱۲" in html
    assert '<bdi class="as-typed" data-testid="change-typed">۱۳۹۳/۲/۱۲</bdi>' in html
    html = page(client, job, "en")
    assert "Last name" in html and "Date of birth" in html and "2014-05-02" in html
    assert "Children whose records will change" in html
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.DONE
    html = page(client, job, "en")
    assert "Children whose records were changed" in html and "Check each change" not in html


def test_a_choice_that_changes_is_shown_by_its_label_in_the_pages_language(
    client_as, adm, org_a, cw_a, register, tehran
):
    case = register(cw_a)
    row = child_row(case.case_number, documentation="فاقد مدرک")
    job = dry_run(adm, org_a, csv_bytes(CASE_FA, [row]))
    [item] = job.summary["changes"][0]["fields"]
    assert item["field"] == "documentation"
    assert item["old"]["en"] == "Amayesh card" and item["new"]["en"] == "Undocumented"
    assert "کارت آمایش" in page(client_as(adm), job, "fa")


def test_a_child_matched_by_name_without_a_case_number_is_listed_too(
    adm, org_a, cw_a, register, tehran
):
    case = register(cw_a)
    header = [*FA, "شهر"]
    row = child_row("", city="مشهد")[1:]
    job = dry_run(adm, org_a, csv_bytes(header, [row]))
    [change] = job.summary["changes"]
    assert change["number"] == case.case_number
    assert [item["field"] for item in change["fields"]] == ["city"]


def test_unchanged_rows_and_new_children_list_no_change(adm, org_a, cw_a, register, tehran):
    case = register(cw_a)
    job = dry_run(adm, org_a, csv_bytes(CASE_FA, [child_row(case.case_number)]))
    assert job.unchanged_count == 1 and job.summary["changes"] == []


def test_the_preview_lists_the_first_changes_and_the_download_holds_them_all(
    client_as, adm, org_a, cw_a, register, tehran
):
    cases = [register(cw_a, given_name=name) for name in ("علی", "رضا", "حسین")]
    rows = [child_row(c.case_number, given_name=c.given_name, city="کرج") for c in cases]
    token = CHANGES_KEPT.set(2)
    try:
        job = dry_run(adm, org_a, csv_bytes([*CASE_FA, "شهر"], rows))
    finally:
        CHANGES_KEPT.reset(token)
    assert job.updated_count == 3 and len(job.summary["changes"]) == 2
    client = client_as(adm)
    assert "and 1 more rows that change a record" in page(client, job, "en")
    response = client.get(reverse("imports:import_changes", args=[job.pk]))
    assert response.status_code == 200
    report = workbook_rows(response)
    assert report[0][:4] == ["Row", "Identifier", "Name", "Column"]
    assert [line[1] for line in report[1:]] == [c.case_number for c in cases]
    assert {line[3] for line in report[1:]} == {"City"}
    assert {(line[4], line[6]) for line in report[1:]} == {("تهران", "کرج")}
    assert AuditEvent.objects.filter(action="export", detail__report="changes").exists()


def test_the_changes_download_is_for_administrators_only(client_as, adm, cw_a, org_a, tehran):
    job = dry_run(adm, org_a, csv_bytes(FA, good_rows(1)))
    url = reverse("imports:import_changes", args=[job.pk])
    assert client_as(cw_a).get(url).status_code == 403


def test_the_changes_report_is_in_the_requested_language(adm, org_a, cw_a, register, tehran):
    case = register(cw_a)
    row = child_row(case.case_number, sex="girl")
    job = dry_run(adm, org_a, csv_bytes(CASE_FA, [row]), language="en")
    fa = changes_report_rows(job, lang="fa")
    assert fa[0][3] == "ستون" and fa[1][3:] == ["جنسیت", "پسر", "girl", "دختر"]
    en = changes_report_rows(job, lang="en")
    assert en[1][3:] == ["Sex", "Boy", "girl", "Girl"]


def test_an_organisation_that_would_change_is_listed_with_its_fields(adm, tehran):
    from tests.ngos.test_imports import ORG_FA, org_row
    from tests.ngos.test_imports import run as run_kind

    job = run_kind(adm, csv_bytes(ORG_FA, [org_row("NGO0042")]), kind="organisations")
    assert job.status == ImportJob.Status.DONE, job.errors
    data = csv_bytes(ORG_FA, [org_row("NGO0042", name="انجمن با نام تازه")])
    job = run_kind(adm, data, kind="organisations", dry_run=True)
    [change] = job.summary["changes"]
    assert change["number"] == "NGO0042"
    assert [item["field"] for item in change["fields"]] == ["name_fa"]
    assert change["fields"][0]["old"]["fa"] == "انجمن آزمایشی"
    assert change["fields"][0]["new"]["en"] == "انجمن با نام تازه"
    assert change["fields"][0]["typed"] == "انجمن با نام تازه"


def test_a_refused_cell_of_a_record_kind_is_shown_as_typed(adm, org_a, tehran):
    from tests.ngos.test_imports import STAFF_FA, staff_row
    from tests.ngos.test_imports import run as run_kind

    rows = [staff_row("karimi1", "k@example.org"), staff_row("karimi۱", "k2@example.org")]
    job = run_kind(adm, csv_bytes(STAFF_FA, rows), kind="staff", organisation=org_a)
    [error] = job.errors
    assert (error["row"], error["value"]) == (3, "karimi۱")
    assert error["cleaned"] == {"fa": "karimi1", "en": "karimi1"}


# --- The template's example row --------------------------------------------------------------


@pytest.mark.parametrize(("lang", "marker"), [("fa", "مثال"), ("en", "Example")])
@pytest.mark.parametrize("kind", ["children", "encounters", "organisations", "staff"])
def test_the_templates_example_row_is_marked_as_an_example(client_as, adm, kind, lang, marker):
    spec = get_kind(kind)
    url = reverse("imports:import_template_kind", args=[kind, lang, "xlsx"])
    rows = workbook_rows(client_as(adm).get(url))
    assert rows[1][0].startswith(marker) and is_example_cell(rows[1][0])
    assert rows[1][1:] == spec.example_values(lang)[1:]
    response = client_as(adm).get(reverse("imports:import_template_kind", args=[kind, lang, "csv"]))
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith(marker)


def test_an_example_row_left_in_a_real_file_is_skipped_not_an_error_nor_a_case(
    client_as, adm, org_a, mgr_a, tehran
):
    kind = get_kind("children")
    header = kind.header_row("fa")
    rows = [kind.example_row("fa")]
    real = dict(zip(header, kind.example_values("fa"), strict=True))
    real["نام"] = "زهرا"
    real["جنسیت"] = "دختر"
    rows.append(list(real.values()))
    job = dry_run(adm, org_a, csv_bytes(header, rows))
    assert job.summary["example_rows"] == [2]
    assert (job.rows_read, job.rows_invalid, job.created_count) == (1, 0, 1)
    html = page(client_as(adm), job, "en")
    assert "Row 2 is the template's example: skipped." in html
    assert "Ready: 1 row will be imported" in html
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.DONE
    assert list(Case.objects.values_list("given_name", flat=True)) == ["زهرا"]
    assert "ردیف ۲ نمونهٔ الگو است و وارد نمی‌شود." in page(client_as(adm), job, "fa")


def test_a_file_of_only_the_example_row_imports_nothing_and_says_so(client_as, adm, org_a, tehran):
    kind = get_kind("children")
    job = dry_run(adm, org_a, csv_bytes(kind.header_row("en"), [kind.example_row("en")]))
    assert job.summary["example_rows"] == [2] and job.rows_read == 0 and not job.errors
    html = page(client_as(adm), job, "en")
    assert "No rows to import" in html and 'data-testid="import-confirm"' not in html


def test_an_example_row_of_a_record_kind_is_skipped(adm, org_a, tehran):
    kind = get_kind("staff")
    data = csv_bytes(kind.header_row("fa"), [kind.example_row("fa")])
    job = import_job_create(by=adm, organisation=org_a, name="s.csv", data=data, kind="staff")
    job = import_job_preview(job_id=job.pk)
    assert job.summary["example_rows"] == [2] and job.rows_read == 0 and not job.errors


@pytest.mark.parametrize(
    ("cell", "marked"),
    [
        ("مثال", True),
        ("مثال: NGO0042", True),
        (" Example: m.rezaei", True),
        ("example", True),
        ("نمونه", True),
        ("مثالی", False),
        ("NGO-مثال", False),
        ("Examples of work", False),
        (12, False),
        (None, False),
    ],
)
def test_what_marks_an_example_row(cell, marked):
    assert is_example_cell(cell) is marked


# --- Values as typed, and cleaned ------------------------------------------------------------


def test_a_bad_national_id_is_shown_as_typed_with_the_number_as_read(client_as, adm, org_a, tehran):
    rows = good_rows(1)
    rows[0][6] = "کد ملی"
    rows[0][7] = "۰۰۱۲۳۴۵۶۷۸"  # a wrong check digit, typed in Persian digits
    job = dry_run(adm, org_a, csv_bytes(FA, rows))
    [error] = job.errors
    assert error["value"] == "۰۰۱۲۳۴۵۶۷۸"
    assert error["cleaned"] == {"fa": "0012345678", "en": "0012345678"}
    html = page(client_as(adm), job, "en")
    assert '<bdi class="as-typed" data-testid="error-value">۰۰۱۲۳۴۵۶۷۸</bdi>' in html
    assert '<bdi class="as-typed" data-testid="error-cleaned">0012345678</bdi>' in html


def test_a_date_in_the_future_is_shown_as_typed_and_as_the_page_writes_dates(
    client_as, adm, org_a, tehran
):
    rows = good_rows(1)
    rows[0][4] = "1420/1/1"
    job = dry_run(adm, org_a, csv_bytes(FA, rows))
    [error] = job.errors
    assert error["value"] == "1420/1/1"
    client = client_as(adm)
    assert '<bdi class="as-typed" data-testid="error-cleaned">۱۴۲۰/۰۱/۰۱</bdi>' in page(
        client, job, "fa"
    )
    assert '<bdi class="as-typed" data-testid="error-cleaned">2041-03-20</bdi>' in page(
        client, job, "en"
    )


def test_a_cell_that_cannot_be_read_has_no_cleaned_value(client_as, adm, org_a, tehran):
    rows = good_rows(1)
    rows[0][3] = "؟"
    job = dry_run(adm, org_a, csv_bytes(FA, rows))
    assert "cleaned" not in job.errors[0]
    assert 'data-testid="error-cleaned"' not in page(client_as(adm), job, "fa")


# --- Language --------------------------------------------------------------------------------


def _job_with_three_kinds_of_error(adm, org_a, language, header):
    rows = [["", *row] for row in good_rows(3)]
    rows[0][4] = "؟"  # sex: a reason without values
    rows[1][0] = rows[2][0] = "X-1"  # a case number: a reason with the row number in it
    return dry_run(adm, org_a, csv_bytes(header, rows), language=language)


@pytest.mark.parametrize("dry_run_language", ["fa", "en"])
@pytest.mark.parametrize(
    "header", [CASE_FA, ["Case number", *EN]], ids=["fa-headers", "en-headers"]
)
def test_the_preview_speaks_the_viewers_language_whatever_the_file_and_the_dry_run(
    client_as, adm, org_a, tehran, dry_run_language, header
):
    job = _job_with_three_kinds_of_error(adm, org_a, dry_run_language, header)
    assert job.rows_invalid == 3
    client = client_as(adm)
    en = page(client, job, "en")
    assert "Unknown sex. Allowed values: Girl, Boy." in en
    assert "This organisation has no case with this number." in en
    assert "<bdi>Sex</bdi>" in en and "<bdi>Case number</bdi>" in en
    fa = page(client, job, "fa")
    with translation.override("fa"):
        sex_reason = translation.gettext("Unknown sex.")
        number_reason = translation.gettext("This organisation has no case with this number.")
    assert sex_reason in fa and number_reason in fa
    assert "Unknown sex" not in fa and "Girl" not in fa
    assert "<bdi>جنسیت</bdi>" in fa and "<bdi>شماره پرونده</bdi>" in fa


def test_a_reason_with_a_value_in_it_is_translated_with_its_value():
    with translation.override("fa"):
        persian = translation.gettext("The same case number is in row %(row)s.") % {"row": 7}
        limit = translation.gettext("Too long: at most %(limit)s characters.") % {"limit": 40}
    assert retranslate(persian, "fa", "en") == "The same case number is in row 7."
    assert retranslate("The same case number is in row 7.", "en", "fa") == persian
    assert retranslate(limit, "fa", "en") == "Too long: at most 40 characters."
    assert retranslate("Not a message of ours", "en", "fa") == "Not a message of ours"


@pytest.mark.parametrize("dry_run_language", ["fa", "en"])
def test_the_error_report_is_in_the_viewers_language(
    client_as, adm, org_a, tehran, dry_run_language
):
    job = _job_with_three_kinds_of_error(adm, org_a, dry_run_language, CASE_FA)
    client = client_as(adm)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = workbook_rows(client.get(reverse("imports:import_errors", args=[job.pk])))
    assert rows[0][0] == "Row" and rows[0][-1] == "Reason"
    assert rows[0][1:3] == ["Case number", "First name"]  # the file's Persian headers, named
    assert rows[1][-1].startswith("Sex: Unknown sex")
    assert rows[1][5] == "؟"  # the cell itself stays as typed
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    rows = workbook_rows(client.get(reverse("imports:import_errors", args=[job.pk])))
    assert rows[0][0] == "ردیف" and rows[0][1:3] == CASE_FA[:2]
    assert rows[1][-1].startswith("جنسیت: ") and "Write" not in rows[1][-1]
    with translation.override("en"):
        assert error_report_rows(job, lang="en")[2][-1] == (
            "Case number: This organisation has no case with this number."
        )


def test_the_command_says_which_rows_are_examples_and_what_an_update_changes(
    adm, org_a, cw_a, register, tehran, tmp_path
):
    from django.core.management import call_command

    case = register(cw_a)
    kind = get_kind("children")
    example = dict(zip(kind.header_row("fa"), kind.example_row("fa"), strict=True))
    rows = [[example.get(h, "") for h in CASE_FA], child_row(case.case_number, sex="girl")]
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(CASE_FA, rows))
    out = io.StringIO()
    call_command(
        "import_data", "children", str(path), "--organisation", "NGOA", "--dry-run", stdout=out
    )
    assert "row 2 is the template's example: skipped" in out.getvalue()
    assert f"row 3 updates {case.case_number} علی رضایی: sex: Boy -> Girl" in out.getvalue()


def test_the_changes_download_is_formula_safe(client_as, adm, org_a, cw_a, register, tehran):
    """FU-04: a value typed as a formula is written to the list of changes as text."""
    import zipfile

    case = register(cw_a)
    row = child_row(case.case_number, city='=HYPERLINK("http://x")')
    job = dry_run(adm, org_a, csv_bytes([*CASE_FA, "شهر"], [row]))
    url = reverse("imports:import_changes", args=[job.pk])
    data = b"".join(client_as(adm).get(url).streaming_content)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    report = workbook_rows(client_as(adm).get(url))
    assert report[1][5] == report[1][6] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("cell", ['=H("u")', 'say "hi"', '""'])
def test_quotes_inside_a_csv_cell_are_read_as_typed(cell):
    from core.spreadsheets import reading

    data = csv_bytes(["a", "b"], [["x", cell]])
    assert list(reading.read_rows("csv", data))[1] == ["x", cell]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_an_older_templates_unmarked_example_row_is_recognised_and_skipped(
    adm, org_a, mgr_a, tehran, lang
):
    """A template downloaded before the marker: the untouched example values are the example."""
    kind = get_kind("children")
    example = kind.example_values(lang)
    real = list(example)
    real[1] = "زهرا" if lang == "fa" else "Zahra"
    real[4] = "دختر" if lang == "fa" else "girl"
    job = dry_run(adm, org_a, csv_bytes(kind.header_row(lang), [example, real]))
    assert job.summary["example_rows"] == [2]
    assert (job.rows_read, job.created_count, job.rows_invalid) == (1, 1, 0)


def test_a_child_who_shares_a_few_values_with_the_example_is_imported(adm, org_a, mgr_a, tehran):
    kind = get_kind("children")
    real = kind.example_values("fa")
    real[kind.header_row("fa").index("تاریخ تولد")] = "۱۳۹۵/۰۱/۰۱"
    job = dry_run(adm, org_a, csv_bytes(kind.header_row("fa"), [real]))
    assert job.summary["example_rows"] == [] and job.created_count == 1


def test_an_unknown_case_number_is_shown_as_typed_and_as_read(client_as, adm, org_a, tehran):
    rows = [["teh-ngoa-۱۴۰۵-۹۹۹۹۹", *good_rows(1)[0]]]
    job = dry_run(adm, org_a, csv_bytes(CASE_FA, rows))
    [error] = job.errors
    assert error["value"] == "teh-ngoa-۱۴۰۵-۹۹۹۹۹"
    assert error["cleaned"]["en"] == "TEH-NGOA-1405-99999"
    html = page(client_as(adm), job, "en")
    assert '<bdi class="as-typed" data-testid="error-cleaned">TEH-NGOA-1405-99999</bdi>' in html


def test_a_refused_files_message_is_in_the_viewers_language(client_as, adm, org_a, tehran):
    job = dry_run(adm, org_a, b"just,some,words\r\n1,2,3\r\n", language="fa")
    assert job.status == ImportJob.Status.FAILED
    with translation.override("fa"):
        persian = translation.gettext(
            "No header row found. The first row must name the columns, as in the template."
        )
    assert job.message == persian
    assert "No header row found." in page(client_as(adm), job, "en")
    assert persian in page(client_as(adm), job, "fa")


def test_a_marked_example_row_moved_down_the_file_is_skipped_in_any_chunk(
    adm, org_a, mgr_a, tehran, monkeypatch
):
    """A sorted sheet moves the example row: it is found wherever it is, chunk after chunk."""
    from children.imports.validate import ChildrenValidation
    from core.spreadsheets import table

    monkeypatch.setattr(table, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(ChildrenValidation, "chunk_rows", 2)
    kind = get_kind("children")
    header = kind.header_row("en")
    rows = []
    for i, name in enumerate(["Sara", "Reza", "Nima", "Dara", "Mina"]):
        row = dict(zip(header, kind.example_values("en"), strict=True))
        row["First name"], row["Guardian's phone"] = name, f"0912000000{i}"
        rows.append(list(row.values()))
    rows.insert(3, kind.example_row("en"))
    job = dry_run(adm, org_a, csv_bytes(header, rows), language="en")
    assert job.summary["example_rows"] == [5]
    assert (job.rows_read, job.created_count, job.rows_invalid) == (5, 5, 0)
