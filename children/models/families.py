"""A household: the children of one family an organisation works with, and what they share."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Housing

# The fields a Case also holds (its "Household and guardian" section) that describe the family
# rather than the child. For a case in a household the Household row is the record, and the
# services copy these onto every member's case in the same transaction (docs/adr/0016), so the
# case page, the search keys (the guardian's phone), exports and imports read them unchanged.
SHARED_FIELDS = (
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "household_size",
    "household_earners",
)


class HouseholdAnswers(models.Model):
    """The answers about a child's family that a household shares (SHARED_FIELDS), declared once
    for the Household and for the Case that copies them."""

    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True)
    guardian_relation = models.CharField(
        _("guardian's relation to the child"), max_length=60, blank=True
    )
    guardian_phone = models.CharField(_("guardian's phone"), max_length=32, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), null=True, blank=True
    )
    household_earners = models.PositiveSmallIntegerField(
        _("earners in the household"), null=True, blank=True
    )

    class Meta:
        abstract = True


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Household(HouseholdAnswers):
    """Brothers and sisters (and other children of one home) registered by one organisation.

    Owned by one organisation, like its cases: a household never holds another organisation's
    case. Siblings known elsewhere show through the "same child" links (CaseLink) instead.
    `version` guards the household form against lost updates, as Case.version does (RE-02).
    """

    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    housing = models.CharField(_("housing"), max_length=16, choices=Housing.choices, blank=True)
    # Never looked up by who created it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return f"{self.organisation_id}/{self.pk}"

    def shared_values(self):
        return {name: getattr(self, name) for name in SHARED_FIELDS}
