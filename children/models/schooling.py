"""A child's schooling over time: each change of the case's school status, with its date.

Written by the case services whenever ``Case.school_status`` changes and by the children import
(children/imports/load.py); the ministry's "back in school" figure reads it (docs/adr/0035).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SchoolStatus

# A change into school from one of these is a return to school (re-enrolment).
OUT_OF_SCHOOL = (SchoolStatus.DROPPED_OUT, SchoolStatus.NEVER_ENROLLED)


class SchoolStatusChange(models.Model):
    # Indexed by school_change_case_idx (case first).
    case = models.ForeignKey(
        "children.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="school_changes",
        db_index=False,
    )
    # "" when the status was first recorded.
    from_status = models.CharField(
        _("from"), max_length=16, choices=SchoolStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=SchoolStatus.choices, blank=True)
    changed_on = models.DateField(_("date of the change"), default=timezone.localdate)
    # Not indexed: read by case, never by who recorded it. Null for an import's change.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("schooling change")
        verbose_name_plural = _("schooling changes")
        ordering = ["-changed_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-changed_on"], name="school_change_case_idx"),
            # The summary rebuild reads only the returns to school.
            models.Index(
                fields=["changed_on"],
                condition=Q(
                    to_status="enrolled", from_status__in=["dropped_out", "never_enrolled"]
                ),
                name="school_change_return_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="school_change_changes"
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.from_status}→{self.to_status} {self.changed_on}"

    @property
    def is_return_to_school(self):
        return self.to_status == SchoolStatus.ENROLLED and self.from_status in OUT_OF_SCHOOL
