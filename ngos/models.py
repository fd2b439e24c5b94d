"""Organisations (NGOs and government agencies) and the membership of users in them."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.permissions import Role


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        MINISTRY = "ministry", _("Ministry")
        WELFARE = "welfare", _("Welfare organisation")
        GOVERNMENT_AGENCY = "government_agency", _("Other government agency")
        MUNICIPALITY = "municipality", _("Municipality")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name_fa = models.CharField(_("Persian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # Short code used in case numbers, e.g. TEH-NGO12-1405-00042.
    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.NGO)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    home_province = models.ForeignKey(
        "core.Province",
        verbose_name=_("head office province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provinces = models.ManyToManyField(
        "core.Province",
        verbose_name=_("provinces of operation"),
        related_name="organisations",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name_fa"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="organisation_registration_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]+$"), name="organisation_code_format"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if (get_language() or "fa").startswith("fa") or not self.name_en:
            return self.name_fa
        return self.name_en


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Membership(models.Model):
    """A user's place in exactly one organisation, with one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices())
    title = models.CharField(_("job title"), max_length=120, blank=True)
    # Set only for a provincial ministry officer; empty means national scope.
    province = models.ForeignKey(
        "core.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(role="ministry_officer"),
                name="membership_province_only_for_ministry_officer",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def role_definition(self):
        return Role.get(self.role)
