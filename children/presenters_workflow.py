"""What the case page says about where a case stands and what is due next."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.compiled import CompiledObjects

from .models import Assessment, Case, ClosureRequest, FollowUp, PlanAction, PlanGoal
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


@dataclass(frozen=True)
class NextStep:
    """What the case needs next: a sentence, and the one button that does it (if this user can)."""

    text: str
    action: str = ""
    href: str = ""


def next_step(case, *, pending_closure, next_follow_up, can=None, user_id=None):
    """The most pressing thing to do on this case, with a button to it where the user may act.

    `can` is the user's permission flags (core.context_processors.access); without them the step
    is a sentence only."""
    can = can or {}

    def url(name, *args):
        return reverse(f"children:{name}", args=[case.pk, *args])

    edit = can.get("case_edit", False)
    if case.status == CaseStatus.CLOSED:
        return NextStep(_("The case is closed."))
    if pending_closure is not None:
        if pending_closure.requested_by_id == user_id and user_id is not None:
            # Four eyes (docs/adr/0038): the asker waits for someone else.
            return NextStep(_("Closing the case is waiting for another approver."))
        if can.get("case_approve_closure"):
            return NextStep(
                _("Closing the case is waiting for your approval."),
                _("Approve or send back"),
                "#closure",
            )
        return NextStep(_("Closing the case is waiting for a manager's approval."))
    if next_follow_up is not None and next_follow_up.due_on < timezone.localdate():
        if can.get("followup_manage"):
            return NextStep(
                _("A follow-up is overdue."),
                _("Record the outcome"),
                url("followup_outcome", next_follow_up.pk),
            )
        return NextStep(_("A follow-up is overdue."))
    if case.status in (CaseStatus.IDENTIFIED, CaseStatus.REGISTERED):
        return NextStep(
            _("Next: assess the child's needs."),
            _("Assess") if edit else "",
            url("assessment_create") if edit else "",
        )
    if case.status == CaseStatus.ASSESSED:
        return NextStep(
            _("Next: agree a case plan with goals and actions."),
            _("Add a goal") if edit else "",
            "#plan" if edit else "",
        )
    if next_follow_up is None:
        manage = can.get("followup_manage", False)
        return NextStep(
            _("Next: schedule a follow-up."),
            _("Schedule a follow-up") if manage else "",
            url("followup_schedule") if manage else "",
        )
    return NextStep(_("Services are in progress; the next follow-up is scheduled."))


# What the follow-ups card and the next step show (children/partials/followups_card.html).
FOLLOW_UP_COLUMNS = (
    *("case", "due_on", "kind", "status", "outcome"),
    *("responsible__first_name", "responsible__last_name", "responsible__username"),
)


def _first(queryset):
    """`queryset.first()`'s query."""
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]


# `case.closure_requests`' pending one, `.first()`.
_PENDING_CLOSURE = CompiledObjects(
    ClosureRequest,
    lambda _key, *, case: _first(
        ClosureRequest.objects.filter(
            case_id=case, state=ClosureRequest.State.PENDING
        ).select_related("requested_by")
    ),
)
# `case.follow_ups` as the card shows them.
_FOLLOW_UPS = CompiledObjects(
    FollowUp,
    lambda _key, *, case: (
        FollowUp.objects.filter(case_id=case)
        .select_related("responsible")
        .only(*FOLLOW_UP_COLUMNS)
        .order_by("-due_on", "-id")[:15]
    ),
)
# `case.assessments.first()`.
_LATEST_ASSESSMENT = CompiledObjects(
    Assessment, lambda _key, *, case: _first(Assessment.objects.filter(case_id=case))
)
# `case.plan_goals` with each goal's `actions` (and their responsible and service), as
# `prefetch_related` read them: the actions of all the case's goals in one query, in their order.
_PLAN_GOALS = CompiledObjects(PlanGoal, lambda _key, *, case: PlanGoal.objects.filter(case_id=case))
_PLAN_ACTIONS = CompiledObjects(
    PlanAction,
    lambda _key, *, case: PlanAction.objects.filter(goal__case_id=case).select_related(
        "responsible", "service"
    ),
)
_ACTIONS_CACHE = PlanAction._meta.get_field("goal").remote_field.cache_name


def plan_goals(case: Case) -> list[PlanGoal]:
    """The case's plan goals, each with its actions set as `prefetch_related` sets them (so
    `goal.actions.all()` asks nothing)."""
    goals = _PLAN_GOALS.objects(None, known={"case": case}, case=case.pk)
    if not goals:
        return []
    by_goal = {goal.pk: goal for goal in goals}
    actions: dict[int, list[PlanAction]] = {goal.pk: [] for goal in goals}
    for action in _PLAN_ACTIONS.objects(None, case=case.pk):
        goal = by_goal.get(action.goal_id)
        if goal is None:  # a goal added after the goals were read: not on this page
            continue
        action.goal = goal
        actions[goal.pk].append(action)
    for goal in goals:
        done = PlanAction.objects.all()
        done._result_cache = actions[goal.pk]
        done._prefetch_done = True  # type: ignore[attr-defined]
        goal._prefetched_objects_cache = {_ACTIONS_CACHE: done}
    return goals


def workflow_context(case, *, can=None, user_id=None, contents=None):
    """The workflow cards' data. `contents` (selectors.case_page) names the case's related lists
    that hold rows; without it every list is read."""

    def has(name):
        return contents is None or contents.has(name)

    # A closed case shows its closure, not a request (closure_card.html, `next_step`).
    # The case's lists below are each compiled to SQL once a process (core/compiled.py).
    known = {"case": case}
    pending_closure = (
        next(iter(_PENDING_CLOSURE.objects(None, known=known, case=case.pk)), None)
        if has("closure_requests") and not case.is_closed
        else None
    )
    follow_ups = _FOLLOW_UPS.objects(None, known=known, case=case.pk) if has("follow_ups") else []
    pending = [f for f in follow_ups if f.status == "scheduled"]
    next_follow_up = min(pending, key=lambda f: f.due_on) if pending else None
    latest_assessment = (
        next(iter(_LATEST_ASSESSMENT.objects(None, known=known, case=case.pk)), None)
        if has("assessments")
        else None
    )
    goals = plan_goals(case) if has("plan_goals") else []
    return {
        "progress": progress(case, assessed=latest_assessment is not None, planned=bool(goals)),
        "next_step": next_step(
            case,
            pending_closure=pending_closure,
            next_follow_up=next_follow_up,
            can=can,
            user_id=user_id,
        ),
        "latest_assessment": latest_assessment,
        "goals": goals,
        "pending_closure": pending_closure,
        "own_closure_request": pending_closure is not None
        and user_id is not None
        and pending_closure.requested_by_id == user_id,
        "follow_ups": follow_ups,
    }
