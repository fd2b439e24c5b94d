"""Issue 8: importing outreach encounters (the outreach logs organisations keep)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from children.imports.encounters import ENCOUNTER_COLUMNS, parse_time, parse_yes_no
from children.models import Encounter
from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from tests.factories import province

FA = [c.fa for c in ENCOUNTER_COLUMNS]
EN = [c.en for c in ENCOUNTER_COLUMNS]


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def row(date="۱۴۰۳/۰۵/۰۱", time="۱۶:۳۰", who="", place="چهارراه ولیعصر", girls="۲", boys="3"):
    counts = ["", "", "", girls, "", "", boys, ""]
    return [date, time, who, "تهران", "تهران", "۱۲", place, "بازدید منظم", *counts, "بله", ""]


def run(adm, org, data, dry_run=False):
    job = import_job_create(
        by=adm, organisation=org, name="log.csv", data=data, language="en", kind="encounters"
    )
    job = import_job_preview(job_id=job.pk)
    if dry_run or job.rows_invalid or job.message:
        return job
    return import_job_run(job_id=job.pk)


@pytest.fixture
def tehran(db):
    return province("tehran")


@pytest.mark.parametrize(("text", "hour"), [("16:30", 16), ("۰۹:۰۵", 9), ("٧.١٥", 7)])
def test_times_in_any_digits(text, hour):
    assert parse_time(text).hour == hour


@pytest.mark.parametrize(("text", "value"), [("بله", True), ("yes", True), ("خیر", False)])
def test_yes_no_in_both_languages(text, value):
    assert parse_yes_no(text) is value


def test_outreach_log_imports_encounters_with_anonymous_counts(adm, org_a, mgr_a, cw_a, tehran):
    rows = [row(), row(who="cw_a", place="میدان تجریش", time="")]
    job = run(adm, org_a, csv_bytes(FA, rows))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    first = Encounter.objects.get(hotspot="چهارراه ولیعصر")
    assert first.organisation == org_a and first.caseworker == mgr_a
    assert timezone.localtime(first.occurred_at).date() == datetime.date(2024, 7, 22)
    assert first.anon_female_15_17 == 2 and first.anon_male_12_14 == 3
    assert first.follow_up_needed is True
    assert Encounter.objects.get(hotspot="میدان تجریش").caseworker == cw_a


def test_the_same_log_again_adds_nothing_and_a_changed_count_updates(adm, org_a, mgr_a, tehran):
    assert run(adm, org_a, csv_bytes(EN, [row()])).status == ImportJob.Status.DONE
    again = run(adm, org_a, csv_bytes(EN, [row(), row(place="پارک لاله")]))
    assert (again.created_count, again.unchanged_count) == (1, 1)
    changed = run(adm, org_a, csv_bytes(EN, [row(boys="7")]))
    assert changed.updated_count == 1
    assert Encounter.objects.get(hotspot="چهارراه ولیعصر").anon_male_12_14 == 7
    assert Encounter.objects.count() == 2


def test_log_with_a_bad_row_or_an_outsider_caseworker_imports_nothing(
    adm, org_a, mgr_a, cw_b, tehran
):
    rows = [row(), row(date="1403/13/01"), row(who="cw_b"), row(girls="بسیار")]
    job = run(adm, org_a, csv_bytes(FA, rows))
    assert job.rows_invalid == 3
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "تاریخ"),
        (4, "نام کاربری مددکار"),
        (5, "دختر ۱۵ تا ۱۷ سال"),
    }
    assert Encounter.objects.count() == 0


def test_the_same_encounter_twice_in_a_file_is_refused(adm, org_a, mgr_a, tehran):
    job = run(adm, org_a, csv_bytes(FA, [row(), row()]))
    assert job.rows_invalid == 1 and job.errors[0]["row"] == 3


def test_caseworker_gets_403_on_the_encounters_template(client_as, cw_a):
    url = reverse("imports:import_template_kind", args=["encounters", "fa", "xlsx"])
    assert client_as(cw_a).get(url).status_code == 403


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_filled_encounters_template_imports(adm, org_a, mgr_a, tehran, lang):
    from imports.registry import get_kind

    kind = get_kind("encounters")
    row = kind.example_values(lang)
    row[1] = "17:00"  # a real encounter: not every value the example's (that row is skipped)
    job = run(adm, org_a, csv_bytes(kind.header_row(lang), [row]))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert Encounter.objects.get().anonymous_total == 8
