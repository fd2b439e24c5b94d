"""Referrals that must not stall, for "My work" and the digest (docs/adr/0039).

Two lists of their own:

- escalated: referrals the user's organisation sent that are still unanswered after the
  receiver was reminded and the escalation days passed; for the sender's managers.
- completion: referrals the user's organisation accepted whose service is due soon or overdue;
  a caseworker sees those they accepted, a manager the whole organisation's.

The receiver's list shows only the service and the sender, never the child, like the inbox.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.permissions import Perm, has_permission
from core.types import AnyUser

from ..models import Referral
from ..models.choices import ReferralState
from .counting import EVERY_ROW, count, counts

LIMIT = 50


def _organisation_id(user: AnyUser) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    organisation_id: int | None = membership.organisation_id if membership is not None else None
    return organisation_id


def escalated_referrals(*, user: AnyUser) -> QuerySet[Referral]:
    """Unanswered referrals of the user's organisation escalated to its managers."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_REASSIGN):
        return Referral.objects.none()
    return Referral.objects.filter(
        from_organisation_id=organisation_id,
        state=ReferralState.SENT,
        escalated_at__isnull=False,
        sharing_ended_at__isnull=True,
    )


def completion_due_referrals(
    *, user: AnyUser, today: datetime.date | None = None
) -> QuerySet[Referral]:
    """Accepted referrals of the user's organisation whose service is due soon or overdue."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.REFERRAL_ANSWER):
        return Referral.objects.none()
    due = Referral.objects.completion_due(today).filter(to_organisation_id=organisation_id)
    if not has_permission(user, Perm.CASE_REASSIGN):
        due = due.filter(answered_by=user)
    return due


def referral_deadlines(*, user: AnyUser, today: datetime.date | None = None) -> dict[str, Any]:
    """The "My work" section's lists (capped) and exact counts (no query for a list that holds
    every row: counting.py)."""
    today = today or timezone.localdate()
    escalated = escalated_referrals(user=user)
    completion = completion_due_referrals(user=user, today=today)
    # Read here with the columns the section shows (a case row is about sixty columns).
    escalated_rows = list(
        escalated.select_related("to_organisation", "service", "case")
        .only(
            *("to_organisation", "service", "case", "state", "answer_due_at"),
            *("to_organisation__name_fa", "to_organisation__name_en"),
            *("service__name_fa", "service__name_en"),
            *("case__given_name", "case__family_name"),
        )
        .order_by("answer_due_at", "pk")[:LIMIT]
    )
    completion_rows = list(
        completion.select_related("from_organisation", "service")
        .only(
            *("from_organisation", "service", "state", "complete_by"),
            *("from_organisation__name_fa", "from_organisation__name_en"),
            *("service__name_fa", "service__name_en"),
        )
        .order_by("complete_by", "pk")[:LIMIT]
    )
    return {
        "today": today,
        "may_see_escalated": has_permission(user, Perm.CASE_REASSIGN),
        "escalated": escalated_rows,
        "escalated_count": count(escalated_rows, LIMIT, escalated),
        "completion": completion_rows,
        **counts(
            completion_rows,
            LIMIT,
            completion,
            completion_count=EVERY_ROW,
            completion_overdue_count=(
                Q(complete_by__lt=today),
                lambda row: row.complete_by < today,
            ),
        ),
        "soon_days": settings.REFERRAL_COMPLETION_SOON_DAYS,
    }


def referral_deadline_counts(*, user: AnyUser, today: datetime.date) -> dict[str, int]:
    """Counts for the daily digest: services due soon and overdue, escalated referrals."""
    completion = completion_due_referrals(user=user, today=today)
    overdue = completion.filter(complete_by__lt=today).count()
    return {
        "referral_service_due": completion.count() - overdue,
        "referral_service_overdue": overdue,
        "referrals_escalated": escalated_referrals(user=user).count(),
    }
