""" "My work": what a caseworker (or, for a manager, the whole organisation) must do next."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.i18n import localised
from core.models import User, person_name
from core.permissions import Perm, has_permission
from ngos.selectors import service_names

from ..models import Case, FollowUp, Referral
from ..models.cases import join_names
from .counting import EVERY_ROW, count, counts

LIMIT = 50

# The columns the page shows. The lists join wide rows (a case has about sixty columns, an
# organisation thirty): reading and building only these is most of what "My work" costs
# (docs/performance.md, issue 21). A name is both language columns; a person is their names.
_PERSON = ("first_name", "last_name", "username")
_NAMES = ("name_fa", "name_en")
_CASE_NAME = ("given_name", "family_name")
_KIND_LABELS = dict(FollowUp._meta.get_field("kind").flatchoices)


def _related(prefix: str, fields: tuple[str, ...]) -> list[str]:
    return [f"{prefix}__{field}" for field in fields]


def my_work(
    *, user: User, today: datetime.date | None = None, services: dict[int, str] | None = None
) -> dict[str, Any]:
    """Follow-ups due today or overdue, referrals awaiting an answer, cases not seen lately.

    A manager (who may reassign cases) sees the whole organisation; a caseworker their own.
    Each list is capped; the counts are exact. `services`: `ngos.selectors.service_names()`,
    when the caller has it already.
    """
    today = today or timezone.localdate()
    services = service_names() if services is None else services
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

    # Lists are read here, once, as the values the page shows: a row is a small dict, not a
    # follow-up, a case, a user and an organisation each built from the database (issue 21).
    # A list shorter than its cap is every row, so its counts need no query (counting.py).
    follow_up_rows = [
        {
            "pk": pk,
            "case_id": case_id,
            "case_name": join_names(given_name, family_name),
            "due_on": due_on,
            "kind_label": str(_KIND_LABELS.get(kind, kind)),
            "responsible_name": person_name(*responsible),
        }
        for pk, case_id, due_on, kind, given_name, family_name, *responsible in follow_ups.order_by(
            "due_on", "id"
        ).values_list(
            "pk",
            "case_id",
            "due_on",
            "kind",
            *_related("case", _CASE_NAME),
            *_related("responsible", _PERSON),
        )[:LIMIT]
    ]
    # Awaiting an answer: overdue once the answer date has passed (Referral.is_overdue).
    now = timezone.now()
    incoming_rows = [
        {
            "pk": pk,
            "service": services[service_id],
            "is_overdue": answer_due_at < now,
            "from_organisation": localised(org_fa, org_en),
            "sent_at": sent_at,
        }
        for pk, answer_due_at, sent_at, service_id, org_fa, org_en in incoming.order_by(
            "answer_due_at"
        ).values_list(
            "pk",
            "answer_due_at",
            "sent_at",
            "service_id",
            *_related("from_organisation", _NAMES),
        )[:LIMIT]
    ]
    outgoing_rows = [
        {
            "case_id": case_id,
            "case_name": join_names(given_name, family_name),
            "is_overdue": answer_due_at < now,
            "to_organisation": localised(org_fa, org_en),
            "service": services[service_id],
        }
        for (
            case_id,
            answer_due_at,
            given_name,
            family_name,
            org_fa,
            org_en,
            service_id,
        ) in outgoing.order_by("answer_due_at").values_list(
            "case_id",
            "answer_due_at",
            *_related("case", _CASE_NAME),
            *_related("to_organisation", _NAMES),
            "service_id",
        )[:LIMIT]
    ]
    unseen_rows = [
        {
            "pk": pk,
            "case_name": join_names(given_name, family_name),
            "case_number": case_number,
            "last_contact_on": last_contact_on,
            "assigned_to": person_name(*assigned_to),
        }
        for pk, case_number, last_contact_on, given_name, family_name, *assigned_to in unseen.order_by(
            "last_contact_on", "id"
        ).values_list(
            "pk",
            "case_number",
            "last_contact_on",
            *_CASE_NAME,
            *_related("assigned_to", _PERSON),
        )[:LIMIT]
    ]
    return {
        "today": today,
        "whole_organisation": whole_organisation,
        "follow_ups": follow_up_rows,
        **counts(
            follow_up_rows,
            LIMIT,
            follow_ups,
            follow_ups_count=EVERY_ROW,
            overdue_count=(Q(due_on__lt=today), lambda row: row["due_on"] < today),
        ),
        "incoming": incoming_rows,
        "incoming_count": count(incoming_rows, LIMIT, incoming),
        "outgoing": outgoing_rows,
        "outgoing_count": count(outgoing_rows, LIMIT, outgoing),
        "unseen": unseen_rows,
        "unseen_count": count(unseen_rows, LIMIT, unseen),
    }
