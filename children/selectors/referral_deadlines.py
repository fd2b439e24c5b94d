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

from core.i18n import localised
from core.permissions import Perm, has_permission
from core.types import AnyUser
from ngos.selectors import service_names

from ..models import Referral
from ..models.cases import join_names
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


def referral_deadlines(
    *, user: AnyUser, today: datetime.date | None = None, services: dict[int, str] | None = None
) -> dict[str, Any]:
    """The "My work" section's lists (capped) and exact counts (no query for a list that holds
    every row: counting.py). `services`: `ngos.selectors.service_names()`, when the caller has
    it already."""
    today = today or timezone.localdate()
    services = service_names() if services is None else services
    escalated = escalated_referrals(user=user)
    completion = completion_due_referrals(user=user, today=today)
    # Read here as the values the section shows (small dicts, not referrals, cases and
    # organisations built from the database).
    escalated_rows = [
        {
            "pk": pk,
            "case_name": join_names(given_name, family_name),
            "to_organisation": localised(org_fa, org_en),
            "service": services[service_id],
            "answer_due_at": answer_due_at,
        }
        for (
            pk,
            answer_due_at,
            given_name,
            family_name,
            org_fa,
            org_en,
            service_id,
        ) in escalated.order_by("answer_due_at", "pk").values_list(
            "pk",
            "answer_due_at",
            *("case__given_name", "case__family_name"),
            *("to_organisation__name_fa", "to_organisation__name_en"),
            "service_id",
        )[:LIMIT]
    ]
    completion_rows = [
        {
            "pk": pk,
            "service": services[service_id],
            "complete_by": complete_by,
            "from_organisation": localised(org_fa, org_en),
        }
        for pk, complete_by, service_id, org_fa, org_en in completion.order_by(
            "complete_by", "pk"
        ).values_list(
            "pk",
            "complete_by",
            "service_id",
            *("from_organisation__name_fa", "from_organisation__name_en"),
        )[:LIMIT]
    ]
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
                lambda row: row["complete_by"] < today,
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
