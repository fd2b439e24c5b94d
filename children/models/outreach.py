"""Street outreach (گشت میدانی): encounters at a place and time, with the children met there."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Activity, AgeBand, Sex

# One column per sex and age band: the ministry's figures sum these over millions of rows.
ANONYMOUS_FIELDS = {
    (sex, band): f"anon_{sex}_{band}" for sex in Sex.values for band in AgeBand.values
}


class Encounter(models.Model):
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="encounters",
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="encounters",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("city"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    hotspot = models.CharField(
        _("hotspot"), max_length=150, help_text=_("Where the children gather or work.")
    )
    # Normalised hotspot name, so "چهارراه ولیعصر" and "چهار راه وليعصر" count as one place.
    hotspot_key = models.CharField(max_length=150, editable=False, db_index=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    activity = models.CharField(_("activity"), max_length=20, choices=Activity.choices)
    observations = models.TextField(_("observations"), blank=True)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    children = models.ManyToManyField(
        "children.Case",
        through="EncounterChild",
        related_name="encounters",
        verbose_name=_("children met"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    anon_female_under6 = models.PositiveSmallIntegerField(default=0)
    anon_female_6_11 = models.PositiveSmallIntegerField(default=0)
    anon_female_12_14 = models.PositiveSmallIntegerField(default=0)
    anon_female_15_17 = models.PositiveSmallIntegerField(default=0)
    anon_male_under6 = models.PositiveSmallIntegerField(default=0)
    anon_male_6_11 = models.PositiveSmallIntegerField(default=0)
    anon_male_12_14 = models.PositiveSmallIntegerField(default=0)
    anon_male_15_17 = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outreach encounter")
        verbose_name_plural = _("outreach encounters")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="encounter_org_time_idx"),
            models.Index(fields=["organisation", "hotspot_key"], name="encounter_org_hotspot_idx"),
            models.Index(fields=["province", "occurred_at"], name="encounter_province_time_idx"),
        ]
        triggers = [
            # The children met carry the encounter's organisation and time (EncounterChild): a
            # change of either is copied onto them in the same statement.
            pgtrigger.Trigger(
                name="encounter_copies_to_children",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("organisation_id", "occurred_at"),
                condition=pgtrigger.AnyChange("organisation", "occurred_at"),
                func=(
                    "UPDATE children_encounterchild SET organisation_id = NEW.organisation_id,"
                    " occurred_at = NEW.occurred_at WHERE encounter_id = NEW.id; RETURN NULL;"
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="encounter_coordinates_paired_and_valid",
            ),
        ]

    def __str__(self):
        return f"{self.hotspot} · {self.occurred_at:%Y-%m-%d}"

    @property
    def anonymous_total(self):
        return sum(getattr(self, name) for name in ANONYMOUS_FIELDS.values())

    def anonymous_count(self, sex, band):
        return getattr(self, ANONYMOUS_FIELDS[(sex, band)])


class EncounterChild(models.Model):
    """A registered child met during an encounter."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="child_links")
    case = models.ForeignKey(
        "children.Case", on_delete=models.CASCADE, related_name="encounter_links"
    )
    # True when the child was counted anonymously and registered afterwards from this encounter.
    registered_from_encounter = models.BooleanField(default=False)
    # The encounter's organisation and time, so that an organisation's children met in a period
    # are one range of encounter_child_org_time_idx, not a probe per encounter (issue 21: the
    # hotspot summaries). Never written by the code: the database copies them from the
    # encounter on every insert and update of a link, and from an encounter whose organisation
    # or time changes (the triggers here and on Encounter), whatever writes the rows.
    organisation = models.ForeignKey(
        "ngos.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        editable=False,
        related_name="+",
    )
    occurred_at = models.DateTimeField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encounter", "case"], name="encounter_child_unique")
        ]
        indexes = [
            models.Index(
                fields=["organisation", "occurred_at"],
                include=("encounter", "case"),
                name="encounter_child_org_time_idx",
            )
        ]
        triggers = [
            pgtrigger.Trigger(
                name="encounter_child_copies_encounter",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=(
                    "SELECT organisation_id, occurred_at INTO NEW.organisation_id,"
                    " NEW.occurred_at FROM children_encounter WHERE id = NEW.encounter_id;"
                    " RETURN NEW;"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.encounter_id} · {self.case_id}"
