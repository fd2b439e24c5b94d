import functools
from collections.abc import Callable

from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf

from core.access import require_permission
from core.id_urls import id_url
from core.permissions import Perm
from ngos.selectors import service_names

from ..selectors.approvals import WAITING_ON_REQUEST, approvals_queue
from ..selectors.documents import my_work_documents
from ..selectors.mywork import my_work as my_work_selector
from ..selectors.plan_actions import plan_actions_section
from ..selectors.referral_deadlines import referral_deadlines


@require_permission(Perm.CASE_VIEW)
def my_work(request):
    # Services' names read once for every list (a handful of rows), not joined into each.
    services = service_names()
    context = my_work_selector(user=request.user, services=services)
    context["approvals"] = approvals_queue(user=request.user, services=services)
    # The same number the navigation's badge would count again (children/templatetags).
    setattr(request, WAITING_ON_REQUEST, context["approvals"]["approvals_count"])
    context["documents"] = my_work_documents(user=request.user)
    context["referral_deadlines"] = referral_deadlines(user=request.user, services=services)
    context["plan_actions"] = plan_actions_section(user=request.user, services=services)
    _link_rows(context)
    return render(request, "children/my_work.html", context)


@functools.lru_cache(maxsize=64)
def _id_url_of(prefix: str, urlconf: str | None, viewname: str, arity: int) -> Callable[..., str]:
    # `prefix` and `urlconf`, all that reversing reads besides the URL patterns, key the cache.
    return id_url(viewname, arity)


def _addresses(viewname: str, arity: int = 1) -> Callable[..., str]:
    """`id_url(viewname, arity)`, reversed once a process for each script prefix and URLconf
    rather than once a request (eight reversals were a fortieth of a manager's page)."""
    return _id_url_of(get_script_prefix(), get_urlconf(), viewname, arity)


def _link_rows(context):
    """Each row's addresses, reversed once a kind rather than once a row (core/id_urls.py): the
    page lists a few hundred rows, and `{% url %}` for each was a tenth of its time."""
    case = _addresses("children:case_detail")
    referral = _addresses("children:referral_detail")
    if context["follow_ups"]:
        outcome = _addresses("children:followup_outcome", 2)
        for row in context["follow_ups"]:
            row["url"] = outcome(row["case_id"], row["pk"])
    for row in context["incoming"]:
        row["url"] = referral(row["pk"])
    for row in context["outgoing"]:
        row["url"] = case(row["case_id"])
    for row in context["unseen"]:
        row["url"] = case(row["pk"])
    approvals = context["approvals"]
    if approvals["closures"]:
        decide = _addresses("children:closure_decide", 2)
        for row in approvals["closures"]:
            row["url"] = case(row["case_id"])
            row["decide_url"] = decide(row["case_id"], row["pk"])
    if approvals["overrides"]:
        approve = _addresses("children:override_approve")
        for row in approvals["overrides"]:
            row["url"] = case(row["case_id"])
            row["approve_url"] = approve(row["pk"])
    for row in context["documents"]["expiring"]:
        row["url"] = case(row["case_id"])
    deadlines = context["referral_deadlines"]
    for row in deadlines["escalated"]:
        row["url"] = referral(row["pk"])
    for row in deadlines["completion"]:
        row["url"] = referral(row["pk"])
    plan_actions = context["plan_actions"]
    if plan_actions["actions"]:
        status = _addresses("children:plan_action_status", 2)
        for row in plan_actions["actions"]:
            row["url"] = case(row["case_id"])
            row["status_url"] = status(row["case_id"], row["pk"])
