"""Issue 16, duplicates: the same child twice in one file is imported once, with the fullest
values; a row that may be a child registered already waits for the administrator (ADR 0019)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from children.imports.validate import ChildrenValidation
from children.models import Case
from core.spreadsheets import table
from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.children.conftest import by_testid
from tests.children.test_imports import csv_bytes
from tests.factories import province

HEADER = [
    "First name",
    "Last name",
    "Father's name",
    "Sex",
    "Date of birth",
    "Nationality",
    "Documentation status",
    "Province",
    "City",
    "District",
    "Contact phone",
    "Guardian's name",
]
BORN = datetime.date(2017, 12, 28)  # 1396/10/07


def child(given="زهرا", family="کریمی", father="حسن", sex="دختر", born="1396/10/07", **more):
    return [
        given,
        family,
        father,
        sex,
        born,
        "افغانستانی",
        "کارت آمایش",
        "تهران",
        more.get("city", ""),
        more.get("district", ""),
        more.get("phone", ""),
        more.get("guardian", ""),
    ]


def others(n):
    """Children that are nobody's twin."""
    names = ["مریم", "نرگس", "سارا", "لیلا", "مهسا", "پریسا", "نازنین", "شیرین", "الهام"]
    return [child(given=names[i], family="یوسفی", father="رحیم") for i in range(n)]


@pytest.fixture
def tehran(db):
    return province("tehran")


def preview(adm, org, rows):
    job = import_job_create(
        by=adm, organisation=org, name="children.csv", data=csv_bytes(HEADER, rows), language="en"
    )
    return import_job_preview(job_id=job.pk)


def imported(adm, org, rows):
    return import_job_run(job_id=preview(adm, org, rows).pk)


# --- Twins: the same child twice in one file ------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("زهرا", "کریمی"), ("ظهرا", "کریمی")),  # ز / ظ
        (("محسن", "حسینی"), ("محسن", "هسینی")),  # ح / ه
        (("محسن", "رستمی"), ("محسن", "رستی")),  # a letter dropped
        (("محمدرضا", "کریمی"), ("محمد رضا", "كريمي")),  # a space, Arabic letters
    ],
)
def test_spelling_variants_of_one_child_are_imported_once(adm, org_a, mgr_a, tehran, first, second):
    sex = "دختر" if first[0] == "زهرا" else "پسر"
    rows = [
        child(*first, sex=sex),
        *others(2),
        child(*second, sex=sex, born="1397/02/01"),  # birth year one apart
    ]
    job = imported(adm, org_a, rows)
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert job.created_count == 3
    assert job.summary["rows_merged"] == 1
    assert job.summary["in_file_groups"][0]["rows"] == [2, 5]
    assert Case.objects.filter(organisation=org_a).count() == 3


@pytest.mark.parametrize(
    "second",
    [
        child(father="رضا"),  # another father
        child(sex="پسر"),  # another sex
        child(born="1393/01/01"),  # born years apart
        child(given="زهره"),  # another name: زهرا / زهره
    ],
)
def test_rows_that_differ_in_father_sex_birth_or_name_are_two_children(
    adm, org_a, mgr_a, tehran, second
):
    job = imported(adm, org_a, [child(), second])
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 2
    assert job.summary["in_file_groups"] == []


def test_a_row_without_the_fathers_name_is_the_same_child(adm, org_a, mgr_a, tehran):
    job = imported(adm, org_a, [child(father=""), child("ظهرا", phone="09121234567")])
    assert job.created_count == 1
    assert Case.objects.get().father_name == "حسن"


def test_a_twin_of_a_row_that_updates_a_case_adds_its_values_to_that_case(
    adm, org_a, mgr_a, cw_a, register, tehran
):
    case = register(
        cw_a,
        given_name="زهرا",
        family_name="کریمی",
        father_name="حسن",
        sex="female",
        birth_date=BORN,
    )
    job = imported(adm, org_a, [child(city="ورامین"), child("ظهرا", phone="09121234567")])
    assert job.status == ImportJob.Status.DONE, job.errors or job.message
    assert (job.created_count, job.updated_count) == (0, 1)
    case.refresh_from_db()
    assert (case.city, case.phone) == ("ورامین", "09121234567")


def test_brothers_hasan_and_hossein_are_not_one_child(adm, org_a, mgr_a, tehran):
    """A long vowel is never taken for a dropped letter: twins named حسن and حسین stay two."""
    rows = [child("حسن", "احمدی", sex="پسر"), child("حسین", "احمدی", sex="پسر")]
    assert imported(adm, org_a, rows).created_count == 2


def test_the_fullest_row_is_kept_and_the_other_fills_its_gaps(adm, org_a, mgr_a, tehran):
    rows = [
        child(phone="09121234567"),
        child("ظهرا", city="ورامین", district="۳", guardian="مریم"),
    ]
    job = imported(adm, org_a, rows)
    assert job.status == ImportJob.Status.DONE
    case = Case.objects.get(organisation=org_a)
    # Row 3 has more fields filled: its values win; the phone only row 2 has is kept too.
    assert (case.given_name, case.city, case.district, case.guardian_name) == (
        "ظهرا",
        "ورامین",
        "۳",
        "مریم",
    )
    assert case.phone == "09121234567"
    assert case.search_name == "ظهرا کریمی"  # the search keys follow the kept name
    [group] = job.summary["in_file_groups"]
    assert group["kept"] == 3
    assert group["why"] == "row 3 kept: most fields filled; 1 value taken from row 2"


def test_with_as_many_fields_filled_the_later_row_is_kept(adm, org_a, mgr_a, tehran):
    job = imported(adm, org_a, [child(city="ورامین"), child("ظهرا", city="ری")])
    assert Case.objects.get().city == "ری"
    [group] = job.summary["in_file_groups"]
    assert group["kept"] == 3
    assert "later in the file" in group["why"]


def test_the_preview_shows_each_group_with_the_kept_row_and_why(
    client_as, adm, org_a, mgr_a, tehran
):
    job = preview(adm, org_a, [child(phone="09121234567"), child("ظهرا", city="ورامین")])
    assert job.created_count == 1
    page = client_as(adm).get(reverse("imports:import_detail", args=[job.pk]))
    [line] = by_testid(page, "in-file-group")
    assert "۲، ۳" in line
    assert "row ۳ kept" in line or "ردیف ۳" in line
    assert page.context["can_import"]


def test_twins_are_found_across_chunks(adm, org_a, mgr_a, tehran, monkeypatch):
    monkeypatch.setattr(table, "FIRST_CHUNK_ROWS", 2)
    monkeypatch.setattr(ChildrenValidation, "chunk_rows", 3)
    rows = [child(phone="09121234567"), *others(6), child("ظهرا", city="ورامین", guardian="مریم")]
    job = imported(adm, org_a, rows)
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 7
    assert job.summary["in_file_groups"][0]["rows"] == [2, 9]
    case = Case.objects.get(given_name="ظهرا")
    assert (case.city, case.phone) == ("ورامین", "09121234567")


def test_the_same_case_number_twice_is_still_an_error(adm, org_a, mgr_a, cw_a, register, tehran):
    case = register(cw_a)
    header = ["Case number", *HEADER]
    rows = [[case.case_number, *child("علی", "رضایی", sex="پسر")]] * 2
    job = import_job_create(
        by=adm, organisation=org_a, name="c.csv", data=csv_bytes(header, rows), language="en"
    )
    job = import_job_preview(job_id=job.pk)
    assert job.rows_invalid == 1
    assert "row 2" in job.errors[0]["reason"]


# --- Likely duplicates: children registered already ----------------------------------------


@pytest.fixture
def at_b(cw_b, register):
    """B has زهرا کریمی; the file calls her ظهرا."""
    return register(
        cw_b,
        given_name="زهرا",
        family_name="کریمی",
        father_name="حسن",
        sex="female",
        birth_date=BORN,
    )


def test_a_child_registered_at_another_organisation_is_named_by_organisation_only(
    client_as, adm, org_a, tehran, at_b
):
    job = preview(adm, org_a, [child("ظهرا"), *others(2)])
    assert job.summary["likely_duplicates"] == [
        {"row": 2, "own": [], "elsewhere": ["NGO B"], "with": []}
    ]
    assert job.summary["likely_pending"] == 1
    page = client_as(adm).get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    assert "NGO B" in page
    assert at_b.case_number not in page and at_b.case_number not in str(job.summary)


def test_a_child_registered_here_is_named_by_case_number(adm, org_a, cw_a, register, tehran):
    own = register(
        cw_a, given_name="زهرا", family_name="کریمی", father_name="", sex="female", birth_date=BORN
    )
    job = preview(adm, org_a, [child("ظهرا")])
    assert job.summary["likely_duplicates"] == [
        {"row": 2, "own": [own.case_number], "elsewhere": [], "with": []}
    ]


def test_every_new_row_is_checked_not_only_the_first(adm, org_a, tehran, at_b):
    rows = [child(f"کودک{i}", "یوسفی", father="رحیم") for i in range(320)] + [child("ظهرا")]
    job = preview(adm, org_a, rows)
    assert job.summary["likely_rows"] == [322]


def test_a_likely_duplicate_waits_for_an_answer(client_as, adm, org_a, mgr_a, tehran, at_b):
    job = preview(adm, org_a, [child("ظهرا"), *others(1)])
    client = client_as(adm)
    page = client.get(reverse("imports:import_detail", args=[job.pk]))
    assert not page.context["can_import"]
    client.post(reverse("imports:import_confirm", args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PREVIEWED
    job = import_job_run(job_id=job.pk)  # the service refuses too
    assert job.status == ImportJob.Status.FAILED
    assert "registered already" in job.message
    assert not Case.objects.filter(organisation=org_a).exists()


@pytest.mark.parametrize(("decision", "created"), [("import", 2), ("skip", 1)])
def test_the_answer_imports_or_skips_the_row(
    client_as,
    adm,
    org_a,
    mgr_a,
    tehran,
    at_b,
    decision,
    created,
    django_capture_on_commit_callbacks,
):
    job = preview(adm, org_a, [child("ظهرا"), *others(1)])
    client = client_as(adm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_likely_decide", args=[job.pk]),
            {"row": "2", "decision": decision},
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.decisions["likely"] == {"2": decision}
    assert job.summary["likely_pending"] == 0
    assert job.created_count == created  # the dry run ran again and counts the answer
    page = client.get(reverse("imports:import_detail", args=[job.pk]))
    assert page.context["can_import"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    names = set(Case.objects.filter(organisation=org_a).values_list("given_name", flat=True))
    assert ("ظهرا" in names) == (decision == "import")
    assert len(names) == created
    assert job.summary["rows_skipped"] == (decision == "skip")


def test_skipping_all_skips_a_twin_group_whole(
    client_as, adm, org_a, mgr_a, tehran, at_b, django_capture_on_commit_callbacks
):
    job = preview(adm, org_a, [child("ظهرا"), *others(1), child("زهرا", phone="09121234567")])
    assert job.summary["likely_rows"] == [2]
    assert job.summary["likely_duplicates"][0]["with"] == [4]  # the answer holds for both
    client = client_as(adm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:import_likely_decide", args=[job.pk]), {"all": "1", "decision": "skip"}
        )
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.DONE
    assert list(Case.objects.filter(organisation=org_a).values_list("given_name", flat=True)) == [
        "مریم"
    ]


def test_an_answer_for_rows_of_another_job_is_not_found(client_as, adm, org_a, tehran, at_b):
    flagged = preview(adm, org_a, [child("ظهرا")])
    clean = preview(adm, org_a, others(2))
    response = client_as(adm).post(
        reverse("imports:import_likely_decide", args=[clean.pk]),
        {"row": "2", "decision": "skip"},
    )
    assert response.status_code == 404
    response = client_as(adm).post(
        reverse("imports:import_likely_decide", args=[clean.pk]), {"all": "1", "decision": "skip"}
    )
    assert response.status_code == 404
    assert ImportJob.objects.get(pk=clean.pk).decisions == {}
    assert ImportJob.objects.get(pk=flagged.pk).decisions == {}


@pytest.mark.parametrize("user", ["cw_a", "mgr_a", "min_officer"])
def test_only_an_administrator_may_answer(client_as, adm, org_a, tehran, at_b, user, request):
    job = preview(adm, org_a, [child("ظهرا")])
    response = client_as(request.getfixturevalue(user)).post(
        reverse("imports:import_likely_decide", args=[job.pk]), {"row": "2", "decision": "skip"}
    )
    assert response.status_code == 403
    assert ImportJob.objects.get(pk=job.pk).decisions == {}


# --- The command line -------------------------------------------------------------------------


def test_the_command_stops_on_likely_duplicates_without_an_answer(
    adm, org_a, mgr_a, tehran, at_b, tmp_path
):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(HEADER, [child("ظهرا"), *others(1)]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="--likely"):
        call_command("import_data", "children", str(path), "--organisation", "NGOA", stdout=out)
    assert "row 2 may already be registered: NGO B" in out.getvalue() or "انجمن ب" in out.getvalue()
    assert not Case.objects.filter(organisation=org_a).exists()


@pytest.mark.parametrize(("answer", "created"), [("import", 2), ("skip", 1)])
def test_the_command_imports_or_skips_with_likely(
    adm, org_a, mgr_a, tehran, at_b, tmp_path, answer, created
):
    path = tmp_path / "children.csv"
    path.write_bytes(csv_bytes(HEADER, [child("ظهرا"), *others(1)]))
    out = io.StringIO()
    call_command(
        "import_data",
        "children",
        str(path),
        "--organisation",
        "NGOA",
        "--likely",
        answer,
        stdout=out,
    )
    assert Case.objects.filter(organisation=org_a).count() == created
    assert f"{created} created" in out.getvalue()
