"""A child's identity and legal documents, and the policy changes that end a type's validity.

The case's `documentation` and `id_number` stay the headline status the figures, imports and
search read; these rows are the documents themselves, with their dates and an optional scan
(docs/adr/0034-documents-and-policy-changes.md).
"""

import datetime
import uuid
from pathlib import PurePosixPath

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Documentation


class DocumentType(models.TextChoices):
    NATIONAL_CARD = "national_card", _("Iranian national card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    AMAYESH = "amayesh", _("Amayesh card")
    CENSUS_SLIP = "census_slip", _("Census slip")
    EDUCATION_SLIP = "education_slip", _("Educational support slip")
    PASSPORT_VISA = "passport_visa", _("Passport with visa")
    OTHER = "other", _("Other document")


# The case's documentation status a document of each type stands for (Case.documentation).
DOCUMENTATION_OF_TYPE = {
    DocumentType.NATIONAL_CARD: Documentation.NATIONAL_ID,
    DocumentType.BIRTH_CERTIFICATE: Documentation.NATIONAL_ID,
    DocumentType.AMAYESH: Documentation.AMAYESH,
    DocumentType.PASSPORT_VISA: Documentation.PASSPORT,
    DocumentType.CENSUS_SLIP: Documentation.OTHER,
    DocumentType.EDUCATION_SLIP: Documentation.OTHER,
    DocumentType.OTHER: Documentation.OTHER,
}


def scan_upload_to(instance, filename):
    # A generated name: the uploaded name never reaches the file system (FU-01).
    suffix = PurePosixPath(filename).suffix.lower().replace(".jpeg", ".jpg")
    return f"case-documents/{uuid.uuid4().hex}{suffix}"


class CaseDocumentQuerySet(models.QuerySet["CaseDocument"]):
    def of_open_cases(self):
        return self.exclude(case__status="closed")

    def expiring(self, today: datetime.date, days: int | None = None):
        """Documents of open cases whose expiry falls from `today` to `days` ahead (DOCUMENT_EXPIRY_DAYS)."""
        days = settings.DOCUMENT_EXPIRY_DAYS if days is None else days
        return self.of_open_cases().filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
        )

    def expired(self, today: datetime.date):
        """Documents of open cases whose expiry date has passed."""
        return self.of_open_cases().filter(expires_on__lt=today)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CaseDocument(models.Model):
    """One document of a child: its type, number, dates and an optional scan.

    The scan is stored through Django's storage under a generated name and served only by an
    access-checked, audited view (children/views/documents.py).
    """

    case = models.ForeignKey(
        "children.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="documents",
        db_index=False,
    )
    type = models.CharField(_("document type"), max_length=24, choices=DocumentType.choices)
    number = models.CharField(_("document number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    scan = models.FileField(_("scan"), upload_to=scan_upload_to, blank=True, max_length=200)
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_content_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["expires_on", "id"]
        indexes = [
            models.Index(fields=["case", "type"], name="casedoc_case_type_idx"),
            # The expiry lists and counts of My work, the digest and the organisation page.
            models.Index(
                fields=["expires_on"],
                condition=Q(expires_on__isnull=False),
                name="casedoc_expires_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="casedoc_expires_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.get_type_display()}"

    def status(self, today: datetime.date | None = None) -> str:
        """ "expired", "expiring" (within DOCUMENT_EXPIRY_DAYS) or "valid"."""
        today = today or timezone.localdate()
        if self.expires_on is None:
            return "valid"
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + datetime.timedelta(days=settings.DOCUMENT_EXPIRY_DAYS):
            return "expiring"
        return "valid"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class DocumentPolicyChange(models.Model):
    """A document type stops being valid from a date (as census slips did), recorded by an
    administrator or a ministry officer. Open cases holding such a document are affected."""

    type = models.CharField(_("document type"), max_length=24, choices=DocumentType.choices)
    invalid_from = models.DateField(_("no longer valid from"))
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("document policy change")
        verbose_name_plural = _("document policy changes")
        ordering = ["-invalid_from", "-id"]

    def __str__(self):
        return f"{self.get_type_display()} · {self.invalid_from}"
