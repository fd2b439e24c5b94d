"""Asking for, building and announcing periodic reports.

A report is one row per kind, period and scope (a database constraint). Asking for it again
gives it a new run id and queues a build; the build computes everything first, writes the files
under names that carry the run id, and only then swaps the row's content in one transaction.
A worker killed midway therefore leaves the previous content (or none) and a row still marked
"building"; the redelivered task, carrying the same run id, builds it again. A task whose run id
is no longer the row's (a newer request came in) stops without writing.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit, leases, outbox, stuck
from core.exceptions import ActionNotAllowed
from core.jalali import format_datetime
from core.permissions import Perm, check_permission, roles_with
from core.replica import replica_reads
from core.xlsx import tables_xlsx

from . import periods
from .access import kinds_for, officer_province
from .builders import BUILDERS, NEEDS_SUMMARIES
from .files.pdf import render_report_pdf
from .models import Report
from .summary import refresh_summaries

if TYPE_CHECKING:
    from core.models import Province, User
    from ngos.models import Organisation

logger = logging.getLogger(__name__)

PERIOD_KIND: dict[str, str] = {
    Report.Kind.WEEKLY_BACKLOG: periods.WEEK,
    Report.Kind.MONTHLY_REFERRALS: periods.MONTH,
    Report.Kind.QUARTERLY_SUMMARY: periods.QUARTER,
    Report.Kind.MONTHLY_RESOLUTIONS: periods.MONTH,
}


def report_request(
    *,
    kind: str,
    period: periods.Period,
    organisation: "Organisation | None" = None,
    province: "Province | None" = None,
    user: "User | None" = None,
) -> Report:
    """Create or re-queue the report of `kind` for `period` (and `organisation` for backlogs,
    `province` for a provincial quarterly summary).

    `user` is who asked, checked like the report list checks them; None is the scheduler. A
    provincial officer asks only for his own province's reports (AC-12).
    """
    if user is not None:
        if kind not in kinds_for(user):
            raise ActionNotAllowed
        if organisation is not None:
            check_permission(user, Perm.ORG_DASHBOARD, organisation)
        limited_to = officer_province(user)
        if limited_to is not None and (province is None or province.pk != limited_to.pk):
            raise ActionNotAllowed
    if period.kind != PERIOD_KIND[kind]:
        raise ValidationError(
            {"period": _("Choose a period of the kind this report covers.")}, code="kind"
        )
    if period.end > timezone.localdate():
        raise ValidationError({"period": _("This period has not ended yet.")}, code="not_ended")
    scope = {
        "kind": kind,
        "period_key": period.key,
        "organisation": organisation,
        "province": province,
    }
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(**scope).first()
        if report is None:
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        **scope,
                        period_start=period.start,
                        period_end=period.end,
                        requested_by=user,
                    )
            except IntegrityError:  # asked for at the same moment by someone else
                report = Report.objects.select_for_update().get(**scope)
        elif report.status in (Report.Status.QUEUED, Report.Status.BUILDING) and user is None:
            return report  # the scheduler does not interrupt a build that is under way
        else:
            report.run_id = uuid.uuid4()
            report.status = Report.Status.QUEUED
            report.progress = 0
            report.error = ""
            report.requested_by = user
            report.requested_at = timezone.now()
            report.save()
        if user is not None:
            audit.record(
                audit.Action.UPDATE,
                user=user,
                object_type="reports.report",
                object_id=str(report.pk),
                detail={"request": kind, "period": period.key},
            )
        _queue_build(report)
    return report


def _queue_build(report: Report) -> None:
    from .tasks import build_report

    report_id, run_id = report.pk, str(report.run_id)
    outbox.enqueue(build_report, report_id, run_id)


def _progress(report_id: int, run_id: str, percent: int) -> None:
    Report.objects.filter(pk=report_id, run_id=run_id).update(progress=percent)


def build_lease_key(report_id: int, run_id: object) -> str:
    return f"reports.build:{report_id}:{run_id}"


def report_build(*, report_id: int, run_id: str, fault: Callable[[], object] | None = None) -> str:
    """Build one report run; safe to repeat. `fault` is a test hook: a callable run midway.

    The run holds a lease while it works (RE-07): a copy of the task delivered while it is still
    alive (the broker's visibility timeout is shorter than a long build) steps aside.
    """
    try:
        with leases.held(build_lease_key(report_id, run_id)):
            return _build(report_id, run_id, fault)
    except leases.LeaseHeld:
        return "running elsewhere"


def _build(report_id: int, run_id: str, fault: Callable[[], object] | None) -> str:
    report = Report.objects.select_related("organisation", "province").filter(pk=report_id).first()
    if report is None or str(report.run_id) != run_id:
        return "superseded"
    if report.status == Report.Status.READY and str(report.built_run_id) == run_id:
        return "already built"  # a duplicate delivery of a finished run
    Report.objects.filter(pk=report_id, run_id=run_id).update(
        status=Report.Status.BUILDING, progress=5
    )
    started = time.monotonic()
    try:
        if report.kind in NEEDS_SUMMARIES:
            refresh_summaries()
        _progress(report_id, run_id, 25)
        with translation.override("fa"):
            # The figures may come from the replica (docs/adr/0040); the run's rows stay here.
            with replica_reads():
                content = BUILDERS[report.kind](report)
            _progress(report_id, run_id, 50)
            if fault:
                fault()
            xlsx = tables_xlsx(
                content["title"],
                content["subtitle"],
                content["tables"],
                sheet_names=(_("Figures"), _("Chart data"), _("Chart")),
            )
            _progress(report_id, run_id, 70)
            built_at = timezone.now()
            pdf = render_report_pdf({**content, "built_at": built_at, "footer": _footer(built_at)})
        _progress(report_id, run_id, 95)
    except Exception as error:
        logger.exception("report %s run %s failed", report_id, run_id)
        Report.objects.filter(pk=report_id, run_id=run_id).update(
            status=Report.Status.FAILED, error=type(error).__name__
        )
        raise
    return _store(report, run_id, content, xlsx, pdf, built_at, time.monotonic() - started)


def _footer(built_at: datetime.datetime) -> str:
    """The PDF's last line, in the build's language (Persian: the official report)."""
    return _("Built %(when)s. Figures from 1 to 4 show as “<5”.") % {
        "when": format_datetime(built_at)
    }


def _file_name(report: Report, run_id: str, extension: str) -> str:
    if report.organisation_id:
        scope = f"org{report.organisation_id}"
    elif report.province_id:
        scope = f"province{report.province_id}"
    else:
        scope = "national"
    return f"reports/{report.kind}/{report.period_key}-{scope}-{run_id}.{extension}"


def _save(name: str, content: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def _store(
    report: Report,
    run_id: str,
    content: dict[str, Any],
    xlsx: bytes,
    pdf: bytes,
    built_at: datetime.datetime,
    seconds: float,
) -> str:
    """Write the files, then swap the row's content in one transaction."""
    xlsx_name = _save(_file_name(report, run_id, "xlsx"), xlsx)
    pdf_name = _save(_file_name(report, run_id, "pdf"), pdf)
    with transaction.atomic():
        row = Report.objects.select_for_update().get(pk=report.pk)
        if str(row.run_id) != run_id:
            transaction.on_commit(lambda: _delete_files([xlsx_name, pdf_name]))
            return "superseded"
        old = [name for name in (row.xlsx.name, row.pdf.name) if name]
        row.data = content
        row.xlsx.name, row.pdf.name = xlsx_name, pdf_name
        row.status = Report.Status.READY
        row.progress = 100
        row.built_at = built_at
        row.built_run_id = run_id
        row.build_seconds = round(seconds, 2)
        row.error = ""
        row.save()
        stale = [name for name in old if name not in (xlsx_name, pdf_name)]
        transaction.on_commit(lambda: _delete_files(stale))
        _queue_notification(row.pk, run_id)
    return "built"


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete old report file %s", name)


def _queue_notification(report_id: int, run_id: str) -> None:
    from .tasks import notify_report_ready

    outbox.enqueue(notify_report_ready, report_id, run_id)


def reports_build_due(*, today: datetime.date | None = None) -> int:
    """Ask for every periodic report whose period has just ended and that does not exist yet.
    Safe to run any number of times a day. (Builds whose worker was lost: `sweep_reports`.)"""
    from core.models import Province
    from ngos.models import Membership, Organisation

    today = today or timezone.localdate()
    asked = 0
    for kind in (
        Report.Kind.MONTHLY_REFERRALS,
        Report.Kind.QUARTERLY_SUMMARY,
        Report.Kind.MONTHLY_RESOLUTIONS,
    ):
        period = periods.last_complete(PERIOD_KIND[kind], today)
        if not Report.objects.filter(
            kind=kind, period_key=period.key, province__isnull=True
        ).exists():
            report_request(kind=kind, period=period)
            asked += 1
    # The quarterly summary of each province with a provincial officer to read it (AC-12).
    quarter = periods.last_complete(periods.QUARTER, today)
    done_provinces = Report.objects.filter(
        kind=Report.Kind.QUARTERLY_SUMMARY, period_key=quarter.key, province__isnull=False
    ).values("province_id")
    officer_provinces = Province.objects.filter(
        pk__in=Membership.objects.filter(
            role__in=roles_with(Perm.REPORTS_VIEW), user__is_active=True, province__isnull=False
        ).values("province_id")
    ).exclude(pk__in=done_provinces)
    for province in officer_provinces:
        report_request(kind=Report.Kind.QUARTERLY_SUMMARY, period=quarter, province=province)
        asked += 1
    week = periods.last_complete(periods.WEEK, today)
    done = set(
        Report.objects.filter(kind=Report.Kind.WEEKLY_BACKLOG, period_key=week.key).values_list(
            "organisation_id", flat=True
        )
    )
    # Built for each organisation with someone who may read it (reports.access).
    organisations = Organisation.objects.filter(
        status=Organisation.Status.ACTIVE, memberships__role__in=roles_with(Perm.ORG_DASHBOARD)
    ).distinct()
    for organisation in organisations.exclude(pk__in=done):
        report_request(kind=Report.Kind.WEEKLY_BACKLOG, period=week, organisation=organisation)
        asked += 1
    return asked


def sweep_reports(before: datetime.datetime) -> int:
    """Queue again each build that is queued or building with no live worker since before
    `before` (RE-07, called by the stuck-work sweep). A build that started gets a new run id,
    which fences off the lost run should its worker come back (its result is discarded as
    superseded); one that never started keeps its run id, so a long queue does not push it back
    again and again (whichever copy runs first builds it, the other finds it built)."""
    from .tasks import build_report

    queued = 0
    waiting = Report.objects.filter(status__in=[Report.Status.QUEUED, Report.Status.BUILDING])
    for report_id, run_id, requested_at in waiting.values_list("pk", "run_id", "requested_at"):
        if not stuck.is_stuck(
            lease_key=build_lease_key(report_id, run_id),
            task=build_report.name,
            args=(report_id, str(run_id)),
            since=requested_at,
            before=before,
        ):
            continue
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=report_id, run_id=run_id).first()
            if report is None:
                continue  # asked for again meanwhile
            if report.status == Report.Status.BUILDING:
                report.run_id = uuid.uuid4()
                report.status = Report.Status.QUEUED
                report.progress = 0
                report.save(update_fields=["run_id", "status", "progress"])
            _queue_build(report)
        queued += 1
    return queued
