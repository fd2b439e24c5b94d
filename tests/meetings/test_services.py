"""Minutes approval lock, resolution state rules and the overdue reminder job."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from meetings import services
from meetings.models import Minutes, Resolution, Responsibility
from tests.factories import member

from .conftest import MEETING_DAY

pytestmark = pytest.mark.django_db


def _statement(meeting, text="سخن"):
    return {"speaker": meeting.attendees.first(), "text": text}


# --- Meetings --------------------------------------------------------------------------------


def test_meeting_numbers_are_unique_in_a_group(meeting, min_officer, group):
    with pytest.raises(ValidationError):
        services.meeting_record(
            by=min_officer,
            group=group,
            held_on=MEETING_DAY,
            place="x",
            attendees=[{"name": "x"}],
            number=meeting.number,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        type(meeting).objects.create(
            working_group=group, number=1, held_on=MEETING_DAY, place="x", recorded_by=min_officer
        )


def test_only_managers_record_meetings(group, mgr_a):
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            by=mgr_a, group=group, held_on=MEETING_DAY, place="x", attendees=[{"name": "x"}]
        )


def test_the_secretary_manages_their_group(group, org_a):
    secretary = member("sec_a", org_a, "caseworker")
    group.secretary = secretary
    group.save()
    meeting = services.meeting_record(
        by=secretary, group=group, held_on=MEETING_DAY, place="x", attendees=[{"name": "y"}]
    )
    assert meeting.number == 1


# --- Minutes ---------------------------------------------------------------------------------


def test_approved_minutes_are_read_only(meeting, min_officer):
    draft = services.minutes_save_draft(
        by=min_officer, meeting=meeting, summary="خلاصه", statements=[_statement(meeting)]
    )
    services.minutes_approve(by=min_officer, minutes=draft)
    with pytest.raises(ValidationError):
        services.minutes_save_draft(by=min_officer, meeting=meeting, summary="تغییر", statements=[])
    with pytest.raises(ValidationError):
        services.minutes_approve(by=min_officer, minutes=draft)
    draft.refresh_from_db()
    assert draft.summary == "خلاصه"
    assert draft.statements.count() == 1


def test_a_correction_is_a_new_audited_version(meeting, min_officer):
    first = services.minutes_save_draft(
        by=min_officer, meeting=meeting, summary="نسخه ۱", statements=[_statement(meeting)]
    )
    services.minutes_approve(by=min_officer, minutes=first)
    with pytest.raises(ValidationError):
        services.minutes_correct(by=min_officer, minutes=first, reason="  ")
    correction = services.minutes_correct(by=min_officer, minutes=first, reason="اصلاح عنوان")
    assert correction.version == 2 and correction.status == Minutes.Status.DRAFT
    assert correction.statements.count() == 1
    services.minutes_save_draft(
        by=min_officer, meeting=meeting, summary="نسخه ۲", statements=[_statement(meeting, "ب")]
    )
    services.minutes_approve(by=min_officer, minutes=correction)
    first.refresh_from_db()
    correction.refresh_from_db()
    assert first.status == Minutes.Status.SUPERSEDED and first.summary == "نسخه ۱"
    assert correction.status == Minutes.Status.APPROVED
    events = AuditEvent.objects.filter(object_type="meetings.minutes")
    assert {e.detail["event"] for e in events} >= {
        "minutes_drafted",
        "minutes_approved",
        "minutes_correction_started",
    }
    correction_event = events.get(detail__event="minutes_correction_started")
    assert correction_event.detail["reason"] == "اصلاح عنوان"
    assert correction_event.actor == min_officer


def test_members_cannot_draft_minutes(meeting, mgr_a):
    with pytest.raises(PermissionDenied):
        services.minutes_save_draft(by=mgr_a, meeting=meeting, summary="x", statements=[])


# --- Resolutions -----------------------------------------------------------------------------


def test_one_lead_organisation_per_resolution(resolution, org_b):
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(resolution=resolution, organisation=org_b, is_lead=True)


def test_progress_moves_open_to_in_progress(resolution, mgr_a):
    services.resolution_progress_post(by=mgr_a, resolution=resolution, text="پیش‌نویس آماده شد")
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.IN_PROGRESS


def test_outsider_manager_cannot_post_progress(resolution, mgr_b):
    with pytest.raises(PermissionDenied):
        services.resolution_progress_post(by=mgr_b, resolution=resolution, text="x")


def test_a_caseworker_of_the_lead_cannot_update(resolution, cw_a):
    with pytest.raises(PermissionDenied):
        services.resolution_progress_post(by=cw_a, resolution=resolution, text="x")


def test_supporting_organisation_cannot_mark_done(meeting, min_officer, org_a, org_b, mgr_b):
    meeting.working_group.member_organisations.add(org_b)
    resolution = services.resolution_add(
        by=min_officer,
        meeting=meeting,
        text="t",
        kind="policy",
        due_date=MEETING_DAY,
        lead=org_a,
        supporting=[org_b],
    )
    services.resolution_progress_post(by=mgr_b, resolution=resolution, text="سهم ما انجام شد")
    with pytest.raises(PermissionDenied):
        services.resolution_mark_done(by=mgr_b, resolution=resolution)


def test_lead_marks_done_then_secretary_confirms(resolution, mgr_a, min_officer):
    with pytest.raises(ValidationError):
        services.resolution_confirm(by=min_officer, resolution=resolution)
    services.resolution_mark_done(by=mgr_a, resolution=resolution)
    with pytest.raises(PermissionDenied):
        services.resolution_confirm(by=mgr_a, resolution=resolution)
    services.resolution_confirm(by=min_officer, resolution=resolution)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE and resolution.confirmed_by == min_officer
    with pytest.raises(ValidationError):
        services.resolution_confirm(by=min_officer, resolution=resolution)
    with pytest.raises(ValidationError):
        services.resolution_progress_post(by=mgr_a, resolution=resolution, text="x")
    with pytest.raises(ValidationError):
        services.resolution_drop(by=min_officer, resolution=resolution, reason="x")


def test_dropping_needs_a_reason_and_ends_the_resolution(resolution, min_officer, mgr_a):
    with pytest.raises(ValidationError):
        services.resolution_drop(by=min_officer, resolution=resolution, reason="")
    with pytest.raises(PermissionDenied):
        services.resolution_drop(by=mgr_a, resolution=resolution, reason="x")
    services.resolution_drop(by=min_officer, resolution=resolution, reason="منتفی شد")
    with pytest.raises(ValidationError):
        services.resolution_mark_done(by=mgr_a, resolution=resolution)
    resolution.refresh_from_db()
    assert resolution.display_status == "dropped"


def test_database_refuses_a_dropped_resolution_without_reason(resolution):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.filter(pk=resolution.pk).update(status="dropped")


def test_due_date_before_the_meeting_is_refused(meeting, min_officer, org_a):
    with pytest.raises(ValidationError):
        services.resolution_add(
            by=min_officer,
            meeting=meeting,
            text="t",
            kind="policy",
            due_date=MEETING_DAY - datetime.timedelta(days=1),
            lead=org_a,
        )


# --- Overdue reminders -----------------------------------------------------------------------


def test_overdue_reminder_runs_twice_sends_once(
    resolution, mgr_a, django_capture_on_commit_callbacks
):
    today = resolution.due_date + datetime.timedelta(days=1)
    assert resolution.display_status_of(today) == "overdue"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resolutions_send_overdue_reminders(today=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resolutions_send_overdue_reminders(today=today) == 0
    assert [m.to for m in mail.outbox] == [[mgr_a.email]]
    assert resolution.meeting.working_group.title_fa in mail.outbox[0].body


def test_no_reminder_before_the_due_date_or_after_done(resolution, mgr_a):
    assert services.resolutions_send_overdue_reminders(today=resolution.due_date) == 0
    services.resolution_mark_done(by=mgr_a, resolution=resolution)
    later = resolution.due_date + datetime.timedelta(days=5)
    assert services.resolutions_send_overdue_reminders(today=later) == 0


def test_database_refuses_changes_to_approved_minutes(meeting, min_officer):
    from meetings.models import Statement

    draft = services.minutes_save_draft(
        by=min_officer, meeting=meeting, summary="خلاصه", statements=[_statement(meeting)]
    )
    services.minutes_approve(by=min_officer, minutes=draft)
    with pytest.raises(Exception, match="Cannot update"), transaction.atomic():
        Minutes.objects.filter(pk=draft.pk).update(summary="دستکاری")
    with pytest.raises(Exception, match="read-only"), transaction.atomic():
        Statement.objects.filter(minutes=draft).update(text="دستکاری")
    with pytest.raises(Exception, match="read-only"), transaction.atomic():
        Statement.objects.create(
            minutes=draft, position=9, speaker=meeting.attendees.first(), text="x"
        )
    draft.refresh_from_db()
    assert draft.summary == "خلاصه"


def test_tracker_counts_per_organisation_and_status(resolution, meeting, min_officer, ministry):
    from meetings.selectors import tracker_counts

    services.resolution_add(
        by=min_officer,
        meeting=meeting,
        text="t",
        kind="policy",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
        lead=ministry,
    )
    rows, totals = tracker_counts(
        Resolution.objects.prefetch_related("responsibilities__organisation")
    )
    by_org = {row["organisation"].code: row["counts"] for row in rows}
    statuses = [key for key, _label in Resolution.DISPLAY_STATUSES]
    # The first resolution (due in 1397) is overdue for both its lead and its supporter.
    assert by_org["NGOA"][statuses.index("overdue")] == 1
    assert by_org["MOI"][statuses.index("overdue")] == 1
    assert by_org["MOI"][statuses.index("open")] == 1
    assert sum(totals) == 3


def test_a_rolled_back_reminder_sends_nothing(
    resolution, mgr_a, django_capture_on_commit_callbacks
):
    # mgr_a manages the lead organisation: a reminder has someone to go to.
    today = resolution.due_date + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.resolutions_send_overdue_reminders(today=today)
                raise RuntimeError("fault after queueing")
        except RuntimeError:
            pass
    assert mail.outbox == []
    resolution.refresh_from_db()
    assert resolution.reminded_for_due_date is None
    # The same run, committed, does send: the silence above was the rollback's doing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resolutions_send_overdue_reminders(today=today) == 1
    assert [message.to for message in mail.outbox] == [[mgr_a.email]]
