"""Transfers (انتقال پرونده): a case moves whole to another organisation (docs/adr/0037).

The sending organisation's managers ask; the receiving organisation's managers accept, choosing
the caseworker, or decline with a reason; the sender may withdraw while it waits. Until it is
accepted the receiver reads only what the request shares (like a referral, docs/adr/0006); once
accepted the case belongs to the receiver and the sender keeps only a `TransferSummary`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransferState(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseTransfer(models.Model):
    """A request to move `case` from `from_organisation` to `to_organisation`.

    The case row itself changes organisation on acceptance; this row keeps who asked and answered,
    when, and the case numbers before and after.
    """

    case = models.ForeignKey("children.Case", on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.PROTECT,
        related_name="transfers_sent",
        verbose_name=_("from"),
    )
    to_organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.PROTECT,
        related_name="transfers_received",
        verbose_name=_("to"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=TransferState.choices, default=TransferState.PENDING
    )
    reason = models.TextField(_("reason for the transfer"))
    # The consent covering transfer that the request relies on (no override: docs/adr/0037).
    consent = models.ForeignKey(
        "children.Consent", on_delete=models.PROTECT, related_name="transfers"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The receiver's caseworker who takes the case, chosen on acceptance.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_case_number = models.CharField(_("previous case number"), max_length=40)
    new_case_number = models.CharField(_("new case number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(
                fields=["to_organisation", "state", "-requested_at"], name="transfer_inbox_idx"
            ),
            models.Index(
                fields=["from_organisation", "state", "-requested_at"], name="transfer_outbox_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="transfer_to_another_organisation",
            ),
            # One request waits per case at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="transfer_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(answered_at__isnull=False),
                name="transfer_answer_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted")
                | Q(assigned_to__isnull=False) & ~Q(new_case_number=""),
                name="transfer_accepted_has_caseworker_and_number",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="transfer_decline_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} → {self.to_organisation_id} ({self.state})"

    @property
    def is_pending(self):
        return self.state == TransferState.PENDING


class TransferSummary(models.Model):
    """What the sending organisation keeps of a case it transferred: a read-only snapshot.

    Only what the sender needs to answer "where did this child go?": never a link it could follow
    to the case, which is now another organisation's (docs/adr/0037).
    """

    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.PROTECT, related_name="transfer_summaries"
    )
    transfer = models.OneToOneField(CaseTransfer, on_delete=models.PROTECT, related_name="summary")
    case_number = models.CharField(_("case number"), max_length=40)
    given_name = models.CharField(_("first name"), max_length=100)
    family_initial = models.CharField(_("initial of the last name"), max_length=2, blank=True)
    registered_on = models.DateField(_("registration date"))
    requested_at = models.DateTimeField(_("transfer asked"))
    transferred_at = models.DateTimeField(_("transferred"))
    reason = models.TextField(_("reason for the transfer"))
    receiver_name = models.CharField(_("receiving organisation"), max_length=300)
    # The sender's own staff: who asked, and who was the caseworker until the transfer.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer summary")
        verbose_name_plural = _("transfer summaries")
        ordering = ["-transferred_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "-transferred_at"], name="transfer_summary_org_idx"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} · {self.case_number}"

    @property
    def child_name(self):
        """The first name and the initial, e.g. «علی ر.»."""
        if self.family_initial:
            return f"{self.given_name} {self.family_initial}."
        return self.given_name
