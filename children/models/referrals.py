"""Referrals (ارجاع) between organisations, and follow-ups (پیگیری) that are never forgotten."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import REFERRAL_OPEN_STATES, FollowUpKind, FollowUpStatus, ReferralState


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=REFERRAL_OPEN_STATES)

    def awaiting_answer(self):
        return self.filter(state=ReferralState.SENT)

    def overdue(self, now=None):
        """Sent and not answered by the end of the service level."""
        return self.filter(state=ReferralState.SENT, answer_due_at__lt=now or timezone.now())

    def escalation_due(self, now=None):
        """Overdue, already reminded to the receiver, and still unanswered a further
        REFERRAL_ESCALATION_DAYS after the answer date: the sender's managers are told
        (docs/adr/0039-referrals-that-cannot-stall.md)."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.REFERRAL_ESCALATION_DAYS)
        return self.filter(
            state=ReferralState.SENT,
            answer_due_at__lt=cutoff,
            reminder_sent_at__isnull=False,
            escalated_at__isnull=True,
            sharing_ended_at__isnull=True,
        )

    def completion_due(self, today=None, *, within_days=None):
        """Accepted referrals whose service is due by `today` plus `within_days` (overdue ones
        included)."""
        today = today or timezone.localdate()
        days = settings.REFERRAL_COMPLETION_SOON_DAYS if within_days is None else within_days
        return self.filter(
            state=ReferralState.ACCEPTED,
            complete_by__isnull=False,
            sharing_ended_at__isnull=True,
            complete_by__lte=today + datetime.timedelta(days=days),
        )

    def completion_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.completion_due(today, within_days=-1)


class Referral(models.Model):
    """A case referred by its organisation to another for a service.

    The receiver reads only what the referral shares, and only while it is sent or accepted and
    the consent it relies on stands (AC-04). Each transition is timestamped here and audited.
    """

    case = models.ForeignKey("children.Case", on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    to_organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    service = models.ForeignKey(
        "ngos.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReferralState.choices, default=ReferralState.SENT
    )
    need = models.TextField(_("the need"))
    contact_arrangements = models.TextField(_("contact arrangements"), blank=True)
    sender_note = models.TextField(_("what else the receiver should know"), blank=True)
    # Consent the referral relies on, or a recorded override by someone allowed to make one (AC-05).
    consent = models.ForeignKey(
        "children.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    consent_override_reason = models.TextField(
        _("reason for referring without consent"), blank=True
    )
    # A referral sent on an override is countersigned by an approver other than its sender
    # (docs/adr/0038); until then it waits in the approvals queue.
    override_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_approved_at = models.DateTimeField(null=True, blank=True)

    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    answer_due_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome_notes = models.TextField(_("completion notes"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Set when the receiving organisation's managers were reminded of an overdue answer.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the sending organisation's managers were told the referral is still unanswered
    # REFERRAL_ESCALATION_DAYS after its answer date; once only (docs/adr/0039).
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The day the service should be completed by: the service's completion days counted from
    # acceptance, stored when accepted so a later change of the service does not move it.
    complete_by = models.DateField(_("complete the service by"), null=True, blank=True)
    sharing_ended_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(
                fields=["to_organisation", "state", "-sent_at"], name="referral_inbox_idx"
            ),
            models.Index(
                fields=["to_organisation", "-sent_at", "-id"], name="referral_inbox_all_idx"
            ),
            models.Index(
                fields=["from_organisation", "state", "-sent_at"], name="referral_outbox_idx"
            ),
            models.Index(fields=["state", "answer_due_at"], name="referral_due_idx"),
            # The organisation dashboard's referral figures for each side read these alone
            # (index-only): the period's referrals and those waiting, without the table (issue 21).
            models.Index(
                fields=["from_organisation", "sent_at"],
                include=["state", "answered_at", "answer_due_at", "id"],
                name="referral_from_sent_idx",
            ),
            models.Index(
                fields=["to_organisation", "sent_at"],
                include=["state", "answered_at", "answer_due_at", "id"],
                name="referral_to_sent_idx",
            ),
            # Referrals sent without recorded consent (AC-05): the approvals count on every
            # manager page and the queue on "My work" find theirs here instead of combining the
            # outbox with every such referral of the country (issue 21).
            models.Index(
                fields=["from_organisation", "state"],
                condition=Q(consent__isnull=True),
                name="referral_no_consent_idx",
            ),
            # "My work"'s referrals sent and awaiting an answer, in the order it lists them: the
            # first fifty are read in order and joined, rather than all of a large organisation's
            # joined and sorted (issue 21).
            models.Index(
                fields=["from_organisation", "answer_due_at"],
                condition=Q(state=ReferralState.SENT),
                name="referral_awaiting_from_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(consent_override_reason=""),
                name="referral_consent_or_override",
            ),
            models.CheckConstraint(
                condition=Q(override_approved_by__isnull=True, override_approved_at__isnull=True)
                | Q(
                    ~Q(consent_override_reason=""),
                    ~Q(override_approved_by=models.F("sent_by")),
                    override_approved_by__isnull=False,
                    override_approved_at__isnull=False,
                ),
                name="referral_override_approved_by_another",
            ),
            models.CheckConstraint(
                condition=Q(state="sent") | Q(state="withdrawn") | Q(answered_at__isnull=False),
                name="referral_answer_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} → {self.to_organisation_id} ({self.state})"

    @property
    def is_open(self):
        return self.state in REFERRAL_OPEN_STATES

    @property
    def is_overdue(self):
        return self.state == ReferralState.SENT and self.answer_due_at < timezone.now()

    @staticmethod
    def due_from(sent_at):
        return sent_at + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS)

    @property
    def completion_overdue(self):
        return (
            self.state == ReferralState.ACCEPTED
            and self.complete_by is not None
            and self.complete_by < timezone.localdate()
        )


class ReferralLetter(models.Model):
    """A numbered letter «نامه ارجاع» for an agency outside the system (the State Welfare
    Organisation, a school, a labour inspector), printed as a PDF (docs/adr/0039).

    The number is the organisation's code, the Jalali year and a sequence per organisation and
    year, e.g. ORG-1405-0001. What the letter may say about the child is decided when it is
    printed, from the consent the case holds then.
    """

    case = models.ForeignKey(
        "children.Case", on_delete=models.PROTECT, related_name="referral_letters"
    )
    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.PROTECT, related_name="referral_letters"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    year = models.PositiveSmallIntegerField()  # Jalali
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    recipient = models.CharField(_("to"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter text"))
    attachments = models.CharField(_("attachments"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral letter")
        verbose_name_plural = _("referral letters")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "sequence"], name="referral_letter_number_once"
            ),
        ]

    def __str__(self):
        return self.number


class FollowUpQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=FollowUpStatus.SCHEDULED)

    def overdue(self, today=None):
        return self.pending().filter(due_on__lt=today or timezone.localdate())


class FollowUp(models.Model):
    """A scheduled visit or check. Overdue when the date passes without an outcome."""

    case = models.ForeignKey("children.Case", on_delete=models.CASCADE, related_name="follow_ups")
    # The case's organisation, copied so that an organisation's follow-ups are found without
    # reading its cases: "My work" and the dashboards then cost what the organisation's data
    # costs, not the nation's (issue 21). Set from the case on save; a transfer moves it with
    # the case (children/services/transfers.py).
    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.PROTECT, related_name="+", editable=False
    )
    due_on = models.DateField(_("due date"))
    kind = models.CharField(_("type"), max_length=16, choices=FollowUpKind.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible caseworker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rescheduled_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_from"
    )
    # Set by the daily job the first day the follow-up is found overdue (reports count these).
    overdue_since = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["responsible", "status", "due_on"], name="followup_worker_due_idx"
            ),
            models.Index(fields=["status", "due_on"], name="followup_due_idx"),
            # An organisation's pending follow-ups in due order ("My work", the digest).
            models.Index(
                fields=["organisation", "due_on", "id"],
                condition=Q(status="scheduled"),
                name="followup_org_pending_idx",
            ),
            # "My work" counts an organisation's pending follow-ups through its cases.
            models.Index(
                fields=["case", "due_on"],
                condition=Q(status="scheduled"),
                name="followup_pending_case_idx",
            ),
            # The organisation dashboard's follow-up figures: with the outcome's columns
            # included they are read from the index alone (issue 21).
            models.Index(
                fields=["organisation", "due_on"],
                include=["status", "completed_at", "id"],
                name="followup_org_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(completed_at__isnull=False),
                name="followup_outcome_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.kind} · {self.due_on}"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.case_id is not None:
            self.organisation_id = self.case.organisation_id
        super().save(*args, **kwargs)

    @property
    def is_overdue(self):
        return self.status == FollowUpStatus.SCHEDULED and self.due_on < timezone.localdate()


class DigestSent(models.Model):
    """One row per caseworker and day: the daily digest is sent once even if the job runs twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.user_id} · {self.day}"
