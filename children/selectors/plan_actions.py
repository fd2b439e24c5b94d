"""Case plan actions on "My work" and in the daily digest: the actions a person is responsible
for whose target date is within the coming week or has passed (issue 20)."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from core.models import User
from core.permissions import Perm, has_permission
from ngos.selectors import service_names

from ..models import PlanAction
from ..models.cases import join_names
from ..models.choices import CaseStatus, PlanStatus

LIMIT = 50
# "Due" means a target date within this many days from today; earlier ones are overdue.
DUE_WITHIN_DAYS = 7
OPEN_STATUSES = (PlanStatus.PLANNED, PlanStatus.IN_PROGRESS)


def plan_actions_due(*, user: User, today: datetime.date | None = None) -> QuerySet[PlanAction]:
    """Open actions `user` is responsible for on their organisation's open cases, with a target
    date on or before a week from `today`, soonest (most overdue) first."""
    today = today or timezone.localdate()
    membership = user.membership_or_none
    if membership is None or not has_permission(user, Perm.CASE_VIEW):
        return PlanAction.objects.none()
    return _due(today, organisation=membership.organisation_id, user=user.pk)


def _due(today: datetime.date, *, organisation: int, user: int) -> QuerySet[PlanAction]:
    return (
        PlanAction.objects.filter(
            responsible_id=user,
            goal__case__organisation_id=organisation,
            status__in=OPEN_STATUSES,
            target_date__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
        )
        .exclude(goal__case__status=CaseStatus.CLOSED)
        .order_by("target_date", "id")
    )


# The section's list and its counts (asked for only when the list is full), compiled once a day
# (core/compiled.py).
_ROWS = CompiledRows(
    PlanAction,
    lambda today, **ids: _due(today, **ids).values_list(
        "pk",
        "goal__case_id",
        *("goal__case__given_name", "goal__case__family_name"),
        *("target_date", "description", "service_id"),
    )[:LIMIT],
)
_COUNTS = CompiledRows(
    PlanAction,
    lambda today, **ids: counts_of(_due(today, **ids), None, Q(target_date__lt=today)),
)


def plan_actions_section(
    *, user: User, today: datetime.date | None = None, services: dict[int, str] | None = None
) -> dict[str, Any]:
    """The "My work" section: the list capped, the counts exact (no query for a list that holds
    every row: counting.py). `services`: `ngos.selectors.service_names()`, when the caller has
    it already."""
    today = today or timezone.localdate()
    services = service_names() if services is None else services
    membership = user.membership_or_none
    actions: list[tuple[Any, ...]] = []
    total = overdue = 0
    if membership is not None and has_permission(user, Perm.CASE_VIEW):
        ids = {"organisation": membership.organisation_id, "user": user.pk}
        actions = _ROWS.rows(today, **ids)
        total, overdue = capped_counts(
            actions, LIMIT, _COUNTS, today, ids, every_row, lambda row: row[4] < today
        )
    # Read here as the values the section shows (small dicts, not actions, goals, cases and
    # services built from the database).
    rows = [
        {
            "pk": pk,
            "case_id": case_id,
            "case_name": join_names(given_name, family_name),
            "target_date": target_date,
            "description": description,
            "has_service": service_id is not None,
            "service": services[service_id] if service_id is not None else None,
        }
        for (
            pk,
            case_id,
            given_name,
            family_name,
            target_date,
            description,
            service_id,
        ) in actions
    ]
    return {
        "today": today,
        "actions": rows,
        "count": total,
        "overdue_count": overdue,
        "can_mark_done": has_permission(user, Perm.CASE_EDIT),
    }


def plan_actions_digest_counts(*, user: User, today: datetime.date) -> dict[str, int]:
    """Counts for the daily digest, never names: due within the week, and overdue."""
    actions = plan_actions_due(user=user, today=today)
    overdue = actions.filter(target_date__lt=today).count()
    return {"plan_actions_due": actions.count() - overdue, "plan_actions_overdue": overdue}
