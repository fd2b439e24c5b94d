"""Summary tables behind the dashboards, and the stored periodic reports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One row per Gregorian day with its Jalali year-month (1405 Azar -> 140509).

    Summaries join dates to this table instead of truncating dates: `TruncMonth` gives the
    Gregorian month, and a Jalali month starts on the 21st-23rd of a Gregorian one.
    """

    day = models.DateField(primary_key=True)
    jalali_month = models.PositiveIntegerField(db_index=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.day} = {self.jalali_month}"


class SummaryFact(models.Model):
    """A count for one Jalali month, province, measure and breakdown, rebuilt by a Celery job.

    `dimension` names the breakdown ("" for the measure's total) and `category` its value, e.g.
    measure "registered", dimension "nationality", category "afghan". Raw counts: they are
    suppressed when read (reports.suppression), never here.
    """

    jalali_month = models.PositiveIntegerField()
    province = models.ForeignKey(
        "core.Province", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    measure = models.CharField(max_length=32)
    dimension = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=48, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("summary figure")
        verbose_name_plural = _("summary figures")
        indexes = [models.Index(fields=["jalali_month", "measure"], name="summaryfact_month")]

    def __str__(self):
        return f"{self.jalali_month} {self.measure} {self.dimension}={self.category}: {self.count}"


class SummaryRefresh(models.Model):
    """When the summaries were last rebuilt: the dashboards say how fresh their figures are."""

    refreshed_at = models.DateTimeField()
    # Names this refresh in cache keys: unique even when two refreshes share a timestamp.
    token = models.UUIDField(default=uuid.uuid4, editable=False)
    seconds = models.FloatField()
    facts = models.PositiveIntegerField()

    class Meta:
        get_latest_by = "refreshed_at"
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M} ({self.facts})"


class Report(models.Model):
    class Kind(models.TextChoices):
        WEEKLY_BACKLOG = "weekly_backlog", _("Weekly backlog")
        MONTHLY_REFERRALS = "monthly_referrals", _("Monthly referral report")
        QUARTERLY_SUMMARY = "quarterly_summary", _("Quarterly national summary")
        MONTHLY_RESOLUTIONS = "monthly_resolutions", _("Monthly resolution tracking")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=32, choices=Kind.choices)
    period_key = models.CharField(_("period"), max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    # The scope: one organisation (the identifiable backlog), one province (the quarterly
    # summary for a provincial officer, AC-12), else national.
    organisation = models.ForeignKey(
        "ngos.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    province = models.ForeignKey(
        "core.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The build that produced what is stored; a new request gets a new run id.
    run_id = models.UUIDField(default=uuid.uuid4)
    built_run_id = models.UUIDField(null=True, blank=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    xlsx = models.FileField(upload_to="reports/", blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    error = models.TextField(blank=True)
    # The run whose readers were told by mail; a redelivered task mails nobody twice.
    notified_run_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_key", "organisation", "province"],
                name="report_one_per_kind_period_scope",
                nulls_distinct=False,
            ),
            # A backlog belongs to one organisation; only the quarterly summary exists per
            # province; the other reports are national (AC-12).
            models.CheckConstraint(
                condition=Q(kind="weekly_backlog", organisation__isnull=False, province=None)
                | Q(kind="quarterly_summary", organisation=None)
                | (
                    ~Q(kind__in=["weekly_backlog", "quarterly_summary"])
                    & Q(organisation=None, province=None)
                ),
                name="report_scope_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(built_at__isnull=False),
                name="report_ready_has_built_at",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_key}"

    @property
    def period(self):
        from .periods import from_key

        return from_key(self.period_key)

    @property
    def is_identifiable(self):
        return self.kind == self.Kind.WEEKLY_BACKLOG

    @property
    def has_content(self):
        return self.built_at is not None
