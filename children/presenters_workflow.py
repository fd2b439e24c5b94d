"""What the case page says about where a case stands and what is due next."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ClosureRequest
from .models.choices import CaseStatus

STEPS = [
    CaseStatus.REGISTERED,
    CaseStatus.ASSESSED,
    CaseStatus.CASE_PLAN,
    CaseStatus.IN_PROGRESS,
    CaseStatus.CLOSED,
]


def progress(case, *, assessed, planned):
    """The workflow steps with the current one marked, for a stepper at the top of the case.

    A step is ticked only when it happened: a case can reach "services in progress" through a
    referral with no assessment or plan, and its stepper then shows those two as skipped, as the
    rest of the page does ("not assessed yet")."""
    current = STEPS.index(case.status) if case.status in STEPS else 0
    happened = {CaseStatus.ASSESSED: assessed, CaseStatus.CASE_PLAN: planned}
    steps = []
    for i, step in enumerate(STEPS):
        passed = i < current
        done = passed and happened.get(step, True)
        steps.append(
            {
                "label": CaseStatus(step).label,
                "done": done,
                "skipped": passed and not done,
                "current": i == current,
            }
        )
    return steps


def next_step(case, *, pending_closure, next_follow_up):
    """One sentence: the most pressing thing to do on this case."""
    if case.status == CaseStatus.CLOSED:
        return _("The case is closed.")
    if pending_closure is not None:
        return _("Closing the case is waiting for a manager's approval.")
    if next_follow_up is not None and next_follow_up.due_on < timezone.localdate():
        return _("A follow-up is overdue.")
    if case.status in (CaseStatus.IDENTIFIED, CaseStatus.REGISTERED):
        return _("Next: assess the child's needs.")
    if case.status == CaseStatus.ASSESSED:
        return _("Next: agree a case plan with goals and actions.")
    if next_follow_up is None:
        return _("Next: schedule a follow-up.")
    return _("Services are in progress; the next follow-up is scheduled.")


def workflow_context(case):
    pending_closure = case.closure_requests.filter(state=ClosureRequest.State.PENDING).first()
    follow_ups = list(case.follow_ups.select_related("responsible").order_by("-due_on", "-id")[:15])
    pending = [f for f in follow_ups if f.status == "scheduled"]
    next_follow_up = min(pending, key=lambda f: f.due_on) if pending else None
    latest_assessment = case.assessments.first()
    goals = case.plan_goals.prefetch_related("actions__responsible", "actions__service")
    return {
        "progress": progress(case, assessed=latest_assessment is not None, planned=goals.exists()),
        "next_step": next_step(
            case, pending_closure=pending_closure, next_follow_up=next_follow_up
        ),
        "latest_assessment": latest_assessment,
        "goals": goals,
        "pending_closure": pending_closure,
        "follow_ups": follow_ups,
    }
