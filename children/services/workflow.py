"""Moving a case through its workflow: assessment, case plan, closure with approval, reopening.

Each step checks the acting user's permission on the case's organisation (`ActionNotAllowed`,
a 403) and refuses what the case's state does not allow with `InvalidState` (ADR 0013).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import ActionNotAllowed, InvalidState
from core.models import User
from core.permissions import Perm, check_permission
from core.persian import clean_text
from ngos.models import Service

from ..models import Assessment, Case, ClosureRequest, PlanAction, PlanGoal, TimelineEntry
from ..models.choices import CaseStatus, PlanStatus
from ..models.workflow import propose_risk
from . import approvals, duty

Action = audit.Action

# Where each step may move a case: only forward, never out of "closed" except by reopening.
_ORDER: list[str] = [
    CaseStatus.IDENTIFIED,
    CaseStatus.REGISTERED,
    CaseStatus.ASSESSED,
    CaseStatus.CASE_PLAN,
    CaseStatus.IN_PROGRESS,
]


def advance_status(case: Case, status: str, by: User) -> None:
    """Move an open case forward to `status` (never backwards); record the change."""
    if case.status == CaseStatus.CLOSED or _ORDER.index(case.status) >= _ORDER.index(status):
        return
    previous = case.status
    Case.objects.filter(pk=case.pk).update(status=status)
    case.status = status
    TimelineEntry.objects.create(
        case=case, kind=TimelineEntry.Kind.STATUS, actor=by, detail={"from": previous, "to": status}
    )


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _refuse_if_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise InvalidState(_("The case is closed. Reopen it first."))


@transaction.atomic
def assessment_record(
    *,
    by: User,
    case: Case,
    needs: Mapping[str, Any],
    risk_level: str,
    notes: str = "",
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """Keep a new assessment (earlier ones stay as history) and set the case's risk level."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    case = _locked(case)
    _refuse_if_closed(case)
    assessment = Assessment.objects.create(
        case=case,
        assessed_by=by,
        assessed_on=assessed_on or timezone.localdate(),
        proposed_risk=propose_risk(needs, protection_concerns=case.protection_concerns),
        risk_level=risk_level,
        notes=clean_text(notes, multiline=True),
        **needs,
    )
    previous_risk = case.risk_level
    Case.objects.filter(pk=case.pk).update(risk_level=risk_level)
    case.risk_level = risk_level
    advance_status(case, CaseStatus.ASSESSED, by)
    audit.record(Action.UPDATE, user=by, obj=case, detail={"assessment": assessment.pk})
    duty.report_alerts_start(
        case=case,
        by=by,
        previous_risk=previous_risk,
        previous_concerns=case.protection_concerns,
    )
    return assessment


@transaction.atomic
def plan_goal_add(*, by: User, case: Case, goal: str) -> PlanGoal:
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    case = _locked(case)
    _refuse_if_closed(case)
    plan_goal = PlanGoal.objects.create(case=case, goal=clean_text(goal), created_by=by)
    advance_status(case, CaseStatus.CASE_PLAN, by)
    audit.record(Action.UPDATE, user=by, obj=case, detail={"plan_goal": plan_goal.pk})
    return plan_goal


@transaction.atomic
def plan_action_add(
    *,
    by: User,
    goal: PlanGoal,
    description: str,
    responsible: User,
    service: Service | None = None,
    target_date: datetime.date | None = None,
) -> PlanAction:
    check_permission(by, Perm.CASE_EDIT, goal.case.organisation_id)
    case = _locked(goal.case)
    _refuse_if_closed(case)
    action = PlanAction.objects.create(
        goal=goal,
        description=clean_text(description),
        responsible=responsible,
        service=service,
        target_date=target_date,
    )
    audit.record(Action.UPDATE, user=by, obj=case, detail={"plan_action": action.pk})
    return action


@transaction.atomic
def plan_action_set_status(*, by: User, action: PlanAction, status: str) -> PlanAction:
    check_permission(by, Perm.CASE_EDIT, action.goal.case.organisation_id)
    case = _locked(action.goal.case)
    _refuse_if_closed(case)
    PlanAction.objects.filter(pk=action.pk).update(status=status)
    action.status = status
    if status == PlanStatus.IN_PROGRESS:
        advance_status(case, CaseStatus.IN_PROGRESS, by)
    goal = action.goal
    statuses = set(goal.actions.values_list("status", flat=True))
    if statuses and statuses <= {PlanStatus.DONE, PlanStatus.CANCELLED}:
        PlanGoal.objects.filter(pk=goal.pk).update(status=PlanStatus.DONE)
    audit.record(
        Action.UPDATE, user=by, obj=case, detail={"plan_action": action.pk, "status": status}
    )
    return action


@transaction.atomic
def closure_request(*, by: User, case: Case, reason: str, note: str = "") -> ClosureRequest:
    """A caseworker asks to close; the case stays open until a manager approves."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    case = _locked(case)
    _refuse_if_closed(case)
    if case.closure_requests.filter(state=ClosureRequest.State.PENDING).exists():
        raise InvalidState(_("A closure request is already waiting for approval."))
    request = ClosureRequest.objects.create(
        case=case, reason=reason, note=clean_text(note, multiline=True), requested_by=by
    )
    TimelineEntry.objects.create(
        case=case, kind=TimelineEntry.Kind.STATUS, actor=by, detail={"closure": "requested"}
    )
    audit.record(Action.UPDATE, user=by, obj=case, detail={"closure_request": request.pk})
    approvals.approval_arrived(
        organisation_id=case.organisation_id, kind=approvals.CLOSURE, by_id=by.pk
    )
    return request


def _decide(by: User, request: ClosureRequest, *, approve: bool, comment: str) -> ClosureRequest:
    check_permission(
        by,
        Perm.CASE_APPROVE_CLOSURE,
        request.case.organisation_id,
        message=_("Only a manager of the organisation can decide on closing a case."),
    )
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ClosureRequest.State.PENDING:
        raise InvalidState(_("This closure request has already been decided."))
    if approve and request.requested_by_id == by.pk:
        # Four eyes (docs/adr/0038); the database refuses it too (closure_approved_by_another).
        raise ActionNotAllowed(approvals.SELF_APPROVAL_CLOSURE)
    request.state = ClosureRequest.State.APPROVED if approve else ClosureRequest.State.RETURNED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.comment = clean_text(comment, multiline=True)
    request.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    return request


@transaction.atomic
def closure_approve(*, by: User, request: ClosureRequest, comment: str = "") -> ClosureRequest:
    case = _locked(request.case)
    request = _decide(by, request, approve=True, comment=comment)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=request.decided_at, closure_reason=request.reason
    )
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        detail={"from": case.status, "to": CaseStatus.CLOSED},
    )
    audit.record(
        Action.UPDATE,
        user=by,
        obj=case,
        detail={"closure_request": request.pk, "decision": "approved"},
    )
    return request


@transaction.atomic
def closure_return(*, by: User, request: ClosureRequest, comment: str) -> ClosureRequest:
    case = _locked(request.case)
    request = _decide(by, request, approve=False, comment=comment)
    TimelineEntry.objects.create(
        case=case, kind=TimelineEntry.Kind.STATUS, actor=by, detail={"closure": "returned"}
    )
    audit.record(
        Action.UPDATE,
        user=by,
        obj=case,
        detail={"closure_request": request.pk, "decision": "returned"},
    )
    return request


@transaction.atomic
def case_reopen(*, by: User, case: Case, reason: str) -> Case:
    """Reopen a closed case; it resumes at "services in progress" when it had a plan, else "registered"."""
    check_permission(by, Perm.CASE_EDIT, case.organisation_id)
    case = _locked(case)
    if case.status != CaseStatus.CLOSED:
        raise InvalidState(_("Only a closed case can be reopened."))
    resumed = CaseStatus.IN_PROGRESS if case.plan_goals.exists() else CaseStatus.REGISTERED
    Case.objects.filter(pk=case.pk).update(status=resumed, closed_at=None, closure_reason="")
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        detail={"from": CaseStatus.CLOSED, "to": resumed, "reason": clean_text(reason)[:200]},
    )
    audit.record(Action.UPDATE, user=by, obj=case, detail={"reopened": True})
    case.refresh_from_db()
    return case
