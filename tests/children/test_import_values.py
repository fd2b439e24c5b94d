"""Issue 16, "Values": a children file without a documentation column imports its children as
"not recorded", which the forms offer and the dashboards count; the national ID is still
checked whenever the documentation says national ID."""

import pytest
from django.utils import translation

from children.models import Case
from children.models.choices import Documentation
from imports.models import ImportJob
from reports.national_tables import summary
from reports.selectors.national import ALL, period_cube
from reports.summary import refresh_summaries
from tests.children.test_imports import FA, csv_bytes, good_rows, run
from tests.factories import province
from tests.reports.data import MEHR, Q3, make_case

WITHOUT_DOCUMENTATION = [h for h in FA if h != "وضعیت مدرک"]


@pytest.fixture
def tehran(db):
    return province("tehran")


def without_documentation(rows):
    at = FA.index("وضعیت مدرک")
    return [row[:at] + row[at + 1 :] for row in rows]


def test_a_file_without_the_documentation_column_imports_as_not_recorded(adm, org_a, mgr_a, tehran):
    data = csv_bytes(WITHOUT_DOCUMENTATION, without_documentation(good_rows(3)))
    job = run(adm, org_a, data)
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert set(Case.objects.values_list("documentation", flat=True)) == {"not_recorded"}


def test_an_empty_documentation_cell_is_not_recorded(adm, org_a, mgr_a, tehran):
    rows = good_rows(2)
    rows[0][6] = ""
    job = run(adm, org_a, csv_bytes(FA, rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert sorted(Case.objects.values_list("documentation", flat=True)) == [
        "amayesh",
        "not_recorded",
    ]


def test_an_update_without_the_column_keeps_the_recorded_documentation(adm, org_a, mgr_a, tehran):
    run(adm, org_a, csv_bytes(FA, good_rows(1)))
    case = Case.objects.get()
    rows = without_documentation(good_rows(1))
    rows[0][2] = "حسن"
    header = ["شماره پرونده", *WITHOUT_DOCUMENTATION, "شهر"]
    job = run(adm, org_a, csv_bytes(header, [[case.case_number, *rows[0], "کرج"]]))
    assert job.status == ImportJob.Status.DONE and job.updated_count == 1, job.errors
    case.refresh_from_db()
    assert case.city == "کرج" and case.documentation == "amayesh"


def test_the_national_id_is_still_checked_when_the_documentation_says_so(adm, org_a, tehran):
    rows = good_rows(2)
    rows[0][6], rows[0][7] = "شناسنامه", "0012345678"  # a wrong check digit
    rows[1][6], rows[1][7] = "کد ملی", ""
    job = run(adm, org_a, csv_bytes(FA, rows), dry_run=True)
    assert job.rows_invalid == 2
    assert {e["column"] for e in job.errors} == {"شماره مدرک"}
    # Without the column nothing says national ID: the number is kept as typed.
    data = csv_bytes(WITHOUT_DOCUMENTATION, without_documentation(good_rows(1)))
    assert run(adm, org_a, data, dry_run=True).rows_invalid == 0


def test_the_case_form_offers_not_recorded():
    from children.forms.cases import RegistrationForm

    with translation.override("en"):
        choices = [
            (v, str(label)) for v, label in RegistrationForm.base_fields["documentation"].choices
        ]
    assert ("not_recorded", "Not recorded") in choices
    with translation.override("fa"):
        assert str(Documentation.NOT_RECORDED.label) == "ثبت نشده"


@pytest.fixture(autouse=False)
def private_cube_cache(monkeypatch):
    import uuid

    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr(
        "reports.selectors.national.cache", LocMemCache(f"reports-{uuid.uuid4()}", {})
    )


def test_dashboards_count_not_recorded_as_not_recorded(org_a, cw_a, private_cube_cache):
    for _i in range(5):
        make_case(org_a, cw_a, registered_on=MEHR, documentation="not_recorded")
    for _i in range(5):
        make_case(org_a, cw_a, registered_on=MEHR, documentation="amayesh")
    refresh_summaries()
    cube = period_cube(Q3)
    assert cube.get("registered", ALL, "documentation", "unknown") == 5
    assert cube.get("registered", ALL, "documentation", "amayesh") == 5
    with translation.override("en"):
        tables = {t["id"]: t for t in summary(Q3)["tables"]}
    rows = {row[0]: row[1] for row in tables["registered-documentation"]["rows"]}
    assert rows["Not recorded"] == 5
    assert list(rows).count("Not recorded") == 1
    assert tables["registered-documentation"]["total"][1] == 10
