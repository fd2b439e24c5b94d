"""The children import sets the Labour Law flags and keeps schooling changes, set-based
(docs/adr/0035)."""

import pytest

from children.models import Case, SchoolStatusChange
from imports.models import ImportJob
from tests.children.test_imports import EN, csv_bytes, run
from tests.factories import province

HEADER = [*EN, "Type of work", "Schooling"]


@pytest.fixture
def tehran(db):
    return province("tehran")


def row(name, born, work, school):
    return [name, "احمدی", "حسن", "boy", born, "Afghan", "Amayesh card", "", "Tehran", work, school]


def test_import_sets_flags_and_first_schooling(adm, org_a, mgr_a, tehran):
    rows = [
        row("کودک۱", "2016-01-01", "Street vending", "Dropped out"),
        row("کودک۲", "2016-02-01", "Waste collection", "Enrolled"),
        row("کودک۳", "2016-03-01", "Not working", ""),
    ]
    job = run(adm, org_a, csv_bytes(HEADER, rows))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    flags = dict(Case.objects.filter(organisation=org_a).values_list("given_name", "labour_flags"))
    assert flags == {
        "کودک۱": ["under_15"],
        "کودک۲": ["under_15", "hazardous"],
        "کودک۳": [],
    }
    assert Case.objects.get(given_name="کودک۱").labour_flags_recheck_on is not None
    changes = SchoolStatusChange.objects.filter(case__organisation=org_a)
    assert sorted(changes.values_list("from_status", "to_status")) == [
        ("", "dropped_out"),
        ("", "enrolled"),
    ]


def test_import_update_keeps_the_change_and_refreshes_flags(adm, org_a, mgr_a, tehran):
    job = run(
        adm, org_a, csv_bytes(HEADER, [row("کودک۱", "2016-01-01", "Street vending", "Dropped out")])
    )
    case = Case.objects.get(organisation=org_a)
    header = ["Case number", *HEADER]
    updated = [case.case_number, *row("کودک۱", "2016-01-01", "Not working", "Enrolled")]
    job = run(adm, org_a, csv_bytes(header, [updated]))
    assert job.updated_count == 1, (job.message, job.errors)
    case.refresh_from_db()
    assert case.labour_flags == []
    back = SchoolStatusChange.objects.filter(case=case).order_by("-id").first()
    assert (back.from_status, back.to_status) == ("dropped_out", "enrolled")
    assert back.is_return_to_school and back.recorded_by == adm
