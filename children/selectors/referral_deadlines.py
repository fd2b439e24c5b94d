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

from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from core.i18n import localised
from core.permissions import Perm, has_permission
from core.types import AnyUser
from ngos.selectors import service_names

from ..models import Referral
from ..models.cases import join_names
from ..models.choices import ReferralState

LIMIT = 50


def _organisation_id(user: AnyUser) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    organisation_id: int | None = membership.organisation_id if membership is not None else None
    return organisation_id


def _escalated(organisation: int) -> QuerySet[Referral]:
    return Referral.objects.filter(
        from_organisation_id=organisation,
        state=ReferralState.SENT,
        escalated_at__isnull=False,
        sharing_ended_at__isnull=True,
    )


def escalated_referrals(*, user: AnyUser) -> QuerySet[Referral]:
    """Unanswered referrals of the user's organisation escalated to its managers."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_REASSIGN):
        return Referral.objects.none()
    return _escalated(organisation_id)


def _completion(
    whole_organisation: bool, today: datetime.date, organisation: int, user: int | None = None
) -> QuerySet[Referral]:
    due = Referral.objects.completion_due(today).filter(to_organisation_id=organisation)
    return due if whole_organisation else due.filter(answered_by_id=user)


def completion_due_referrals(
    *, user: AnyUser, today: datetime.date | None = None
) -> QuerySet[Referral]:
    """Accepted referrals of the user's organisation whose service is due soon or overdue."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.REFERRAL_ANSWER):
        return Referral.objects.none()
    return _completion(
        has_permission(user, Perm.CASE_REASSIGN),
        today or timezone.localdate(),
        organisation_id,
        user.pk,
    )


# The section's lists and their counts, compiled once a day and kind of user (core/compiled.py); a
# count is asked for only when its list is full. The completion list's text depends on
# REFERRAL_COMPLETION_SOON_DAYS.
_ESCALATED_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _escalated(**ids)
        .order_by("answer_due_at", "pk")
        .values_list(
            "pk",
            "answer_due_at",
            *("case__given_name", "case__family_name"),
            *("to_organisation__name_fa", "to_organisation__name_en"),
            "service_id",
        )[:LIMIT]
    ),
)
_COMPLETION_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _completion(*key[:2], **ids)
        .order_by("complete_by", "pk")
        .values_list(
            "pk",
            "complete_by",
            "service_id",
            *("from_organisation__name_fa", "from_organisation__name_en"),
        )[:LIMIT]
    ),
)


_ESCALATED_COUNTS = CompiledRows(Referral, lambda key, **ids: counts_of(_escalated(**ids), None))
_COMPLETION_COUNTS = CompiledRows(
    Referral,
    lambda key, **ids: counts_of(_completion(*key[:2], **ids), None, Q(complete_by__lt=key[1])),
)


def referral_deadlines(
    *, user: AnyUser, today: datetime.date | None = None, services: dict[int, str] | None = None
) -> dict[str, Any]:
    """The "My work" section's lists (capped) and exact counts (no query for a list that holds
    every row: compiled.capped_counts). `services`: `ngos.selectors.service_names()`, when the caller has
    it already."""
    today = today or timezone.localdate()
    services = service_names() if services is None else services
    organisation = _organisation_id(user)
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)
    escalated: list[tuple[Any, ...]] = []
    completion: list[tuple[Any, ...]] = []
    escalated_count = completion_count = completion_overdue_count = 0
    if organisation is not None and whole_organisation:
        escalated = _ESCALATED_ROWS.rows(None, organisation=organisation)
        (escalated_count,) = capped_counts(
            escalated, LIMIT, _ESCALATED_COUNTS, None, {"organisation": organisation}, every_row
        )
    if organisation is not None and has_permission(user, Perm.REFERRAL_ANSWER):
        ids: dict[str, Any] = {"organisation": organisation}
        if not whole_organisation:
            ids["user"] = user.pk  # a manager's list is the organisation's
        key = (whole_organisation, today, settings.REFERRAL_COMPLETION_SOON_DAYS)
        completion = _COMPLETION_ROWS.rows(key, **ids)
        completion_count, completion_overdue_count = capped_counts(
            completion, LIMIT, _COMPLETION_COUNTS, key, ids, every_row, lambda row: row[1] < today
        )
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
        for pk, answer_due_at, given_name, family_name, org_fa, org_en, service_id in escalated
    ]
    completion_rows = [
        {
            "pk": pk,
            "service": services[service_id],
            "complete_by": complete_by,
            "from_organisation": localised(org_fa, org_en),
        }
        for pk, complete_by, service_id, org_fa, org_en in completion
    ]
    return {
        "today": today,
        "may_see_escalated": whole_organisation,
        "escalated": escalated_rows,
        "escalated_count": escalated_count,
        "completion": completion_rows,
        "completion_count": completion_count,
        "completion_overdue_count": completion_overdue_count,
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
