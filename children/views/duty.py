"""The duty to report: the organisation's alerts and a manager's decision on one
(docs/adr/0036-duty-to-report.md)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.access import object_access, require_permission
from core.exceptions import InvalidState
from core.permissions import Perm

from ..access import get_case_for_user
from ..forms.duty import ReportDecisionForm
from ..selectors import duty as selectors
from ..services import duty as services

PAGE_SIZE = 50


@require_permission(Perm.REPORT_ALERT_DECIDE)
def report_alerts(request):
    state = request.GET.get("state", "")
    if state not in selectors.STATES:
        state = ""
    alerts = selectors.report_alert_list(user=request.user, state=state)
    context = {
        "page": Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page")),
        "state": state,
        "counts": selectors.report_alert_counts(user=request.user),
    }
    return render(request, "children/duty/alert_list.html", context)


@object_access
def report_alert_decide(request, pk, alert_pk):
    """A manager records the decision; a caseworker who can see the case gets 403."""
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.REPORT_ALERT_DECIDE)
    alert = get_object_or_404(case.report_alerts, pk=alert_pk)
    if not alert.is_open:
        messages.info(request, _("This alert has already been decided."))
        return redirect("children:case_detail", pk=case.pk)
    form = ReportDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_alert_decide(by=request.user, alert=alert, **form.cleaned_data)
        except InvalidState as error:
            messages.error(request, " ".join(error.messages))
            return redirect("children:case_detail", pk=case.pk)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("children:case_detail", pk=case.pk)
    context = {"case": case, "alert": alert, "form": form}
    return render(request, "children/duty/alert_decide.html", context)
