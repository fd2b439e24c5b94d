"""Issue 8: importing meeting attendance into recorded meetings."""

import csv
import io

from django.urls import reverse

from imports.models import ImportJob
from imports.services import import_job_create, import_job_preview, import_job_run
from meetings.imports import ATTENDANCE_COLUMNS
from meetings.models import Attendee

FA = [c.fa for c in ATTENDANCE_COLUMNS]
EN = [c.en for c in ATTENDANCE_COLUMNS]
GROUP_FA = "کارگروه جلب مشارکت سازمان‌های مردم‌نهاد"


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def row(name, number="۱", group=GROUP_FA, code="NGOA", presence="حاضر", by="", chair=""):
    return [group, number, name, "کارشناس", code, presence, by, chair]


def run(adm, data):
    job = import_job_create(
        by=adm, organisation=None, name="att.csv", data=data, language="en", kind="attendance"
    )
    job = import_job_preview(job_id=job.pk)
    if job.rows_invalid or job.message:
        return job
    return import_job_run(job_id=job.pk)


def test_attendance_is_added_to_the_meeting_and_a_known_name_updated(adm, meeting, org_a):
    rows = [
        row("عابدینی"),
        row("اندلیبیان", presence="نماینده", by="رضایی"),
        row("اکبری", code="MOI", chair="بله"),
    ]
    job = run(adm, csv_bytes(FA, rows))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert (job.created_count, job.updated_count) == (2, 1)
    names = list(meeting.attendees.values_list("name", flat=True))
    assert names[-2:] == ["عابدینی", "اندلیبیان"]
    akbari = meeting.attendees.get(name="اکبری")
    assert akbari.title == "کارشناس" and akbari.is_chair
    assert meeting.attendees.get(name="عابدینی").organisation == org_a
    assert meeting.attendees.get(name="اندلیبیان").represented_by == "رضایی"


def test_english_headers_and_the_english_group_title_are_read(adm, meeting):
    rows = [row("Abedini", group="Working group on NGO participation", presence="Absent")]
    job = run(adm, csv_bytes(EN, rows))
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert meeting.attendees.get(name="Abedini").presence == Attendee.Presence.ABSENT


def test_bad_rows_import_no_attendee(adm, meeting):
    before = meeting.attendees.count()
    rows = [
        row("عابدینی"),
        row("الف", number="۹"),
        row("ب", group="کارگروه ناموجود"),
        row("ج", presence="نماینده"),
        row("د", chair="بله"),
        row("ه", code="NOPE"),
    ]
    job = run(adm, csv_bytes(FA, rows))
    assert job.rows_invalid == 5
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "شماره جلسه"),
        (4, "کارگروه"),
        (5, "نماینده"),
        (6, "رئیس جلسه"),
        (7, "کد سازمان"),
    }
    assert meeting.attendees.count() == before


def test_caseworker_gets_403_on_the_attendance_template(client_as, cw_a):
    url = reverse("imports:import_template_kind", args=["attendance", "fa", "csv"])
    assert client_as(cw_a).get(url).status_code == 403
