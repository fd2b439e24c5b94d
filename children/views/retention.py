"""The legal hold on a case (RT-01): a manager keeps a case from the retention rule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import object_access
from core.permissions import Perm

from ..access import get_case_for_user
from ..services.retention import case_legal_hold_set


@require_POST
@object_access
def case_legal_hold(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_LEGAL_HOLD)
    hold = request.POST.get("hold") == "on"
    try:
        case_legal_hold_set(
            by=request.user, case=case, hold=hold, reason=request.POST.get("reason", "")[:300]
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(
            request,
            _("The case is under a legal hold: it will not be anonymised.")
            if hold
            else _("The legal hold is lifted."),
        )
    return redirect("children:case_detail", pk=case.pk)
