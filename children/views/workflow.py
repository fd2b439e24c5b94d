"""Workflow pages: assessment, case plan, closure and reopening, follow-ups."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import object_access
from core.permissions import Perm
from core.refusals import refusal_as_message

from .. import services
from ..access import get_case_for_user
from ..forms import (
    AssessmentForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    FollowUpForm,
    FollowUpOutcomeForm,
    GoalForm,
    PlanActionForm,
    PlanActionStatusForm,
    ReopenForm,
    RescheduleForm,
)
from ..models import ClosureRequest, PlanAction
from ..models.workflow import propose_risk
from ..sync.models import SyncItem
from ..sync.once import ALREADY_SAVED, page_post_once


def _back(case):
    return redirect("children:case_detail", pk=case.pk)


def _back_to(request, case):
    """Back where the decision was taken: the approvals queue on "My work" or the case page.

    A fixed choice, not a URL from the form, so the redirect cannot be pointed elsewhere.
    """
    if request.POST.get("back") == "my_work":
        return redirect(reverse("children:my_work") + "#approvals")
    return _back(case)


@object_access
def assessment_create(request, pk):
    """Two steps without JavaScript: the needs propose a risk level, the caseworker confirms it."""
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = AssessmentForm(request.POST or None)
    proposed = None
    if request.method == "POST" and form.is_valid():
        proposed = propose_risk(form.needs(), protection_concerns=case.protection_concerns)
        if "confirm" in request.POST and form.cleaned_data["risk_level"]:
            with refusal_as_message(request):
                services.assessment_record(
                    by=request.user,
                    case=case,
                    needs=form.needs(),
                    risk_level=form.cleaned_data["risk_level"],
                    notes=form.cleaned_data["notes"],
                    assessed_on=form.cleaned_data["assessed_on"],
                )
                messages.success(request, _("The assessment is saved."))
            return _back(case)
        form = AssessmentForm(
            {**request.POST.dict(), "risk_level": form.cleaned_data["risk_level"] or proposed}
        )
        form.is_valid()
    history = case.assessments.select_related("assessed_by")[:10]
    context = {"case": case, "form": form, "proposed": proposed, "history": history}
    return render(request, "children/assessment_form.html", context)


@require_POST
@object_access
def plan_goal_add(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = GoalForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            services.plan_goal_add(by=request.user, case=case, goal=form.cleaned_data["goal"])
    else:
        messages.error(request, _("Write the goal."))
    return _back(case)


@object_access
def plan_action_add(request, pk, goal_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    goal = get_object_or_404(case.plan_goals, pk=goal_pk)
    form = PlanActionForm(request.POST or None, organisation=case.organisation)
    if request.method == "POST" and form.is_valid():
        with refusal_as_message(request):
            services.plan_action_add(by=request.user, goal=goal, **form.cleaned_data)
        return _back(case)
    return render(
        request, "children/plan_action_form.html", {"case": case, "goal": goal, "form": form}
    )


@require_POST
@object_access
def plan_action_status(request, pk, action_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    action = get_object_or_404(PlanAction.objects.filter(goal__case=case), pk=action_pk)
    form = PlanActionStatusForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            services.plan_action_set_status(
                by=request.user, action=action, status=form.cleaned_data["status"]
            )
            if request.POST.get("back") == "my_work":
                messages.success(request, _("The action is marked done."))
    if request.POST.get("back") == "my_work":
        # A fixed choice, not an address from the form (as in `_back_to`).
        return redirect(reverse("children:my_work") + "#plan-actions")
    return _back(case)


@require_POST
@object_access
def closure_request(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = ClosureRequestForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            services.closure_request(by=request.user, case=case, **form.cleaned_data)
            messages.success(request, _("Closing the case now waits for a manager's approval."))
    else:
        messages.error(request, _("Choose the reason for closing."))
    return _back(case)


@require_POST
@object_access
def closure_decide(request, pk, request_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_APPROVE_CLOSURE)
    closure = get_object_or_404(
        case.closure_requests, pk=request_pk, state=ClosureRequest.State.PENDING
    )
    form = ClosureDecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    # Approving one's own request is refused with a message beside the queue (docs/adr/0038).
    with refusal_as_message(request, not_allowed_too=True):
        if request.POST.get("decision") == "approve":
            services.closure_approve(by=request.user, request=closure, comment=comment)
            messages.success(request, _("The case is closed."))
        elif not comment:
            messages.error(request, _("Say why the request is sent back."))
        else:
            services.closure_return(by=request.user, request=closure, comment=comment)
            messages.success(request, _("The closure request is sent back to the caseworker."))
    return _back_to(request, case)


@require_POST
@object_access
def case_reopen(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
    form = ReopenForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            services.case_reopen(by=request.user, case=case, reason=form.cleaned_data["reason"])
            messages.success(request, _("The case is open again."))
    else:
        messages.error(request, _("Say why the case is reopened."))
    return _back(case)


@object_access
def followup_schedule(request, pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.FOLLOWUP_MANAGE)
    form = FollowUpForm(request.POST or None, organisation=case.organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.followup_schedule(by=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("The follow-up is scheduled."))
        return _back(case)
    return render(request, "children/followup_form.html", {"case": case, "form": form})


@object_access
def followup_outcome(request, pk, followup_pk):
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.FOLLOWUP_MANAGE)
    followup = get_object_or_404(case.follow_ups, pk=followup_pk)
    outcome_form = FollowUpOutcomeForm(request.POST if "outcome" in request.POST else None)
    reschedule_form = RescheduleForm(request.POST if "reschedule" in request.POST else None)
    with refusal_as_message(request) as attempt:
        if outcome_form.is_bound and outcome_form.is_valid():
            # Once per phone-made id: a post whose answer was lost may arrive again (RE-08).
            recorded = page_post_once(
                request,
                SyncItem.Kind.FOLLOWUP_OUTCOME,
                lambda: services.followup_record(
                    by=request.user,
                    followup=followup,
                    done=outcome_form.cleaned_data["result"] == "done",
                    outcome=outcome_form.cleaned_data["outcome"],
                ),
            )
            if isinstance(recorded, SyncItem):
                messages.info(request, ALREADY_SAVED)
            else:
                messages.success(request, _("The follow-up is recorded."))
            return _back(case)
        if reschedule_form.is_bound and reschedule_form.is_valid():
            services.followup_reschedule(
                by=request.user, followup=followup, **reschedule_form.cleaned_data
            )
            messages.success(request, _("The follow-up is rescheduled."))
            return _back(case)
    if attempt.refused:
        return _back(case)
    context = {
        "case": case,
        "followup": followup,
        "outcome_form": outcome_form,
        "reschedule_form": reschedule_form,
    }
    return render(request, "children/followup_outcome.html", context)
