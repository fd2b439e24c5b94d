"""Demo of issue 20's approvals and plan actions, for `seed_demo` (docs/adr/0038):

- NGO01 has a second manager; a closure manager.a asked for waits for manager.a2;
- NGO03 has one manager, who names caseworker.b the second approver;
- caseworker.a has case plan actions due this week and overdue on "My work".

Safe to run again: each part is added only when missing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.permissions import Role
from ngos.demo import demo_member
from ngos.models import Membership, Organisation
from ngos.services import second_approver_set

from . import services
from .models import Case, ClosureRequest, PlanAction
from .models.choices import CaseStatus

# (description, days from today to the target date): two overdue, two this week, one later.
PLAN_ACTIONS = [
    ("ثبت‌نام در کلاس سوادآموزی", -4),
    ("گرفتن برگه حمایت تحصیلی از آموزش و پرورش", -1),
    ("دیدار با سرپرست درباره ساعت کار کودک", 2),
    ("معرفی به درمانگاه برای واکسن", 6),
    ("بررسی دوباره وضعیت مدرسه", 20),
]


def seed_approvals(*, password, stdout=None):
    user_model = get_user_model()
    ngo01 = Organisation.objects.filter(code="NGO01").first()
    ngo03 = Organisation.objects.filter(code="NGO03").first()
    if ngo01 is not None:
        demo_member(
            "manager.a2",
            "حمید",
            "صادقی",
            password=password,
            organisation=ngo01,
            role=Role.ORG_MANAGER,
            title="مدیر برنامه‌ها",
        )
        manager = user_model.objects.filter(username="manager.a").first()
        if manager is not None:
            _closure_by_a_manager(manager, ngo01)
        worker = user_model.objects.filter(username="caseworker.a").first()
        if worker is not None:
            _plan_actions(worker)
    if (
        ngo03 is not None
        and not Membership.objects.filter(organisation=ngo03, second_approver=True).exists()
    ):
        manager_b = user_model.objects.filter(username="manager.b").first()
        worker_b = user_model.objects.filter(username="caseworker.b").first()
        if manager_b is not None and worker_b is not None:
            second_approver_set(by=manager_b, organisation=ngo03, user=worker_b)
    if stdout:
        stdout.write(
            "Also for the approvals demo: manager.a2 (NGO01, a second manager); caseworker.b "
            "is NGO03's second approver."
        )


def _closure_by_a_manager(manager, organisation):
    pending = ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING)
    if pending.filter(requested_by=manager).exists():
        return
    case = (
        Case.objects.filter(organisation=organisation)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(pk__in=pending.values("case_id"))
        .order_by("pk")
        .first()
    )
    if case is not None:
        services.closure_request(
            by=manager,
            case=case,
            reason="moved_away",
            note="خانواده به شهر دیگری رفته است",
        )


def _plan_actions(worker):
    if PlanAction.objects.filter(responsible=worker, target_date__isnull=False).exists():
        return
    cases = list(
        Case.objects.filter(organisation=worker.membership.organisation, assigned_to=worker)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(closure_requests__state=ClosureRequest.State.PENDING)
        .order_by("pk")[:2]
    )
    if not cases:
        return
    today = timezone.localdate()
    goals = [services.plan_goal_add(by=worker, case=case, goal="بازگشت به مدرسه") for case in cases]
    for index, (description, days) in enumerate(PLAN_ACTIONS):
        services.plan_action_add(
            by=worker,
            goal=goals[index % len(goals)],
            description=description,
            responsible=worker,
            target_date=today + datetime.timedelta(days=days),
        )
