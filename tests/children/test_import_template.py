"""Issue 8: the children template has the issue's sixteen columns in its order, and a file with
the issue's headers (Persian, or the English field names) imports every one of them."""

import csv
import io

from children.imports.columns import header_row
from children.models import Case
from children.selectors.cases import cases_visible_to, search_cases
from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.factories import province

ISSUE_COLUMNS = [
    ("شماره پرونده", "case_number"),
    ("نام", "first_name"),
    ("نام خانوادگی", "last_name"),
    ("نام پدر", "father_name"),
    ("جنسیت", "sex"),
    ("تاریخ تولد", "birth_date"),
    ("سن تقریبی", "estimated_age"),
    ("ملیت", "nationality"),
    ("وضعیت مدارک", "documentation_status"),
    ("کد ملی", "national_id"),
    ("استان", "province"),
    ("شهر", "city"),
    ("نوع کار", "work_type"),
    ("وضعیت تحصیل", "school_status"),
    ("تلفن سرپرست", "guardian_phone"),
    ("تاریخ ثبت", "registration_date"),
]
ROW = [
    "",
    "یاسین",
    "رحیمی",
    "نادر",
    "پسر",
    "",
    "۱۲",
    "افغانستانی",
    "فاقد مدرک",
    "",
    "تهران",
    "تهران",
    "دستفروشی",
    "ترک تحصیل",
    "۰۹۱۲ ۳۴۵ ۶۷۸۹",
    "1405/08/01",
]


def test_the_template_opens_with_the_issues_sixteen_columns_in_order():
    assert header_row("fa")[:16] == [fa for fa, _en in ISSUE_COLUMNS]


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _import(adm, org, data):
    job = import_job_create(by=adm, organisation=org, name="list.csv", data=data, language="en")
    job = import_job_preview(job_id=job.pk)
    assert not job.rows_invalid, job.errors
    return import_job_run(job_id=job.pk)


def test_the_issues_english_field_names_import_every_column(adm, org_a, mgr_a, cw_a):
    province("tehran")
    job = _import(adm, org_a, _csv([en for _fa, en in ISSUE_COLUMNS], [ROW]))
    assert job.status == ImportJob.Status.DONE
    case = Case.objects.get(organisation=org_a)
    assert (case.given_name, case.guardian_phone, case.estimated_age) == (
        "یاسین",
        "09123456789",
        12,
    )
    assert case.work_type == "street_vending" and case.school_status == "dropped_out"
    # The guardian's phone finds the child, in any digit form.
    assert list(search_cases(cases_visible_to(cw_a), "۰۹۱۲۳۴۵۶۷۸۹")) == [case]


def test_the_issues_persian_headers_import(adm, org_a, mgr_a):
    province("tehran")
    job = _import(adm, org_a, _csv([fa for fa, _en in ISSUE_COLUMNS], [ROW]))
    assert job.status == ImportJob.Status.DONE
    assert Case.objects.get(organisation=org_a).documentation == "undocumented"
