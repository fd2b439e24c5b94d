""" "My work": what a caseworker (or, for a manager, the whole organisation) must do next."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.models import User
from core.permissions import Perm, has_permission

from ..models import Case, FollowUp, Referral
from .counting import EVERY_ROW, count, counts

LIMIT = 50

# The columns the page shows. The lists join wide rows (a case has about sixty columns, an
# organisation thirty): reading and building only these is most of what "My work" costs
# (docs/performance.md, issue 21). A name is both language columns; a person is their names.
_PERSON = ("first_name", "last_name", "username")
_NAMES = ("name_fa", "name_en")


def _related(prefix: str, fields: tuple[str, ...]) -> list[str]:
    return [f"{prefix}__{field}" for field in fields]


def my_work(*, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """Follow-ups due today or overdue, referrals awaiting an answer, cases not seen lately.

    A manager (who may reassign cases) sees the whole organisation; a caseworker their own.
    Each list is capped; the counts are exact.
    """
    today = today or timezone.localdate()
    organisation_id = user.membership.organisation_id
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)

    follow_ups = FollowUp.objects.pending().filter(
        organisation_id=organisation_id, due_on__lte=today
    )
    unseen = Case.objects.unseen(today).filter(organisation_id=organisation_id)
    incoming = Referral.objects.awaiting_answer().filter(to_organisation_id=organisation_id)
    outgoing = Referral.objects.awaiting_answer().filter(from_organisation_id=organisation_id)
    if not whole_organisation:
        follow_ups = follow_ups.filter(responsible=user)
        unseen = unseen.filter(assigned_to=user)
        outgoing = outgoing.filter(case__assigned_to=user)

    # Lists are read here, once, not lazily by the template; a list shorter than its cap is
    # every row, so its counts need no query (counting.py).
    case_name = ("given_name", "family_name")
    referral = ("case", "service", "state", "answer_due_at", "sent_at")
    follow_up_rows = list(
        follow_ups.select_related("case", "responsible")
        .only(
            "case",
            "responsible",
            "due_on",
            "kind",
            "status",
            *_related("case", case_name),
            *_related("responsible", _PERSON),
        )
        .order_by("due_on", "id")[:LIMIT]
    )
    incoming_rows = list(
        incoming.select_related("from_organisation", "service")
        .only(
            *referral,
            "from_organisation",
            *_related("from_organisation", _NAMES),
            *_related("service", _NAMES),
        )
        .order_by("answer_due_at")[:LIMIT]
    )
    outgoing_rows = list(
        outgoing.select_related("to_organisation", "service", "case")
        .only(
            *referral,
            "to_organisation",
            *_related("to_organisation", _NAMES),
            *_related("service", _NAMES),
            *_related("case", case_name),
        )
        .order_by("answer_due_at")[:LIMIT]
    )
    unseen_rows = list(
        unseen.select_related("assigned_to")
        .only(
            "case_number",
            "last_contact_on",
            "assigned_to",
            *case_name,
            *_related("assigned_to", _PERSON),
        )
        .order_by("last_contact_on", "id")[:LIMIT]
    )
    return {
        "today": today,
        "whole_organisation": whole_organisation,
        "follow_ups": follow_up_rows,
        **counts(
            follow_up_rows,
            LIMIT,
            follow_ups,
            follow_ups_count=EVERY_ROW,
            overdue_count=(Q(due_on__lt=today), lambda row: row.due_on < today),
        ),
        "incoming": incoming_rows,
        "incoming_count": count(incoming_rows, LIMIT, incoming),
        "outgoing": outgoing_rows,
        "outgoing_count": count(outgoing_rows, LIMIT, outgoing),
        "unseen": unseen_rows,
        "unseen_count": count(unseen_rows, LIMIT, unseen),
    }
