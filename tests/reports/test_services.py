"""Asking for and building reports: one row per kind, period and scope, builds safe to repeat
and to kill midway (RE-03), and one mail per run with a link only."""

import datetime
import re
import uuid
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core import leases, stuck
from core.exceptions import ActionNotAllowed
from core.models import OutboxMessage
from core.permissions import Role
from reports import periods
from reports.models import Report
from reports.notifications import audience, report_notify
from reports.services import build_lease_key, report_build, report_request, reports_build_due
from reports.tasks import build_report
from tests.factories import member, province

from .data import make_case, make_follow_up, tehran

ABAN = periods.month(1405, 8)  # ended on 21 November 2026
WEEK = periods.from_key("W1405-08-30")  # Saturday 21 to Friday 27 November 2026
TODAY = tehran(2026, 11, 28, 10)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


class Boom(RuntimeError):
    pass


def boom():
    raise Boom("worker lost midway")


def files_of(report):
    return [name for name in (report.xlsx.name, report.pdf.name) if name]


def stored_names(kind):
    try:
        return default_storage.listdir(f"reports/{kind}")[1]
    except FileNotFoundError:
        return []


def build(report, **kwargs):
    return report_build(report_id=report.pk, run_id=str(report.run_id), **kwargs)


# --- One row per kind, period and scope -------------------------------------------------------


def test_asking_twice_gives_one_row(db, min_officer):
    first = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    again = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    assert again.pk == first.pk
    assert again.run_id == first.run_id  # the scheduler does not interrupt a queued build
    asked = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN, user=min_officer)
    assert asked.pk == first.pk
    assert asked.run_id != first.run_id  # a person asking starts a new run
    assert asked.status == Report.Status.QUEUED
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_row_for_the_same_scope(db, org_a):
    fields = {
        "kind": Report.Kind.QUARTERLY_SUMMARY,
        "period_key": "1405-Q2",
        "period_start": datetime.date(2026, 6, 22),
        "period_end": datetime.date(2026, 9, 23),
    }
    Report.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**fields)  # NULL organisations count as equal here
    backlog = {**fields, "kind": Report.Kind.WEEKLY_BACKLOG, "period_key": WEEK.key}
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**backlog)  # a backlog needs its organisation
    Report.objects.create(**backlog, organisation=org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**backlog, organisation=org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**{**fields, "period_key": "1405-Q1"}, organisation=org_a)


def test_a_period_of_the_wrong_kind_or_not_ended_is_refused(db):
    with pytest.raises(ValidationError):
        report_request(kind=Report.Kind.QUARTERLY_SUMMARY, period=ABAN)
    with pytest.raises(ValidationError):
        report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=periods.month(1405, 9))
    assert not Report.objects.exists()


def test_the_build_is_queued_only_when_the_request_commits(db, django_capture_on_commit_callbacks):
    with mock.patch.object(build_report, "delay") as delay:
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(Boom),
            transaction.atomic(),
        ):
            report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
            boom()
        delay.assert_not_called()
        assert not Report.objects.exists()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
        assert len(callbacks) == 1
        delay.assert_called_once_with(report.pk, str(report.run_id))


# --- Building: RE-03 ----------------------------------------------------------------------------


@pytest.fixture
def queued(db):
    return report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)


def test_a_build_killed_midway_leaves_no_ready_report_and_no_half_content(queued):
    with pytest.raises(Boom):
        build(queued, fault=boom)
    queued.refresh_from_db()
    assert queued.status == Report.Status.FAILED
    assert queued.error == "Boom"
    assert queued.data == {}
    assert files_of(queued) == []
    assert queued.built_at is None and queued.built_run_id is None
    assert not Report.objects.filter(status=Report.Status.READY).exists()
    assert not [n for n in stored_names(queued.kind) if str(queued.run_id) in n]


def test_the_redelivered_run_builds_exactly_one_ready_report(
    queued, django_capture_on_commit_callbacks
):
    with pytest.raises(Boom):
        build(queued, fault=boom)
    with django_capture_on_commit_callbacks(execute=True):
        assert build(queued) == "built"
    report = Report.objects.get()
    assert report.status == Report.Status.READY
    assert report.progress == 100
    assert str(report.built_run_id) == str(queued.run_id)
    assert report.data["title"]
    assert len(files_of(report)) == 2
    for name in files_of(report):
        assert default_storage.exists(name)
        assert str(queued.run_id) in name
    assert report.xlsx.read()[:2] == b"PK"
    assert report.pdf.read()[:5] == b"%PDF-"


def test_a_duplicate_delivery_of_a_finished_run_does_nothing(
    queued, min_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        build(queued)
    built = Report.objects.get()
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert build(queued) == "already built"
    assert callbacks == []
    assert len(mail.outbox) == 1
    again = Report.objects.get()
    assert (again.built_at, files_of(again)) == (built.built_at, files_of(built))


def test_a_superseded_run_writes_nothing(queued, min_officer):
    old_run = str(queued.run_id)
    newer = report_request(kind=queued.kind, period=ABAN, user=min_officer)
    assert report_build(report_id=queued.pk, run_id=old_run) == "superseded"
    newer.refresh_from_db()
    assert newer.status == Report.Status.QUEUED
    assert newer.data == {} and files_of(newer) == []


def test_a_run_superseded_while_it_builds_stores_nothing_and_removes_its_files(
    queued, min_officer, django_capture_on_commit_callbacks
):
    def newer_request_arrives():
        report_request(kind=queued.kind, period=ABAN, user=min_officer)

    old_run = str(queued.run_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert build(queued, fault=newer_request_arrives) == "superseded"
        report = Report.objects.get()
        assert report.status == Report.Status.QUEUED  # nothing stored by the old run
        assert report.data == {} and files_of(report) == []
    assert not [n for n in stored_names(queued.kind) if old_run in n]
    # The newer request's build ran once the request committed (eager Celery here).
    report = Report.objects.get()
    assert report.status == Report.Status.READY
    assert str(report.built_run_id) == str(report.run_id) != old_run
    assert len(mail.outbox) == 1


def test_a_failed_rebuild_keeps_the_previous_content(
    queued, min_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        build(queued)
    first = Report.objects.get()
    rebuild = report_request(kind=queued.kind, period=ABAN, user=min_officer)
    with pytest.raises(Boom):
        build(rebuild, fault=boom)
    report = Report.objects.get()
    assert report.status == Report.Status.FAILED
    assert report.data == first.data
    assert files_of(report) == files_of(first)
    assert all(default_storage.exists(name) for name in files_of(report))
    assert report.built_run_id == first.built_run_id
    # The rebuild, delivered again, replaces the content and removes the old files.
    with django_capture_on_commit_callbacks(execute=True):
        assert build(rebuild) == "built"
    report = Report.objects.get()
    assert report.status == Report.Status.READY
    assert str(report.built_run_id) == str(rebuild.run_id)
    assert not any(default_storage.exists(name) for name in files_of(first))
    assert len(mail.outbox) == 2  # once for each run


# --- Telling the readers ------------------------------------------------------------------------


def assert_link_only(message, report, reader):
    url = settings.SITE_URL.rstrip("/") + f"/reports/{report.pk}/"
    for body in (message.body, message.alternatives[0][0]):
        assert url in body
        text = body.replace(url, "")
        with translation.override(reader.language):
            for known in (report.period.label(), reader.get_full_name(), reader.username):
                text = text.replace(known, "")
        # No figure at all: the only digits were in the link, the period and the name.
        assert not re.search(r"[0-9۰-۹]", text), text


def test_aggregate_report_mails_the_ministry_officers_once(
    queued, min_officer, mgr_a, cw_a, ministry, django_capture_on_commit_callbacks
):
    other_officer = member("min2", ministry, Role.MINISTRY_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        build(queued)
    report = Report.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([min_officer.email, other_officer.email])
    for message in mail.outbox:
        assert_link_only(
            message, report, min_officer if min_officer.email in message.to else other_officer
        )
    assert report_notify(report_id=report.pk, run_id=str(report.built_run_id)) == 0
    assert len(mail.outbox) == 2


def test_backlog_mails_the_organisations_managers_only_and_names_no_child(
    org_a, org_b, cw_a, mgr_a, mgr_b, min_officer, django_capture_on_commit_callbacks
):
    case = make_case(org_a, cw_a, registered_on=datetime.date(2026, 11, 1), given_name="نیلوفرِیکتا")
    make_follow_up(case, due_on=datetime.date(2026, 11, 22))
    report = report_request(kind=Report.Kind.WEEKLY_BACKLOG, period=WEEK, organisation=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        build(report)
    report.refresh_from_db()
    assert report.data["summary"]["follow_ups"] == 1
    assert [m.to for m in mail.outbox] == [[mgr_a.email]]
    message = mail.outbox[0]
    assert "نیلوفرِیکتا" not in message.body + message.alternatives[0][0]
    assert case.case_number not in message.body + message.alternatives[0][0]
    assert_link_only(message, report, mgr_a)


def test_a_mail_failure_gives_the_claim_back_for_the_retry(queued, min_officer):
    build(queued)  # no on_commit here: nothing is mailed yet
    report = Report.objects.get()
    run = str(report.built_run_id)
    failing = mock.patch(
        "reports.notifications.send_templated_mail", side_effect=OSError("smtp down")
    )
    with failing, pytest.raises(OSError):
        report_notify(report_id=report.pk, run_id=run)
    assert report_notify(report_id=report.pk, run_id=run) == 1
    assert report_notify(report_id=report.pk, run_id=run) == 0
    assert len(mail.outbox) == 1
    assert report_notify(report_id=report.pk, run_id=str(uuid.uuid4())) == 0


# --- The daily job --------------------------------------------------------------------------


def test_build_due_asks_once_for_each_ended_period(db, org_a, org_b, mgr_a, cw_b):
    with mock.patch.object(build_report, "delay"):
        asked = reports_build_due()
        # Referrals and resolutions for Aban, the summary for Q2, A's backlog (B has no manager).
        assert asked == 4
        keys = set(Report.objects.values_list("kind", "period_key", "organisation_id"))
        assert keys == {
            ("monthly_referrals", "1405-08", None),
            ("monthly_resolutions", "1405-08", None),
            ("quarterly_summary", "1405-Q2", None),
            ("weekly_backlog", WEEK.key, org_a.pk),
        }
        assert reports_build_due() == 0
        assert Report.objects.count() == 4


def test_the_sweep_requeues_a_build_whose_worker_was_lost(db, django_capture_on_commit_callbacks):
    report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.BUILDING, requested_at=long_ago)
    OutboxMessage.objects.update(created_at=long_ago, sent_at=long_ago)  # went to the lost worker
    with (
        mock.patch.object(build_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert stuck.sweep()["reports"] == 1
    lost_run = report.run_id
    report.refresh_from_db()
    # A new run id fences off the lost worker, should it come back; the build is asked for it.
    assert report.run_id != lost_run
    assert mock.call(report.pk, str(report.run_id)) in delay.call_args_list
    assert mock.call(report.pk, str(lost_run)) not in delay.call_args_list


def test_the_sweep_queues_a_build_that_never_started_again_under_the_same_run_id(
    db, django_capture_on_commit_callbacks
):
    report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    Report.objects.filter(pk=report.pk).update(requested_at=long_ago)
    OutboxMessage.objects.update(created_at=long_ago, sent_at=long_ago)  # lost with its broker
    with (
        mock.patch.object(build_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert stuck.sweep()["reports"] == 1
    report.refresh_from_db()
    delay.assert_called_once_with(report.pk, str(report.run_id))
    assert report.status == Report.Status.QUEUED


def test_the_sweep_leaves_a_build_that_is_alive_or_still_waiting_to_be_sent(db):
    report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.BUILDING, requested_at=long_ago)
    OutboxMessage.objects.update(created_at=long_ago)  # not sent yet: the relay will send it
    assert stuck.sweep()["reports"] == 0
    OutboxMessage.objects.update(sent_at=long_ago)
    assert leases.acquire(build_lease_key(report.pk, report.run_id), "a live worker")
    assert stuck.sweep()["reports"] == 0
    report.refresh_from_db()
    assert report.status == Report.Status.BUILDING


# --- The Celery tasks are thin wrappers -------------------------------------------------------


def test_the_tasks_call_their_services(queued, django_capture_on_commit_callbacks):
    from reports import tasks

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.build_report.apply(args=[queued.pk, str(queued.run_id)])
    assert result.get() == "built"
    assert tasks.build_report.apply(args=[queued.pk, str(queued.run_id)]).get() == "already built"
    assert tasks.refresh_summaries.apply().get() == 0  # no cases, no encounters: no figures
    with mock.patch.object(build_report, "delay"):
        assert tasks.build_due_reports.apply().get() == 2  # resolutions and the quarter


# --- Provincial copies of the quarterly summary (AC-12) -----------------------------------------


def test_build_due_builds_a_quarterly_copy_for_each_province_with_an_officer(db, ministry):
    rk = province("razavi-khorasan")
    member("min_rk", ministry, Role.MINISTRY_OFFICER, province=rk)
    with mock.patch.object(build_report, "delay"):
        reports_build_due()
        copies = Report.objects.filter(province__isnull=False)
        assert list(copies.values_list("kind", "period_key", "province_id")) == [
            ("quarterly_summary", "1405-Q2", rk.pk)
        ]
        assert Report.objects.filter(kind="quarterly_summary", province__isnull=True).count() == 1
        assert reports_build_due() == 0


def test_a_provincial_copy_mails_only_that_provinces_officers_and_the_national_one_only_others(
    db, ministry, min_officer
):
    rk = province("razavi-khorasan")
    officer_rk = member("min_rk", ministry, Role.MINISTRY_OFFICER, province=rk)
    member("min_th", ministry, Role.MINISTRY_OFFICER, province=province("tehran"))
    quarter = periods.from_key("1405-Q2")
    national = Report(kind=Report.Kind.QUARTERLY_SUMMARY, period_key=quarter.key)
    copy = Report(kind=Report.Kind.QUARTERLY_SUMMARY, period_key=quarter.key, province=rk)
    assert list(audience(national)) == [min_officer]
    assert list(audience(copy)) == [officer_rk]


def test_a_provincial_officer_cannot_ask_for_the_national_copy_or_another_province(db, ministry):
    officer = member(
        "min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan")
    )
    quarter = periods.from_key("1405-Q2")
    for other in (None, province("tehran")):
        with pytest.raises(ActionNotAllowed):
            report_request(
                kind=Report.Kind.QUARTERLY_SUMMARY, period=quarter, province=other, user=officer
            )
    assert not Report.objects.exists()
