"""Writes about working groups, meetings, minutes and resolutions.

Each service checks that `by` may act, runs in one transaction, writes its audit row in that
transaction and queues mail through `core.outbox.enqueue`, so a rolled-back change sends nothing.
Refusals follow ADR 0013: acting without the authority raises `ActionNotAllowed` (a 403);
a step the current state does not allow (approving twice, editing approved minutes, confirming
an unfinished resolution) raises `InvalidState`; missing or wrong input a `ValidationError`.
Both carry a message to show.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.audit import Action, record
from core.exceptions import ActionNotAllowed, InvalidState
from core.permissions import Perm, check_permission

from .access import may_mark_done, may_update_resolution
from .models import (
    AgendaItem,
    Attendee,
    Document,
    Meeting,
    Minutes,
    ProgressUpdate,
    Resolution,
    Responsibility,
    Statement,
    WorkingGroup,
)
from .selectors import can_manage_group
from .validators import document_content_type

if TYPE_CHECKING:
    from django.core.files.base import File

    from core.models import User
    from ngos.models import Organisation


def _require_manager(by: "User", group: WorkingGroup) -> None:
    if not can_manage_group(by, group):
        raise ActionNotAllowed


# --- Working groups and meetings -------------------------------------------------------------


def working_group_create(
    *,
    by: "User",
    title_fa: str,
    convening_organisation: "Organisation",
    title_en: str = "",
    topic: str = "",
    secretary: "User | None" = None,
    member_organisations: "Collection[Organisation]" = (),
    members: "Iterable[User]" = (),
) -> WorkingGroup:
    """Create a working group. Only ministry officers (meetings.manage) create groups."""
    check_permission(by, Perm.MEETINGS_MANAGE)
    with transaction.atomic():
        group = WorkingGroup.objects.create(
            title_fa=title_fa,
            title_en=title_en,
            topic=topic,
            convening_organisation=convening_organisation,
            secretary=secretary,
            created_by=by,
        )
        group.member_organisations.set(member_organisations)
        group.members.set(members)
        record(
            Action.CREATE,
            user=by,
            obj=group,
            detail={
                "event": "working_group_created",
                "member_organisations": sorted(o.pk for o in member_organisations),
            },
        )
    return group


def working_group_close(*, by: "User", group: WorkingGroup) -> WorkingGroup:
    _require_manager(by, group)
    if group.status == WorkingGroup.Status.CLOSED:
        raise InvalidState(_("The working group is already closed."))
    with transaction.atomic():
        group.status = WorkingGroup.Status.CLOSED
        group.save(update_fields=["status"])
        record(Action.UPDATE, user=by, obj=group, detail={"event": "working_group_closed"})
    return group


_GROUP_TEXT_FIELDS = ("title_fa", "title_en", "topic")


def working_group_update(
    *, by: "User", group: WorkingGroup, data: Mapping[str, Any]
) -> WorkingGroup:
    """Change a group's titles, topic, secretary, member organisations and member people.

    `data` holds any of those keys (`secretary` a user or None; the two member lists
    iterables); keys left out stay as they are. Only the group's managers (ministry officers
    and its secretary) change it, and only while it is active. The audit row names the fields
    that changed, with the old and new values.
    """
    _require_manager(by, group)
    with transaction.atomic():
        group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
        if group.status != WorkingGroup.Status.ACTIVE:
            raise InvalidState(_("The working group is closed: it can no longer change."))
        changes: dict[str, list[Any]] = {}
        for field in _GROUP_TEXT_FIELDS:
            if field in data:
                value = (data[field] or "").strip()
                if value != getattr(group, field):
                    changes[field] = [getattr(group, field), value]
                    setattr(group, field, value)
        if not group.title_fa:
            raise ValidationError(_("Give the working group a Persian title."))
        if "secretary" in data:
            secretary = data["secretary"]
            new_id = secretary.pk if secretary is not None else None
            if new_id != group.secretary_id:
                changes["secretary"] = [group.secretary_id, new_id]
                group.secretary = secretary
        group.save()
        for field in ("member_organisations", "members"):
            if field in data:
                manager = getattr(group, field)
                before = sorted(manager.values_list("pk", flat=True))
                after = sorted({obj.pk for obj in data[field]})
                if before != after:
                    changes[field] = [before, after]
                    manager.set(after)
        record(
            Action.UPDATE,
            user=by,
            obj=group,
            detail={"event": "working_group_updated", "changes": changes},
        )
    return group


def next_meeting_number(group: WorkingGroup) -> int:
    return (group.meetings.aggregate(n=Max("number"))["n"] or 0) + 1


def _attach(
    *,
    by: "User",
    file: "File[bytes]",
    meeting: Meeting | None = None,
    progress_update: ProgressUpdate | None = None,
) -> Document:
    content_type = document_content_type(file)
    original = str(file.name or "")[-200:]
    return Document.objects.create(
        meeting=meeting,
        progress_update=progress_update,
        file=file,
        original_name=original,
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )


def _check_files(files: "Iterable[File[bytes]]") -> None:
    for file in files:
        document_content_type(file)


def meeting_record(
    *,
    by: "User",
    group: WorkingGroup,
    held_on: datetime.date,
    place: str,
    attendees: Sequence[Mapping[str, Any]],
    agenda: Iterable[str] = (),
    starts_at: datetime.time | None = None,
    number: int | None = None,
    files: "Collection[File[bytes]]" = (),
) -> Meeting:
    """Record a meeting of `group` with its attendees (dicts: name, title, organisation,
    presence, represented_by, is_chair), agenda item titles and attached documents."""
    _require_manager(by, group)
    if group.status != WorkingGroup.Status.ACTIVE:
        raise InvalidState(_("The working group is closed: it holds no new meetings."))
    if not attendees:
        raise ValidationError(_("List at least one attendee."))
    if sum(1 for a in attendees if a.get("is_chair")) > 1:
        raise ValidationError(_("A meeting has one chair."))
    _check_files(files)
    with transaction.atomic():
        number = number or next_meeting_number(group)
        if group.meetings.filter(number=number).exists():
            raise ValidationError(
                _("This working group already has a meeting number %(number)s."),
                params={"number": number},
            )
        meeting = Meeting.objects.create(
            working_group=group,
            number=number,
            held_on=held_on,
            starts_at=starts_at,
            place=place,
            recorded_by=by,
        )
        for position, attendee in enumerate(attendees, start=1):
            presence = attendee.get("presence") or Attendee.Presence.PRESENT
            Attendee.objects.create(
                meeting=meeting,
                position=position,
                name=attendee["name"],
                title=attendee.get("title", ""),
                organisation=attendee.get("organisation"),
                presence=presence,
                represented_by=attendee.get("represented_by", "")
                if presence == Attendee.Presence.REPRESENTED
                else "",
                is_chair=bool(attendee.get("is_chair")),
            )
        for position, title in enumerate((t for t in agenda if t), start=1):
            AgendaItem.objects.create(meeting=meeting, position=position, title=title)
        for file in files:
            _attach(by=by, file=file, meeting=meeting)
        record(
            Action.CREATE,
            user=by,
            obj=meeting,
            detail={"event": "meeting_recorded", "group": group.pk, "number": number},
        )
    return meeting


def meeting_attach_document(*, by: "User", meeting: Meeting, file: "File[bytes]") -> Document:
    _require_manager(by, meeting.working_group)
    with transaction.atomic():
        document = _attach(by=by, file=file, meeting=meeting)
        record(
            Action.CREATE,
            user=by,
            obj=document,
            detail={"event": "document_attached", "meeting": meeting.pk},
        )
    return document


# --- Minutes ----------------------------------------------------------------------------------


def _write_statements(minutes: Minutes, statements: Iterable[Mapping[str, Any]]) -> None:
    meeting = minutes.meeting
    minutes.statements.all().delete()
    for position, item in enumerate(statements, start=1):
        speaker = item["speaker"]
        agenda_item = item.get("agenda_item")
        if speaker.meeting_id != meeting.pk or (
            agenda_item is not None and agenda_item.meeting_id != meeting.pk
        ):
            raise ValidationError(_("A statement must be by an attendee of this meeting."))
        Statement.objects.create(
            minutes=minutes,
            position=position,
            speaker=speaker,
            speaker_title=item.get("speaker_title") or speaker.title,
            agenda_item=agenda_item,
            text=item["text"],
        )


def minutes_save_draft(
    *, by: "User", meeting: Meeting, summary: str, statements: Sequence[Mapping[str, Any]]
) -> Minutes:
    """Write the draft minutes (statements in order: speaker, speaker_title, agenda_item,
    text). The draft is the only editable version; approved minutes are read-only."""
    _require_manager(by, meeting.working_group)
    with transaction.atomic():
        versions = Minutes.objects.select_for_update().filter(meeting=meeting)
        draft = versions.filter(status=Minutes.Status.DRAFT).first()
        created = draft is None
        if draft is None:
            if versions.exists():
                raise InvalidState(
                    _("The minutes are approved and read-only; start a correction to change them.")
                )
            draft = Minutes.objects.create(meeting=meeting, version=1, drafted_by=by)
        draft.summary = summary
        draft.drafted_by = by
        draft.drafted_at = timezone.now()
        draft.save(update_fields=["summary", "drafted_by", "drafted_at"])
        _write_statements(draft, statements)
        record(
            Action.CREATE if created else Action.UPDATE,
            user=by,
            obj=draft,
            detail={
                "event": "minutes_drafted",
                "meeting": meeting.pk,
                "version": draft.version,
                "statements": len(statements),
            },
        )
    return draft


def minutes_approve(*, by: "User", minutes: Minutes) -> Minutes:
    """Approve a draft: it becomes read-only and supersedes the previously approved version."""
    _require_manager(by, minutes.meeting.working_group)
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.status != Minutes.Status.DRAFT:
            raise InvalidState(_("Only draft minutes can be approved."))
        if not minutes.summary.strip() and not minutes.statements.exists():
            raise InvalidState(_("The minutes are empty: add statements or a summary first."))
        superseded = list(
            Minutes.objects.select_for_update()
            .filter(meeting=minutes.meeting_id, status=Minutes.Status.APPROVED)
            .values_list("version", flat=True)
        )
        Minutes.objects.filter(meeting=minutes.meeting_id, status=Minutes.Status.APPROVED).update(
            status=Minutes.Status.SUPERSEDED
        )
        minutes.status = Minutes.Status.APPROVED
        minutes.approved_by = by
        minutes.approved_at = timezone.now()
        minutes.save(update_fields=["status", "approved_by", "approved_at"])
        record(
            Action.UPDATE,
            user=by,
            obj=minutes,
            detail={
                "event": "minutes_approved",
                "meeting": minutes.meeting_id,
                "version": minutes.version,
                "supersedes": superseded,
            },
        )
    return minutes


def minutes_correct(*, by: "User", minutes: Minutes, reason: str | None) -> Minutes:
    """Start a correction of approved minutes: a new draft version, copied from them, that
    replaces them once approved. The approved version stays as it is until then."""
    _require_manager(by, minutes.meeting.working_group)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the minutes are corrected."))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.status != Minutes.Status.APPROVED:
            raise InvalidState(_("Only the approved minutes can be corrected."))
        if Minutes.objects.filter(meeting=minutes.meeting_id, status="draft").exists():
            raise InvalidState(_("A correction of these minutes is already in progress."))
        latest = Minutes.objects.filter(meeting=minutes.meeting_id).aggregate(v=Max("version"))
        correction = Minutes.objects.create(
            meeting=minutes.meeting,
            version=latest["v"] + 1,
            summary=minutes.summary,
            correction_reason=reason,
            drafted_by=by,
        )
        for statement in minutes.statements.all():
            Statement.objects.create(
                minutes=correction,
                position=statement.position,
                speaker_id=statement.speaker_id,
                speaker_title=statement.speaker_title,
                agenda_item_id=statement.agenda_item_id,
                text=statement.text,
            )
        record(
            Action.CREATE,
            user=by,
            obj=correction,
            detail={
                "event": "minutes_correction_started",
                "meeting": minutes.meeting_id,
                "corrects_version": minutes.version,
                "version": correction.version,
                "reason": reason,
            },
        )
    return correction


# --- Resolutions ------------------------------------------------------------------------------


def resolution_add(
    *,
    by: "User",
    meeting: Meeting,
    text: str | None,
    kind: str,
    due_date: datetime.date,
    lead: "Organisation | None",
    supporting: "Iterable[Organisation]" = (),
) -> Resolution:
    """Record a resolution of `meeting` with one lead organisation and any supporting ones."""
    _require_manager(by, meeting.working_group)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the resolution."))
    if lead is None:
        raise ValidationError(_("Choose the lead organisation."))
    supporting = [o for o in supporting if o.pk != lead.pk]
    if due_date < meeting.held_on:
        raise ValidationError(_("The due date cannot be before the meeting."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
        resolution = Resolution.objects.create(
            meeting=meeting,
            number=number,
            text=text,
            kind=kind,
            due_date=due_date,
            created_by=by,
        )
        Responsibility.objects.create(resolution=resolution, organisation=lead, is_lead=True)
        for organisation in supporting:
            Responsibility.objects.create(resolution=resolution, organisation=organisation)
        record(
            Action.CREATE,
            user=by,
            obj=resolution,
            detail={
                "event": "resolution_added",
                "meeting": meeting.pk,
                "lead": lead.pk,
                "supporting": [o.pk for o in supporting],
                "due_date": due_date.isoformat(),
            },
        )
    return resolution


def _locked(resolution: Resolution) -> Resolution:
    return (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__working_group")
        .get(pk=resolution.pk)
    )


def _still_open(resolution: Resolution) -> None:
    if resolution.status not in Resolution.OPEN_STATUSES:
        raise InvalidState(
            _("This resolution is %(status)s: it can no longer change."),
            params={"status": resolution.get_status_display()},
        )


def resolution_progress_post(
    *,
    by: "User",
    resolution: Resolution,
    text: str | None,
    files: "Collection[File[bytes]]" = (),
) -> ProgressUpdate:
    """A responsible organisation (or the group's manager) reports progress; an open
    resolution becomes in progress."""
    if not may_update_resolution(by, resolution):
        raise ActionNotAllowed
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Describe the progress."))
    _check_files(files)
    with transaction.atomic():
        resolution = _locked(resolution)
        _still_open(resolution)
        membership = by.membership_or_none
        update = ProgressUpdate.objects.create(
            resolution=resolution,
            organisation=membership.organisation,
            author=by,
            text=text,
        )
        for file in files:
            _attach(by=by, file=file, progress_update=update)
        if resolution.status == Resolution.Status.OPEN:
            resolution.status = Resolution.Status.IN_PROGRESS
            resolution.save(update_fields=["status"])
        record(
            Action.UPDATE,
            user=by,
            obj=resolution,
            detail={"event": "progress_posted", "update": update.pk, "files": len(files)},
        )
    return update


def resolution_mark_done(*, by: "User", resolution: Resolution) -> Resolution:
    """The lead organisation (or the group's manager) says the resolution is carried out."""
    if not may_mark_done(by, resolution):
        raise ActionNotAllowed
    with transaction.atomic():
        resolution = _locked(resolution)
        _still_open(resolution)
        resolution.status = Resolution.Status.DONE
        resolution.done_at = timezone.now()
        resolution.done_by = by
        resolution.save(update_fields=["status", "done_at", "done_by"])
        record(Action.UPDATE, user=by, obj=resolution, detail={"event": "resolution_done"})
    return resolution


def resolution_confirm(*, by: "User", resolution: Resolution) -> Resolution:
    """The secretary (or a ministry officer) confirms a resolution marked done."""
    _require_manager(by, resolution.meeting.working_group)
    with transaction.atomic():
        resolution = _locked(resolution)
        if resolution.status != Resolution.Status.DONE:
            raise InvalidState(_("Only a resolution marked done can be confirmed."))
        if resolution.confirmed_at is not None:
            raise InvalidState(_("This resolution is already confirmed."))
        resolution.confirmed_at = timezone.now()
        resolution.confirmed_by = by
        resolution.save(update_fields=["confirmed_at", "confirmed_by"])
        record(Action.UPDATE, user=by, obj=resolution, detail={"event": "resolution_confirmed"})
    return resolution


def resolution_reopen(*, by: "User", resolution: Resolution) -> Resolution:
    """Send a resolution marked done (not yet confirmed) back to in progress."""
    _require_manager(by, resolution.meeting.working_group)
    with transaction.atomic():
        resolution = _locked(resolution)
        if resolution.status != Resolution.Status.DONE or resolution.confirmed_at is not None:
            raise InvalidState(_("Only a resolution marked done and not confirmed can reopen."))
        resolution.status = Resolution.Status.IN_PROGRESS
        resolution.done_at = None
        resolution.done_by = None
        resolution.save(update_fields=["status", "done_at", "done_by"])
        record(Action.UPDATE, user=by, obj=resolution, detail={"event": "resolution_reopened"})
    return resolution


def resolution_drop(*, by: "User", resolution: Resolution, reason: str | None) -> Resolution:
    """The secretary (or a ministry officer) drops an unfinished resolution, saying why."""
    _require_manager(by, resolution.meeting.working_group)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the resolution is dropped."))
    with transaction.atomic():
        resolution = _locked(resolution)
        _still_open(resolution)
        resolution.status = Resolution.Status.DROPPED
        resolution.dropped_at = timezone.now()
        resolution.drop_reason = reason
        resolution.save(update_fields=["status", "dropped_at", "drop_reason"])
        record(
            Action.UPDATE,
            user=by,
            obj=resolution,
            detail={"event": "resolution_dropped", "reason": reason},
        )
    return resolution


def resolutions_send_overdue_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the lead organisation's managers of each overdue resolution, once per due date.

    Safe to run twice, or in two processes at once: the rows are locked (skipping ones another
    run holds) and stamped with the due date they were reminded about. Returns how many
    resolutions were reminded.
    """
    from .tasks import send_overdue_reminder

    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        due = Resolution.objects.overdue(today).select_for_update(skip_locked=True).order_by("pk")
        for resolution in due:
            if resolution.reminded_for_due_date == resolution.due_date:
                continue
            resolution.reminded_for_due_date = resolution.due_date
            resolution.save(update_fields=["reminded_for_due_date"])
            record(
                Action.UPDATE,
                obj=resolution,
                detail={
                    "event": "overdue_reminder_queued",
                    "due_date": resolution.due_date.isoformat(),
                },
            )
            outbox.enqueue(send_overdue_reminder, resolution.pk)
            sent += 1
    return sent
