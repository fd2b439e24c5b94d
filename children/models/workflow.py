"""The case workflow: assessments, the case plan, and closure with a manager's approval."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ClosureReason, NeedLevel, PlanStatus, RiskLevel

NEED_DOMAINS = ["education", "health", "family", "economic", "protection"]


class Assessment(models.Model):
    """A needs assessment. Every one is kept, so reassessments show how the child's needs changed."""

    case = models.ForeignKey("children.Case", on_delete=models.CASCADE, related_name="assessments")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("date of assessment"), default=timezone.localdate)
    education = models.CharField(_("education"), max_length=8, choices=NeedLevel.choices)
    health = models.CharField(_("health"), max_length=8, choices=NeedLevel.choices)
    family = models.CharField(_("family"), max_length=8, choices=NeedLevel.choices)
    economic = models.CharField(_("economic"), max_length=8, choices=NeedLevel.choices)
    protection = models.CharField(_("protection"), max_length=8, choices=NeedLevel.choices)
    proposed_risk = models.CharField(
        _("proposed risk level"), max_length=10, choices=RiskLevel.choices
    )
    risk_level = models.CharField(
        _("confirmed risk level"), max_length=10, choices=RiskLevel.choices
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self):
        return f"{self.case_id} · {self.assessed_on}"

    def needs(self):
        """(domain, label, level label) for each need domain, in order."""
        return [
            (
                domain,
                self._meta.get_field(domain).verbose_name,
                getattr(self, f"get_{domain}_display")(),
            )
            for domain in NEED_DOMAINS
        ]


def propose_risk(needs, *, protection_concerns=()):
    """The risk level the answers suggest; the caseworker confirms or changes it.

    Critical: a high protection need with a serious protection concern on the case, or with high
    needs in three or more domains. High: a high protection need, or two high needs. Medium: one
    high need or two medium ones. Low otherwise.
    """
    serious = {"sexual_abuse", "trafficking", "physical_abuse", "child_marriage"}
    high = sum(1 for level in needs.values() if level == NeedLevel.HIGH)
    medium = sum(1 for level in needs.values() if level == NeedLevel.MEDIUM)
    protection_high = needs.get("protection") == NeedLevel.HIGH
    if protection_high and (serious & set(protection_concerns) or high >= 3):
        return RiskLevel.CRITICAL
    if protection_high or high >= 2:
        return RiskLevel.HIGH
    if high == 1 or medium >= 2:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


class PlanGoal(models.Model):
    case = models.ForeignKey("children.Case", on_delete=models.CASCADE, related_name="plan_goals")
    goal = models.CharField(_("goal"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case plan goal")
        verbose_name_plural = _("case plan goals")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.goal


class PlanAction(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    service = models.ForeignKey(
        "ngos.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )

    class Meta:
        verbose_name = _("case plan action")
        verbose_name_plural = _("case plan actions")
        ordering = ["target_date", "id"]

    def __str__(self):
        return self.description


class ClosureRequest(models.Model):
    """A caseworker asks to close a case; a manager approves or sends it back with a comment."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Sent back")

    case = models.ForeignKey(
        "children.Case", on_delete=models.CASCADE, related_name="closure_requests"
    )
    # The case's organisation, so that an organisation's pending requests are one range of
    # closure_org_pending_idx, not every pending request of the country joined to its case (My
    # work and the approvals count on every manager's page; issue 21). Never written by the
    # code: the database copies it from the case on every insert and update of a request, and
    # from a case whose organisation changes (the triggers here and on Case).
    organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        editable=False,
        related_name="+",
    )
    reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "requested_at", "id"],
                include=["requested_by"],
                condition=Q(state="pending"),
                name="closure_org_pending_idx",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="closure_copies_case_organisation",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=(
                    "SELECT organisation_id INTO NEW.organisation_id FROM children_case"
                    " WHERE id = NEW.case_id; RETURN NEW;"
                ),
            ),
        ]
        constraints = [
            # At most one request waits per case.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="closure_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_by__isnull=True, decided_at__isnull=True)
                | Q(~Q(state="pending"), decided_by__isnull=False, decided_at__isnull=False),
                name="closure_decision_has_person_and_time",
            ),
            # Four eyes: nobody approves their own request (docs/adr/0038). Sending one's own
            # request back is allowed: it withdraws it.
            models.CheckConstraint(
                condition=~Q(state="approved") | ~Q(decided_by=models.F("requested_by")),
                name="closure_approved_by_another",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.state}"
