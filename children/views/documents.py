"""A child's documents on the case page, the scan download, the organisation's expiry list and
document policy changes (docs/adr/0034-documents-and-policy-changes.md)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.access import object_access, require_permission
from core.permissions import Perm, has_permission
from core.refusals import refusal_on_form
from core.uploads import safe_download_name

from ..access import get_case_document_for_user, get_case_for_user, get_policy_change_for_user
from ..forms.documents import DocumentForm, PolicyChangeForm
from ..models import DocumentType
from ..models.choices import Documentation
from ..selectors.documents import affected_cases, expiry_lists, policy_changes_for
from ..services import documents as services

# The document type a case's documentation status suggests for its first document.
_TYPE_OF_DOCUMENTATION = {
    Documentation.NATIONAL_ID: DocumentType.NATIONAL_CARD,
    Documentation.AMAYESH: DocumentType.AMAYESH,
    Documentation.PASSPORT: DocumentType.PASSPORT_VISA,
}


def _first_document_initial(case):
    """The identity section's status and number, offered when the case has no document yet."""
    if case.documents.exists():
        return {}
    kind = _TYPE_OF_DOCUMENTATION.get(case.documentation)
    return {"type": kind, "number": case.id_number} if kind else {}


def _back_to_case(case):
    return redirect(reverse("children:case_detail", args=[case.pk]) + "#documents")


def _render_form(request, case, form, document=None, status=200):
    return render(
        request,
        "children/documents/document_form.html",
        {"case": case, "form": form, "document": document},
        status=status,
    )


@object_access
def document_add(request, pk):
    reading = request.method != "POST"
    case = get_case_for_user(
        request.user, pk, action=audit.Action.VIEW if reading else None, perm=Perm.CASE_EDIT
    )
    if reading:
        return _render_form(request, case, DocumentForm(initial=_first_document_initial(case)))
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_on_form(form) as outcome:
            services.document_add(
                by=request.user,
                case=case,
                data=form.document_data(),
                scan=form.cleaned_data.get("scan_file"),
            )
        if not outcome.refused:
            messages.success(request, _("The document is saved."))
            return _back_to_case(case)
    return _render_form(request, case, form, status=400)


@object_access
def document_edit(request, pk, document_pk):
    reading = request.method != "POST"
    case, document = get_case_document_for_user(
        request.user,
        pk,
        document_pk,
        perm=Perm.CASE_EDIT,
        action=audit.Action.VIEW if reading else None,
    )
    if reading:
        return _render_form(request, case, DocumentForm(instance=document), document)
    form = DocumentForm(request.POST, request.FILES, instance=document)
    if form.is_valid():
        with refusal_on_form(form) as outcome:
            services.document_update(
                by=request.user,
                document=document,
                data=form.document_data(),
                scan=form.cleaned_data.get("scan_file"),
                remove_scan=form.cleaned_data.get("remove_scan", False),
            )
        if not outcome.refused:
            messages.success(request, _("The document is saved."))
            return _back_to_case(case)
    return _render_form(request, case, form, document, status=400)


@require_POST
@object_access
def document_remove(request, pk, document_pk):
    case, document = get_case_document_for_user(request.user, pk, document_pk, perm=Perm.CASE_EDIT)
    services.document_remove(by=request.user, document=document)
    messages.success(request, _("The document is removed."))
    return _back_to_case(case)


@object_access
def document_scan(request, pk, document_pk):
    """The scan, to whoever may read the case; the read is audited (LG-01)."""
    case, document = get_case_document_for_user(request.user, pk, document_pk, perm=Perm.CASE_VIEW)
    if not document.scan:
        raise Http404
    audit.record(
        audit.Action.VIEW,
        user=request.user,
        obj=case,
        detail={"document": document.pk, "event": "scan_downloaded"},
    )
    response = FileResponse(
        document.scan.open("rb"),
        content_type=document.scan_content_type or "application/octet-stream",
        as_attachment=True,
        filename=safe_download_name(document.scan_name, fallback="scan"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_permission(Perm.CASE_VIEW)
def document_list(request):
    """The organisation's expiring and expired documents of open cases (names: its members only)."""
    mine = request.GET.get("mine") == "1"
    context = expiry_lists(user=request.user, mine=mine)
    context["mine"] = mine
    audit.record(
        audit.Action.VIEW,
        user=request.user,
        object_type="children.casedocument",
        object_id="expiry-list",
    )
    return render(request, "children/documents/document_list.html", context)


@require_permission(Perm.DOCUMENT_POLICY_RECORD, Perm.DOCUMENT_POLICY_CASES)
def policy_list(request):
    """Policy changes; an administrator or ministry officer records one here, a manager sees how
    many of their organisation's open cases each affects."""
    may_record = has_permission(request.user, Perm.DOCUMENT_POLICY_RECORD)
    form = PolicyChangeForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            with refusal_on_form(form) as outcome:
                services.document_policy_record(by=request.user, **form.cleaned_data)
            if not outcome.refused:
                messages.success(request, _("The policy change is recorded."))
                return redirect("children:document_policy_list")
    return render(
        request,
        "children/documents/policy_list.html",
        {
            "form": form,
            "changes": policy_changes_for(user=request.user),
            "may_see_figures": has_permission(request.user, Perm.NATIONAL_DASHBOARD),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@object_access
def policy_affected(request, pk):
    """A manager's list of their organisation's open cases a policy change affects."""
    change = get_policy_change_for_user(request.user, pk, perm=Perm.DOCUMENT_POLICY_CASES)
    cases = (
        affected_cases(change, organisation_id=request.user.membership.organisation_id)
        .select_related("assigned_to")
        .order_by("case_number")
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    audit.record(audit.Action.VIEW, user=request.user, obj=change, detail={"event": "affected"})
    return render(
        request, "children/documents/policy_affected.html", {"change": change, "page": page}
    )
