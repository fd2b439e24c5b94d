"""A case's audit trail for its organisation's managers: who opened, changed or exported it
(LG-05). Reading the trail is itself audited."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import audit
from core.access import object_access
from core.permissions import Perm, Role
from core.templatetags.persian_dates import localdigits

from ..access import get_case_for_user
from ..forms.audit import CaseAuditFilterForm
from ..selectors.audit import case_audit_actors, case_audit_trail

PAGE_SIZE = 50


def _role_label(key):
    return Role.get(key).label if key in Role.DEFINITIONS else ""


def _summary(event):
    """A few words on what the row was, beyond its action."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if detail.get("page") == "audit_trail":
        return _("Read this audit trail")
    if event.action == audit.Action.EXPORT and "rows" in detail:
        return _("A file of %(rows)s rows (%(format)s) holding this case") % {
            "rows": localdigits(detail["rows"]),
            "format": str(detail.get("format", "")).upper(),
        }
    if detail.get("referral"):
        return _("Through a referral")
    return ""


@object_access
def case_audit(request, pk):
    """Outsiders (any other organisation) get the 404 of a missing case; members of the
    organisation without the permission, caseworkers included, get 403."""
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_AUDIT_VIEW)
    form = CaseAuditFilterForm(request.GET or None, actors=case_audit_actors(case))
    selection = form.selection() if form.is_bound else {}
    audit.record(
        audit.Action.VIEW,
        user=request.user,
        obj=case,
        detail={
            "page": "audit_trail",
            **{
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in selection.items()
                if value
            },
        },
    )
    # After the reading is recorded: the page counts it, so its rows and its count agree.
    page = Paginator(case_audit_trail(case, **selection), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for event in page:
        event.role_label = _role_label(event.role)
        event.summary = _summary(event)
    return render(request, "children/case_audit.html", {"case": case, "form": form, "page": page})
