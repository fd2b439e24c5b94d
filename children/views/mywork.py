from django.shortcuts import render

from core.access import require_permission
from core.permissions import Perm

from ..selectors.approvals import WAITING_ON_REQUEST, approvals_queue
from ..selectors.documents import my_work_documents
from ..selectors.mywork import my_work as my_work_selector
from ..selectors.plan_actions import plan_actions_section
from ..selectors.referral_deadlines import referral_deadlines


@require_permission(Perm.CASE_VIEW)
def my_work(request):
    context = my_work_selector(user=request.user)
    context["approvals"] = approvals_queue(user=request.user)
    # The same number the navigation's badge would count again (children/templatetags).
    setattr(request, WAITING_ON_REQUEST, context["approvals"]["approvals_count"])
    context["documents"] = my_work_documents(user=request.user)
    context["referral_deadlines"] = referral_deadlines(user=request.user)
    context["plan_actions"] = plan_actions_section(user=request.user)
    return render(request, "children/my_work.html", context)
