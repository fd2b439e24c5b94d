""" "My work": what a caseworker (or, for a manager, the whole organisation) must do next."""

import datetime
from typing import Any

from django.utils import timezone

from core.models import User
from core.permissions import Perm, has_permission

from ..models import Case, FollowUp, Referral

LIMIT = 50


def my_work(*, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """Follow-ups due today or overdue, referrals awaiting an answer, cases not seen lately.

    A manager (who may reassign cases) sees the whole organisation; a caseworker their own.
    Each list is capped; the counts are exact.
    """
    today = today or timezone.localdate()
    organisation_id = user.membership.organisation_id
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)

    follow_ups = FollowUp.objects.pending().filter(
        case__organisation_id=organisation_id, due_on__lte=today
    )
    unseen = Case.objects.unseen(today).filter(organisation_id=organisation_id)
    incoming = Referral.objects.awaiting_answer().filter(to_organisation_id=organisation_id)
    outgoing = Referral.objects.awaiting_answer().filter(from_organisation_id=organisation_id)
    if not whole_organisation:
        follow_ups = follow_ups.filter(responsible=user)
        unseen = unseen.filter(assigned_to=user)
        outgoing = outgoing.filter(case__assigned_to=user)

    return {
        "today": today,
        "whole_organisation": whole_organisation,
        "follow_ups": follow_ups.select_related("case", "responsible").order_by("due_on", "id")[
            :LIMIT
        ],
        "follow_ups_count": follow_ups.count(),
        "overdue_count": follow_ups.filter(due_on__lt=today).count(),
        "incoming": incoming.select_related("from_organisation", "service").order_by(
            "answer_due_at"
        )[:LIMIT],
        "incoming_count": incoming.count(),
        "outgoing": outgoing.select_related("to_organisation", "service", "case").order_by(
            "answer_due_at"
        )[:LIMIT],
        "outgoing_count": outgoing.count(),
        "unseen": unseen.select_related("assigned_to").order_by("last_contact_on", "id")[:LIMIT],
        "unseen_count": unseen.count(),
    }
