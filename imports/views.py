"""Spreadsheet import pages, for administrators (Perm.DATA_IMPORT): upload, preview, import."""

import csv
import io

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit, outbox
from core.access import get_for_user_or_404, require_permission
from core.permissions import Perm
from core.ratelimits import rate_limit
from core.spreadsheets import reading
from core.xlsx import workbook_file, xlsx_file

from . import services
from .badge import job_badge
from .forms import ImportUploadForm
from .language import errors_in, page_language, retranslate
from .models import AUDIT_OBJECT_TYPE, ImportJob
from .registry import all_kinds, get_kind
from .retention import FILES_REMOVED
from .tasks import run_import
from .word_views import check_again, unknown_values_form, words_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200


def _job(request, pk):
    # Administrators import for every organisation, so every job is in their scope.
    return get_for_user_or_404(
        request.user, ImportJob.objects.select_related("organisation", "created_by"), pk=pk
    )


@require_permission(Perm.DATA_IMPORT)
@rate_limit("import", methods=("POST",))
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():  # the job and its task together (RE-04)
                job = services.import_job_create(
                    by=request.user,
                    organisation=form.cleaned_data["organisation"],
                    name=upload.name,
                    data=upload.read(),
                    language=page_language(),
                    kind=form.cleaned_data["kind"],
                )
                outbox.enqueue(run_import, job.pk, True)
        except reading.UnsafeFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:import_detail", job.pk)
    jobs = list(ImportJob.objects.select_related("organisation", "created_by")[:10])
    for job in jobs:
        job.badge = job_badge(job)  # the same words as the job's page
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "jobs": jobs,
            "kinds": list(all_kinds().values()),
            **words_context(request),  # words: the organisation's saved words
        },
    )


def _likely_groups(items):
    """Likely duplicates as the page lists them: neighbouring rows found only at the same other
    organisations share one line, so a file that overlaps another organisation's reads as a few
    lines rather than hundreds."""
    groups = []
    for item in items:
        own, elsewhere = item.get("own") or [], item.get("elsewhere") or []
        last = groups[-1] if groups else None
        twins = item.get("with") or []
        if (
            not own
            and not twins
            and last
            and not last["own"]
            and not last["with"]
            and last["elsewhere"] == elsewhere
        ):
            last["rows"].append(item["row"])
        else:
            groups.append(
                {"rows": [item["row"]], "own": own, "elsewhere": elsewhere, "with": twins}
            )
    return groups


def _changes(job, kind, lang):
    """The preview's changes as the page shows them in ``lang``: field labels and values in that
    language, the value as typed beside the new one when they differ."""
    columns = {c.name: c for c in kind.columns}
    out = []
    for change in (job.summary or {}).get("changes") or []:
        fields = []
        for item in change.get("fields", []):
            column = columns.get(item["field"])
            new = item["new"].get(lang, "")
            typed = item.get("typed", "")
            fields.append(
                {
                    "label": column.header(lang) if column else item["field"],
                    "old": item["old"].get(lang, ""),
                    "new": new,
                    "typed": typed if typed and typed != new else "",
                }
            )
        out.append({**change, "fields": fields})
    return out


def _context(job):
    summary = job.summary or {}
    kind = get_kind(job.kind)
    lang = page_language()
    badge = job_badge(job)
    likely_groups = _likely_groups(summary.get("likely_duplicates") or [])
    for group in likely_groups:
        # One answer for the line's rows, or "" while any is unanswered or they differ.
        answers = {job.likely_decision(row) for row in group["rows"]}
        group["decision"] = answers.pop() if len(answers) == 1 else ""
    return {
        "likely_groups": likely_groups,
        "job": job,
        "kind": kind,
        "errors": errors_in(
            job.errors[:ERRORS_SHOWN],
            columns=kind.columns,
            source=job.language,
            target=lang,
            file_language=summary.get("language"),
        ),
        "errors_hidden": max(0, summary.get("errors_total", len(job.errors)) - ERRORS_SHOWN),
        "summary": summary,
        # preview (issue 16): the badge, the rows that update a record, the example rows.
        "badge": badge,
        "message": retranslate(job.message, job.language, lang),
        "changes": _changes(job, kind, lang),
        "changes_hidden": max(0, job.updated_count - len(summary.get("changes") or [])),
        "unknown_values_form": unknown_values_form(job),  # words
        "can_import": job.status == ImportJob.Status.PREVIEWED
        and not job.rows_invalid
        and not summary.get("rows_undecided_values")
        and not summary.get("likely_pending")
        and not summary.get("already_imported")
        and not summary.get(FILES_REMOVED)
        and job.rows_valid > 0,
    }


@require_permission(Perm.DATA_IMPORT)
def import_detail(request, pk):
    job = _job(request, pk)
    return render(request, "imports/detail.html", _context(job))


@require_permission(Perm.DATA_IMPORT)
def import_status(request, pk):
    """The job's fragment; the page polls it every second while the job runs (htmx)."""
    job = _job(request, pk)
    return render(request, "imports/_job.html", _context(job))


@require_POST
@require_permission(Perm.DATA_IMPORT)
def import_confirm(request, pk):
    job = _job(request, pk)
    if not _context(job)["can_import"]:
        return redirect("imports:import_detail", job.pk)
    with transaction.atomic():  # the state and its task together (RE-04)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, progress=0)
        outbox.enqueue(run_import, job.pk, False)
    return redirect("imports:import_detail", job.pk)


@require_POST
@require_permission(Perm.DATA_IMPORT)
def import_likely_decide(request, pk):
    """The administrator's answer for rows that may be children registered already: import them
    as new children or skip them (one line's rows, or all). The dry run then runs again."""
    job = _job(request, pk)
    if job.status != ImportJob.Status.PREVIEWED:
        return redirect("imports:import_detail", job.pk)
    decision = request.POST.get("decision", "")
    if request.POST.get("all"):
        rows = None
    else:
        try:
            rows = [int(row) for row in request.POST.getlist("row")]
        except ValueError:
            raise Http404 from None
    try:
        services.import_job_decide(by=request.user, job=job, decision=decision, rows=rows)
    except services.ImportRefused:
        # Rows this job does not list (another job's): the same answer as a missing job.
        raise Http404 from None
    check_again(job)
    return redirect("imports:import_detail", job.pk)


def _report_download(request, job, rows, *, report, title):
    """``rows`` (a header, then the rows) as an audited XLSX download named after the job's file."""
    if rows is None:
        raise Http404
    audit.record(
        audit.Action.EXPORT,
        user=request.user,
        organisation=job.organisation,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(job.pk),
        detail={"report": report, "rows": len(rows) - 1},
    )
    handle = xlsx_file(title, rows[0], rows[1:], right_to_left=page_language() == "fa")
    name = reading.safe_name(job.original_name).rsplit(".", 1)[0]
    return FileResponse(
        handle, as_attachment=True, filename=f"{name}-{report}.xlsx", content_type=XLSX
    )


@require_permission(Perm.DATA_IMPORT)
def import_errors(request, pk):
    """The invalid rows with their original values and a reason column, as XLSX."""
    job = _job(request, pk)
    rows = services.error_report_rows(job, lang=page_language())
    return _report_download(request, job, rows, report="errors", title=_("Rows to fix"))


@require_permission(Perm.DATA_IMPORT)
def import_changes(request, pk):
    """Every row that would update an existing record, each field old → new, as XLSX: the
    preview lists only the first of them."""
    job = _job(request, pk)
    rows = services.changes_report_rows(job, lang=page_language())
    return _report_download(request, job, rows, report="changes", title=_("Changes"))


@require_permission(Perm.DATA_IMPORT)
def import_template(request, lang, fmt, kind="children"):
    """A kind's template: headers in ``lang``, an example row, and (XLSX) allowed values."""
    kinds = all_kinds()
    if lang not in ("fa", "en") or fmt not in ("csv", "xlsx") or kind not in kinds:
        raise Http404
    spec = kinds[kind]
    rows = [spec.header_row(lang), spec.example_row(lang)]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}-template-{lang}.csv"'
        return response
    allowed = [[_("Column"), _("Required"), _("Allowed values")]]
    for column in spec.columns:
        allowed.append(
            [
                column.header(lang),
                _("Yes") if column.required else "",
                " / ".join(str(value) for value in column.allowed),
            ]
        )
    handle = workbook_file(
        [(spec.label, rows[0], rows[1:]), (_("Allowed values"), allowed[0], allowed[1:])],
        right_to_left=lang == "fa",
    )
    return FileResponse(
        handle, as_attachment=True, filename=f"{kind}-template-{lang}.xlsx", content_type=XLSX
    )
