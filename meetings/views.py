"""Working group pages: groups, meetings, minutes, resolutions and the tracker.

Every page addressed by an id loads its object through `meetings.access`, so someone outside
the group gets the same 404 as for a missing id, audited.
"""

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.access import object_access, require_permission, signed_in
from core.charts import chart_spec
from core.permissions import Perm
from core.refusals import refusal_as_message, refusal_on_form

from . import services
from .access import (
    get_document_for_user,
    get_group_for_user,
    get_meeting_for_user,
    get_resolution_for_user,
    may_mark_done,
    may_update_resolution,
)
from .forms import (
    AttendeeFormSet,
    DocumentForm,
    MeetingForm,
    MinutesSummaryForm,
    ProgressForm,
    ReasonForm,
    ResolutionForm,
    StatementFormSet,
    WorkingGroupEditForm,
    WorkingGroupForm,
)
from .models import Resolution, WorkingGroup
from .selectors import (
    can_manage_group,
    meeting_minutes,
    resolution_tracker,
    tracker_counts,
    working_groups_visible_to,
)
from .validators import safe_download_name

# --- Working groups ---------------------------------------------------------------------------


@signed_in
def group_list(request):
    groups = working_groups_visible_to(request.user).select_related("convening_organisation")
    return render(request, "meetings/group_list.html", {"groups": groups})


@require_permission(Perm.MEETINGS_MANAGE)
def group_create(request):
    form = WorkingGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.working_group_create(
            by=request.user,
            title_fa=form.cleaned_data["title_fa"],
            title_en=form.cleaned_data["title_en"],
            topic=form.cleaned_data["topic"],
            convening_organisation=form.cleaned_data["convening_organisation"],
            secretary=form.cleaned_data["secretary"],
            member_organisations=list(form.cleaned_data["member_organisations"]),
        )
        messages.success(request, _("The working group is created."))
        return redirect("meetings:group_detail", pk=group.pk)
    return render(request, "meetings/group_form.html", {"form": form})


@object_access
def group_detail(request, pk):
    group = get_group_for_user(request.user, pk)
    meetings = group.meetings.order_by("-number")
    context = {
        "group": group,
        "meetings": meetings,
        "member_organisations": group.member_organisations.order_by("name_fa"),
        "members": group.members.order_by("last_name", "first_name"),
        "can_manage": can_manage_group(request.user, group),
    }
    return render(request, "meetings/group_detail.html", context)


@object_access
def group_edit(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    if group.status != WorkingGroup.Status.ACTIVE:
        messages.error(request, _("The working group is closed: it can no longer change."))
        return redirect("meetings:group_detail", pk=group.pk)
    form = WorkingGroupEditForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.working_group_update(by=request.user, group=group, data=form.cleaned_data)
            messages.success(request, _("The working group is saved."))
            return redirect("meetings:group_detail", pk=group.pk)
    return render(request, "meetings/group_edit.html", {"group": group, "form": form})


@object_access
@require_POST
def group_close(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    with refusal_as_message(request):
        services.working_group_close(by=request.user, group=group)
        messages.success(request, _("The working group is closed."))
    return redirect("meetings:group_detail", pk=group.pk)


# --- Meetings ---------------------------------------------------------------------------------


@object_access
def meeting_create(request, pk):
    group = get_group_for_user(request.user, pk, manage=True)
    if group.status != WorkingGroup.Status.ACTIVE:
        messages.error(request, _("The working group is closed: it holds no new meetings."))
        return redirect("meetings:group_detail", pk=group.pk)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        initial={"number": services.next_meeting_number(group)},
    )
    attendees = AttendeeFormSet(request.POST or None, prefix="attendees")
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        document = form.cleaned_data.get("document")
        with refusal_on_form(form):
            meeting = services.meeting_record(
                by=request.user,
                group=group,
                number=form.cleaned_data["number"],
                held_on=form.cleaned_data["held_on"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                attendees=attendees.attendees(),
                agenda=form.agenda_items(),
                files=[document] if document else [],
            )
            messages.success(request, _("The meeting is recorded."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"group": group, "form": form, "attendees": attendees},
    )


@object_access
def meeting_detail(request, pk):
    meeting = get_meeting_for_user(request.user, pk)
    current, approved = meeting_minutes(meeting)
    resolutions = meeting.resolutions.prefetch_related("responsibilities__organisation")
    context = {
        "meeting": meeting,
        "group": meeting.working_group,
        "attendees": meeting.attendees.select_related("organisation"),
        "agenda": meeting.agenda_items.all(),
        "documents": meeting.documents.all(),
        "current": current,
        "approved": approved,
        "statements": (current or approved).statements.select_related("speaker", "agenda_item")
        if (current or approved)
        else [],
        "resolutions": resolutions,
        "can_manage": can_manage_group(request.user, meeting.working_group),
        "document_form": DocumentForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@object_access
@require_POST
def meeting_document_add(request, pk):
    meeting = get_meeting_for_user(request.user, pk, manage=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.meeting_attach_document(
            by=request.user, meeting=meeting, file=form.cleaned_data["document"]
        )
        messages.success(request, _("The document is attached."))
    else:
        for error in form.errors.get("document", []):
            messages.error(request, error)
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@object_access
def document_download(request, pk):
    document = get_document_for_user(request.user, pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=safe_download_name(document.original_name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Minutes ----------------------------------------------------------------------------------


@object_access
def minutes_edit(request, pk):
    meeting = get_meeting_for_user(request.user, pk, manage=True)
    current, _approved = meeting_minutes(meeting)
    if current is not None and not current.is_editable:
        messages.error(
            request,
            _("The minutes are approved and read-only; start a correction to change them."),
        )
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    existing = [
        {
            "speaker": s.speaker_id,
            "speaker_title": s.speaker_title,
            "agenda_item": s.agenda_item_id,
            "text": s.text,
        }
        for s in (current.statements.all() if current else [])
    ]
    summary = MinutesSummaryForm(
        request.POST or None, initial={"summary": current.summary if current else ""}
    )
    statements = StatementFormSet(
        request.POST or None,
        prefix="statements",
        initial=existing,
        form_kwargs={"meeting": meeting},
    )
    if request.method == "POST" and summary.is_valid() and statements.is_valid():
        with refusal_on_form(summary):
            draft = services.minutes_save_draft(
                by=request.user,
                meeting=meeting,
                summary=summary.cleaned_data["summary"],
                statements=statements.statements(),
            )
            if "approve" in request.POST:
                with refusal_as_message(request) as approval:
                    services.minutes_approve(by=request.user, minutes=draft)
                if approval.refused:
                    return redirect("meetings:minutes_edit", pk=meeting.pk)
                messages.success(request, _("The minutes are approved."))
            else:
                messages.success(request, _("The draft minutes are saved."))
            if "more" in request.POST:
                return redirect("meetings:minutes_edit", pk=meeting.pk)
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/minutes_form.html",
        {
            "meeting": meeting,
            "group": meeting.working_group,
            "current": current,
            "summary": summary,
            "statements": statements,
        },
    )


@object_access
@require_POST
def minutes_approve(request, pk):
    meeting = get_meeting_for_user(request.user, pk, manage=True)
    current, _approved = meeting_minutes(meeting)
    if current is None:
        messages.error(request, _("There are no minutes to approve yet."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    with refusal_as_message(request):
        services.minutes_approve(by=request.user, minutes=current)
        messages.success(request, _("The minutes are approved."))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@object_access
@require_POST
def minutes_correct(request, pk):
    meeting = get_meeting_for_user(request.user, pk, manage=True)
    _current, approved = meeting_minutes(meeting)
    form = ReasonForm(request.POST)
    if approved is None:
        messages.error(request, _("Only the approved minutes can be corrected."))
    elif not form.is_valid():
        messages.error(request, _("Say why the minutes are corrected."))
    else:
        with refusal_as_message(request):
            services.minutes_correct(
                by=request.user, minutes=approved, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("A correction is started as a new version of the minutes."))
            return redirect("meetings:minutes_edit", pk=meeting.pk)
    return redirect("meetings:meeting_detail", pk=meeting.pk)


def _approved_or_404(request, meeting):
    from django.http import Http404

    _current, approved = meeting_minutes(meeting)
    if approved is None:
        raise Http404
    return approved


@object_access
def minutes_html(request, pk):
    """The approved minutes as a plain HTML document, to save and edit in a word processor."""
    from .pdf import minutes_context

    meeting = get_meeting_for_user(request.user, pk)
    approved = _approved_or_404(request, meeting)
    audit.record(audit.Action.EXPORT, user=request.user, obj=approved, detail={"format": "html"})
    response = render(request, "meetings/minutes_document.html", minutes_context(approved))
    name = safe_download_name(f"minutes-{meeting.working_group_id}-{meeting.number}.html")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@object_access
def minutes_pdf(request, pk):
    """The approved minutes as a PDF in the official layout; long minutes are built in the
    background and served once ready."""
    from . import pdf

    meeting = get_meeting_for_user(request.user, pk)
    approved = _approved_or_404(request, meeting)
    audit.record(audit.Action.EXPORT, user=request.user, obj=approved, detail={"format": "pdf"})
    content = pdf.minutes_pdf_for_request(approved)
    if content is None:
        messages.info(request, _("The PDF is long and is being prepared. Try again in a minute."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"minutes-{meeting.working_group_id}-{meeting.number}-v{approved.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Resolutions ------------------------------------------------------------------------------


@object_access
def resolution_add(request, pk):
    meeting = get_meeting_for_user(request.user, pk, manage=True)
    form = ResolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            services.resolution_add(
                by=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                due_date=form.cleaned_data["due_date"],
                lead=form.cleaned_data["lead"],
                supporting=list(form.cleaned_data["supporting"]),
            )
            messages.success(request, _("The resolution is recorded."))
            if "more" in request.POST:
                return redirect("meetings:resolution_add", pk=meeting.pk)
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/resolution_form.html",
        {"meeting": meeting, "group": meeting.working_group, "form": form},
    )


@object_access
def resolution_detail(request, pk):
    resolution = get_resolution_for_user(request.user, pk)
    group = resolution.meeting.working_group
    context = {
        "resolution": resolution,
        "meeting": resolution.meeting,
        "group": group,
        "updates": resolution.progress_updates.select_related(
            "organisation", "author"
        ).prefetch_related("documents"),
        "can_update": may_update_resolution(request.user, resolution)
        and resolution.status in Resolution.OPEN_STATUSES,
        "can_mark_done": may_mark_done(request.user, resolution)
        and resolution.status in Resolution.OPEN_STATUSES,
        "can_manage": can_manage_group(request.user, group),
        "can_reopen": can_manage_group(request.user, group)
        and resolution.status == Resolution.Status.DONE
        and resolution.confirmed_at is None,
        "progress_form": ProgressForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "meetings/resolution_detail.html", context)


def _resolution_action(request, pk, action):
    resolution = get_resolution_for_user(request.user, pk)
    with refusal_as_message(request):
        action(resolution)
    return redirect("meetings:resolution_detail", pk=resolution.pk)


@object_access
@require_POST
def resolution_progress(request, pk):
    resolution = get_resolution_for_user(request.user, pk, update=True)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("meetings:resolution_detail", pk=resolution.pk)
    document = form.cleaned_data.get("document")
    with refusal_as_message(request):
        services.resolution_progress_post(
            by=request.user,
            resolution=resolution,
            text=form.cleaned_data["text"],
            files=[document] if document else [],
        )
        messages.success(request, _("The progress is posted."))
    return redirect("meetings:resolution_detail", pk=resolution.pk)


@object_access
@require_POST
def resolution_done(request, pk):
    def act(resolution):
        services.resolution_mark_done(by=request.user, resolution=resolution)
        messages.success(request, _("The resolution is marked done."))

    return _resolution_action(request, pk, act)


@object_access
@require_POST
def resolution_confirm(request, pk):
    def act(resolution):
        services.resolution_confirm(by=request.user, resolution=resolution)
        messages.success(request, _("The resolution is confirmed as done."))

    return _resolution_action(request, pk, act)


@object_access
@require_POST
def resolution_drop(request, pk):
    def act(resolution):
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.resolution_drop(by=request.user, resolution=resolution, reason=reason)
        messages.success(request, _("The resolution is dropped."))

    return _resolution_action(request, pk, act)


@object_access
@require_POST
def resolution_reopen(request, pk):
    def act(resolution):
        services.resolution_reopen(by=request.user, resolution=resolution)
        messages.success(request, _("The resolution is reopened."))

    return _resolution_action(request, pk, act)


# Overdue stands out in red; done is green; dropped fades.
STATUS_COLOURS = {
    "open": "rgba(108, 117, 125, 0.55)",
    "in_progress": "rgba(13, 202, 240, 0.75)",
    "overdue": "rgba(220, 53, 69, 0.8)",
    "done": "rgba(25, 135, 84, 0.7)",
    "dropped": "rgba(33, 37, 41, 0.35)",
}


@signed_in
def tracker(request):
    """Every resolution the user may see, across working groups, with counts per organisation
    and status as a table and a chart."""
    tracker_filter = resolution_tracker(user=request.user, filters=request.GET)
    if tracker_filter.is_bound and not tracker_filter.is_valid():
        resolutions = tracker_filter.queryset.none()
    else:
        resolutions = tracker_filter.qs
    resolutions = list(resolutions[:500])
    rows, totals = tracker_counts(resolutions)
    statuses = Resolution.DISPLAY_STATUSES
    chart = chart_spec(
        [row["organisation"].name for row in rows],
        [
            (label, [row["counts"][i] for row in rows], STATUS_COLOURS.get(key))
            for i, (key, label) in enumerate(statuses)
        ],
        horizontal=True,
        stacked=True,
    )
    context = {
        "filter": tracker_filter,
        "resolutions": resolutions,
        "rows": rows,
        "totals": totals,
        "grand_total": sum(row["total"] for row in rows),
        "statuses": statuses,
        "chart": chart,
    }
    return render(request, "meetings/tracker.html", context)
