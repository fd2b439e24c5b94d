"""Working groups, their meetings, minutes and resolutions (مصوبات).

The database holds the invariants that must never break whatever the code does: one meeting per
number in a group's series, one chair per meeting, one lead organisation per resolution, one
version number per meeting's minutes, and statuses consistent with the dates that record them.
Who may change what, and in which order, is checked by `meetings.services`.
"""

import uuid
from pathlib import PurePosixPath

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localised


class WorkingGroup(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    title_fa = models.CharField(_("Persian title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    convening_organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("convening organisation"),
        on_delete=models.PROTECT,
        related_name="convened_working_groups",
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups_as_secretary",
    )
    member_organisations = models.ManyToManyField(
        "ngos.Organisation",
        verbose_name=_("member organisations"),
        related_name="working_groups",
        blank=True,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member people"),
        related_name="working_groups",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["title_fa"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return localised(self.title_fa, self.title_en)


class Meeting(models.Model):
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("working group"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    number = models.PositiveIntegerField(_("meeting number"))
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "number"], name="meeting_number_unique_in_group"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="meeting_number_positive"),
        ]

    def __str__(self):
        return f"{self.working_group} · {self.number}"

    @property
    def chair(self):
        return next((a for a in self.attendees.all() if a.is_chair), None)


class Attendee(models.Model):
    class Presence(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Represented")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=150)
    # The title held at the time of the meeting: people change posts, minutes must not.
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    presence = models.CharField(
        _("attendance"), max_length=16, choices=Presence.choices, default=Presence.PRESENT
    )
    represented_by = models.CharField(_("represented by"), max_length=150, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_chair=True), name="attendee_one_chair"
            ),
            models.CheckConstraint(
                condition=Q(presence="represented", represented_by__gt="")
                | (~Q(presence="represented") & Q(represented_by="")),
                name="attendee_represented_by_named",
            ),
        ]

    def __str__(self):
        return self.name


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("agenda item"), max_length=500)

    class Meta:
        ordering = ["position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self):
        return self.title


class Minutes(models.Model):
    """One version of a meeting's minutes. A draft is edited in place; an approved version is
    read-only, and a correction is a new version that supersedes it once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes_versions")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_unique"),
            # At most one draft and one approved version at a time.
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status="draft"), name="minutes_one_draft"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status="approved"), name="minutes_one_approved"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", approved_at__isnull=True, approved_by__isnull=True)
                | (
                    Q(status__in=["approved", "superseded"])
                    & Q(approved_at__isnull=False, approved_by__isnull=False)
                ),
                name="minutes_approval_recorded",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""),
                name="minutes_correction_has_reason",
            ),
        ]
        # Approved minutes are read-only in the database too: only their status may move on
        # (approved -> superseded) when a correction is approved.
        triggers = [
            pgtrigger.Protect(
                name="approved_minutes_read_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status__in=["approved", "superseded"])
                & (
                    pgtrigger.Q(new__summary__df=pgtrigger.F("old__summary"))
                    | pgtrigger.Q(new__meeting_id__df=pgtrigger.F("old__meeting_id"))
                    | pgtrigger.Q(new__version__df=pgtrigger.F("old__version"))
                    | pgtrigger.Q(new__approved_at__df=pgtrigger.F("old__approved_at"))
                    | pgtrigger.Q(new__status="draft")
                ),
            ),
            pgtrigger.Protect(
                name="approved_minutes_not_deleted",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__status__in=["approved", "superseded"]),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · v{self.version}"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class Statement(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="statements")
    position = models.PositiveSmallIntegerField(_("order"))
    speaker = models.ForeignKey(
        Attendee, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="statements"
    )
    speaker_title = models.CharField(_("title at the time"), max_length=200, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    text = models.TextField(_("statement"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "position"], name="statement_position_unique"
            )
        ]
        # Statements of approved minutes cannot be added, changed or removed.
        triggers = [
            pgtrigger.Trigger(
                name="statements_of_approved_minutes_read_only",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func="""
                    IF EXISTS (
                        SELECT 1 FROM meetings_minutes
                        WHERE id IN (NEW.minutes_id, OLD.minutes_id) AND status <> 'draft'
                    ) THEN
                        RAISE EXCEPTION 'approved minutes are read-only';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                """,
            ),
        ]

    def __str__(self):
        return f"{self.speaker} · {self.position}"


class ResolutionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=Resolution.OPEN_STATUSES, due_date__lt=today)

    def with_status_shown(self, today=None):
        """Annotate `status_shown`: the stored status, or "overdue" for an open resolution
        past its due date. Overdue is derived, so it is never stale."""
        today = today or timezone.localdate()
        return self.annotate(
            status_shown=Case(
                When(
                    status__in=Resolution.OPEN_STATUSES,
                    due_date__lt=today,
                    then=Value(Resolution.OVERDUE),
                ),
                default="status",
                output_field=models.CharField(),
            )
        )


class Resolution(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        BYLAW = "bylaw", _("Bylaw or regulation drafting")
        PROGRAMME = "programme", _("Programme")
        DATA_REQUEST = "data_request", _("Data request")
        COORDINATION = "coordination", _("Coordination")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # The official minutes are Persian whatever the reader's language.
    KIND_FA = {
        "policy": "سیاست‌گذاری",
        "bylaw": "تدوین آیین‌نامه یا دستورالعمل",
        "programme": "برنامه",
        "data_request": "درخواست اطلاعات",
        "coordination": "هماهنگی",
    }
    OVERDUE = "overdue"
    OPEN_STATUSES = ("open", "in_progress")
    # Every status a person sees, in the order the tracker shows them.
    DISPLAY_STATUSES = [
        ("open", _("Open")),
        ("in_progress", _("In progress")),
        ("overdue", _("Overdue")),
        ("done", _("Done")),
        ("dropped", _("Dropped")),
    ]

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    due_date = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("marked done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dropped_at = models.DateTimeField(_("dropped"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    # The due date the lead organisation was last reminded about: a rerun of the reminder job
    # sends nothing, and moving the due date allows one new reminder.
    reminded_for_due_date = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="resolution_number_unique"),
            models.CheckConstraint(
                condition=(
                    Q(status="done", done_at__isnull=False, done_by__isnull=False)
                    | (~Q(status="done") & Q(done_at__isnull=True, done_by__isnull=True))
                ),
                name="resolution_done_recorded",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(status="done", confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="resolution_confirmed_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(status="dropped", dropped_at__isnull=False, drop_reason__gt="")
                | (~Q(status="dropped") & Q(dropped_at__isnull=True, drop_reason="")),
                name="resolution_dropped_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.number}"

    def display_status_of(self, today=None):
        today = today or timezone.localdate()
        if self.status in self.OPEN_STATUSES and self.due_date < today:
            return self.OVERDUE
        return self.status

    @property
    def kind_fa(self):
        return self.KIND_FA.get(self.kind, self.kind)

    @property
    def display_status(self):
        return self.display_status_of()

    @property
    def display_status_label(self):
        return dict(self.DISPLAY_STATUSES)[self.display_status]

    @property
    def lead(self):
        return next((r.organisation for r in self.responsibilities.all() if r.is_lead), None)

    @property
    def supporting(self):
        return [r.organisation for r in self.responsibilities.all() if not r.is_lead]


class Responsibility(models.Model):
    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="responsibilities"
    )
    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.PROTECT, related_name="resolution_responsibilities"
    )
    is_lead = models.BooleanField(_("lead"), default=False)

    class Meta:
        ordering = ["-is_lead", "id"]
        verbose_name = _("responsible organisation")
        verbose_name_plural = _("responsible organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "organisation"], name="responsibility_unique"
            ),
            models.UniqueConstraint(
                fields=["resolution"], condition=Q(is_lead=True), name="responsibility_one_lead"
            ),
        ]

    def __str__(self):
        return str(self.organisation)


class ProgressUpdate(models.Model):
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="progress_updates"
    )
    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return f"{self.resolution} · {self.created_at:%Y-%m-%d}"


def document_upload_to(instance, filename):
    # A generated name: the uploaded name never reaches the file system (FU-01).
    suffix = PurePosixPath(filename).suffix.lower().replace(".jpeg", ".jpg")
    return f"meeting-documents/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A file attached to a meeting or to a progress update; served only through an
    access-checked view, under a sanitised version of the name it was uploaded with."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    progress_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(upload_to=document_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, progress_update__isnull=True)
                | Q(meeting__isnull=True, progress_update__isnull=False),
                name="document_belongs_to_one",
            )
        ]

    def __str__(self):
        return self.original_name
