"""The duty to report danger to a child (1399 Law on the Protection of Children and Adolescents).

When a case's risk becomes critical, or a concern of abuse, exploitation or trafficking is
recorded, a `ReportAlert` starts. A manager of the case's organisation acknowledges it within
24 hours with the decision: reported (to whom, when, the reference) or not reported and why.
Unacknowledged, it escalates to the organisation's other managers. docs/adr/0036-duty-to-report.md
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ProtectionConcern

# How long a manager has to acknowledge an alert before it escalates.
ACKNOWLEDGE_WITHIN = datetime.timedelta(hours=24)


class AlertTrigger(models.TextChoices):
    CRITICAL_RISK = "critical_risk", _("Risk level became critical")
    PHYSICAL_ABUSE = ProtectionConcern.PHYSICAL_ABUSE.value, _("Physical abuse recorded")
    SEXUAL_ABUSE = ProtectionConcern.SEXUAL_ABUSE.value, _("Sexual abuse recorded")
    EXPLOITATION = ProtectionConcern.EXPLOITATION.value, _("Economic exploitation recorded")
    TRAFFICKING = ProtectionConcern.TRAFFICKING.value, _("Risk of trafficking recorded")


# The protection concerns that start an alert when they are recorded on a case.
CONCERN_TRIGGERS = frozenset(
    {
        AlertTrigger.PHYSICAL_ABUSE,
        AlertTrigger.SEXUAL_ABUSE,
        AlertTrigger.EXPLOITATION,
        AlertTrigger.TRAFFICKING,
    }
)


class ReportedTo(models.TextChoices):
    SOCIAL_EMERGENCY = "social_emergency_123", _("State Welfare Organisation's 123 line")
    POLICE = "police", _("Police")
    JUDICIARY = "judiciary", _("Judiciary")
    OTHER = "other", _("Other")


class ReportDecision(models.TextChoices):
    REPORTED = "reported", _("Reported")
    NOT_REPORTED = "not_reported", _("Not reported")


class ReportAlertQuerySet(models.QuerySet["ReportAlert"]):
    def open(self) -> "ReportAlertQuerySet":
        return self.filter(decided_at__isnull=True)

    def decided(self) -> "ReportAlertQuerySet":
        return self.filter(decided_at__isnull=False)

    def escalated(self) -> "ReportAlertQuerySet":
        return self.filter(escalated_at__isnull=False)


class ReportAlert(models.Model):
    """One duty-to-report alert on a case, for one trigger; at most one open per case and trigger."""

    case = models.ForeignKey(
        "children.Case", on_delete=models.CASCADE, related_name="report_alerts"
    )
    trigger = models.CharField(_("reason"), max_length=24, choices=AlertTrigger.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The manager who answers first; the organisation's other managers hear on escalation.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("acknowledge by"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=ReportDecision.choices, blank=True
    )
    reported_to = models.CharField(
        _("reported to"), max_length=24, choices=ReportedTo.choices, blank=True
    )
    reported_to_other = models.CharField(_("other authority"), max_length=200, blank=True)
    reported_on = models.DateField(_("date reported"), null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    reason_not_reported = models.TextField(_("why it was not reported"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ReportAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty-to-report alert")
        verbose_name_plural = _("duty-to-report alerts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["due_at"], name="report_alert_due_idx")]
        constraints = [
            # One open alert per case and trigger: starting it again changes nothing.
            models.UniqueConstraint(
                fields=["case", "trigger"],
                condition=Q(decided_at__isnull=True),
                name="report_alert_one_open_per_trigger",
            ),
            # A decision has its person and time; an open alert has neither.
            models.CheckConstraint(
                condition=Q(decision="", decided_by__isnull=True, decided_at__isnull=True)
                | Q(~Q(decision=""), decided_by__isnull=False, decided_at__isnull=False),
                name="report_alert_decision_has_person_and_time",
            ),
            # Reported: to whom and when. Not reported: why.
            models.CheckConstraint(
                condition=Q(decision="")
                | Q(~Q(reported_to=""), decision="reported", reported_on__isnull=False)
                | Q(~Q(reason_not_reported=""), decision="not_reported"),
                name="report_alert_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.trigger}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) >= self.due_at

    def reported_to_label(self) -> str:
        if self.reported_to == ReportedTo.OTHER and self.reported_to_other:
            return self.reported_to_other
        return str(self.get_reported_to_display())
