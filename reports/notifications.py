"""Telling a report's readers it is ready: a link only, never a figure or a name."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from core.mail import send_templated_mail, site_url
from core.permissions import Perm, roles_with
from ngos.selectors import managers_of

from .models import Report


def audience(report):
    """Who is told: the organisation's managers for a backlog, those who read the aggregate
    reports (ministry officers) otherwise: national officers of a national report, the officers
    of a province of its own report (AC-12)."""
    if report.is_identifiable:
        return managers_of(organisation=report.organisation)
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__role__in=roles_with(Perm.REPORTS_VIEW),
            membership__province=report.province_id,
        )
        .exclude(Q(email="") | Q(email__isnull=True))
    )


def report_notify(*, report_id, run_id):
    claimed = (
        Report.objects.filter(pk=report_id, built_run_id=run_id, status=Report.Status.READY)
        .exclude(notified_run_id=run_id)
        .update(notified_run_id=run_id)
    )
    if not claimed:
        return 0  # a duplicate delivery, or a newer run replaced this one
    report = Report.objects.select_related("organisation", "province").get(pk=report_id)
    url = site_url(reverse("reports:report_detail", args=[report.pk]))
    readers = list(audience(report))
    try:
        for reader in readers:
            send_templated_mail(
                to=reader.email,
                template="reports/email/ready",
                language=reader.language,
                context={"reader": reader, "report": report, "url": url},
            )
    except Exception:
        # Let the retry send it again: give the claim back first.
        Report.objects.filter(pk=report_id, notified_run_id=run_id).update(notified_run_id=None)
        raise
    return len(readers)
