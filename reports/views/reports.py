"""Periodic reports: the list, one report with its progress, its files, and asking for one."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.access import require_permission
from core.permissions import Perm
from core.refusals import refusal_on_form

from ..access import get_report_for_user, kinds_for, officer_province, reports_visible_to
from ..forms import ReportRequestForm
from ..models import Report
from ..services import report_request

READ = (Perm.REPORTS_VIEW, Perm.ORG_DASHBOARD)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@require_permission(*READ)
def report_list(request):
    reports = reports_visible_to(request.user).order_by("-period_start", "kind")[:200]
    form = ReportRequestForm(kinds=kinds_for(request.user))
    return render(request, "reports/report_list.html", {"reports": reports, "form": form})


@require_permission(*READ)
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    partial = request.headers.get("HX-Request") == "true"
    # The progress partial (polled every 2 seconds) shows no case: only the page is audited.
    if report.is_identifiable and not partial:
        audit.record(
            audit.Action.VIEW,
            user=request.user,
            object_type="reports.report",
            object_id=report.pk,
        )
    if partial:
        response = render(request, "reports/partials/report_status.html", {"report": report})
        if report.status in (Report.Status.READY, Report.Status.FAILED):
            # The build finished while the page polled: reload it to show the figures.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "reports/report_detail.html", {"report": report})


@require_permission(*READ)
def report_file(request, pk, fmt):
    report = get_report_for_user(request.user, pk)
    field = {"xlsx": report.xlsx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    audit.record(
        audit.Action.EXPORT,
        user=request.user,
        object_type="reports.report",
        object_id=report.pk,
        detail={"format": fmt},
    )
    name = f"{report.kind}-{report.period_key}.{fmt}"
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt]
    )


@require_POST
@require_permission(*READ)
def report_ask(request):
    form = ReportRequestForm(request.POST, kinds=kinds_for(request.user))
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        organisation = (
            request.user.membership.organisation if kind == Report.Kind.WEEKLY_BACKLOG else None
        )
        with refusal_on_form(form):
            report = report_request(
                kind=kind,
                period=form.cleaned_data["period"],
                organisation=organisation,
                province=officer_province(request.user),
                user=request.user,
            )
            messages.success(request, _("The report is being built; this page shows its progress."))
            return redirect("reports:report_detail", pk=report.pk)
    reports = reports_visible_to(request.user).order_by("-period_start", "kind")[:200]
    return render(
        request, "reports/report_list.html", {"reports": reports, "form": form}, status=400
    )


@require_POST
@require_permission(*READ)
def report_rebuild(request, pk):
    report = get_report_for_user(request.user, pk)
    report_request(
        kind=report.kind,
        period=report.period,
        organisation=report.organisation,
        province=report.province,
        user=request.user,
    )
    messages.success(request, _("The report is being built again; this page shows its progress."))
    return redirect("reports:report_detail", pk=report.pk)
