""" "My work": what a caseworker (or, for a manager, the whole organisation) must do next."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from core.i18n import localised
from core.models import User, person_name
from core.permissions import Perm, has_permission
from ngos.selectors import service_names

from ..models import Case, FollowUp, Referral
from ..models.cases import join_names

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


def _follow_ups(
    whole_organisation: bool, today: datetime.date, organisation: int, user: int | None = None
) -> QuerySet[FollowUp]:
    follow_ups = FollowUp.objects.pending().filter(organisation_id=organisation, due_on__lte=today)
    return follow_ups if whole_organisation else follow_ups.filter(responsible_id=user)


def _unseen(
    whole_organisation: bool, today: datetime.date, organisation: int, user: int | None = None
) -> QuerySet[Case]:
    unseen = Case.objects.unseen(today).filter(organisation_id=organisation)
    return unseen if whole_organisation else unseen.filter(assigned_to_id=user)


def _incoming(organisation: int) -> QuerySet[Referral]:
    return Referral.objects.awaiting_answer().filter(to_organisation_id=organisation)


def _outgoing(
    whole_organisation: bool, organisation: int, user: int | None = None
) -> QuerySet[Referral]:
    outgoing = Referral.objects.awaiting_answer().filter(from_organisation_id=organisation)
    return outgoing if whole_organisation else outgoing.filter(case__assigned_to_id=user)


# The lists, compiled to SQL once per process (core/compiled.py): their text depends on the day, the
# user's kind and CASE_UNSEEN_DAYS; the ids are each request's. A list's counts come from its
# rows unless it is full, and only then from its own compiled count query (a count inside every
# list's query was 3 ms more of PostgreSQL's CPU for a caseworker, whose lists are short).
_FOLLOW_UP_ROWS = CompiledRows(
    FollowUp,
    lambda key, **ids: (
        _follow_ups(*key, **ids)
        .order_by("due_on", "id")
        .values_list(
            "pk",
            "case_id",
            "due_on",
            "kind",
            *_related("case", _CASE_NAME),
            *_related("responsible", _PERSON),
        )[:LIMIT]
    ),
)
_FOLLOW_UP_COUNTS = CompiledRows(
    FollowUp,
    lambda key, **ids: counts_of(_follow_ups(*key, **ids), None, Q(due_on__lt=key[1])),
)
_INCOMING_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _incoming(**ids)
        .order_by("answer_due_at")
        .values_list(
            "pk", "answer_due_at", "sent_at", "service_id", *_related("from_organisation", _NAMES)
        )[:LIMIT]
    ),
)
_INCOMING_COUNTS = CompiledRows(Referral, lambda key, **ids: counts_of(_incoming(**ids), None))
_OUTGOING_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _outgoing(key, **ids)
        .order_by("answer_due_at")
        .values_list(
            "case_id",
            "answer_due_at",
            *_related("case", _CASE_NAME),
            *_related("to_organisation", _NAMES),
            "service_id",
        )[:LIMIT]
    ),
)
_OUTGOING_COUNTS = CompiledRows(Referral, lambda key, **ids: counts_of(_outgoing(key, **ids), None))
_UNSEEN_ROWS = CompiledRows(
    Case,
    lambda key, **ids: (
        _unseen(*key[:2], **ids)
        .order_by("last_contact_on", "id")
        .values_list(
            "pk",
            "case_number",
            "last_contact_on",
            *_CASE_NAME,
            *_related("assigned_to", _PERSON),
        )[:LIMIT]
    ),
)
_UNSEEN_COUNTS = CompiledRows(Case, lambda key, **ids: counts_of(_unseen(*key[:2], **ids), None))


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
    ids = {"organisation": user.membership.organisation_id}
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)
    if not whole_organisation:
        ids["user"] = user.pk  # a manager's lists are the organisation's

    # Lists are read here, once, as the values the page shows: a row is a small dict, not a
    # follow-up, a case, a user and an organisation each built from the database (issue 21).
    key = (whole_organisation, today)
    # The labels and the language read once for the page, not once a row (a lazy label is
    # translated again each time it is made text).
    kind_labels = {kind: str(label) for kind, label in _KIND_LABELS.items()}
    language = get_language()
    follow_up_rows = [
        {
            "pk": pk,
            "case_id": case_id,
            "case_name": join_names(given_name, family_name),
            "due_on": due_on,
            "kind_label": kind_labels.get(kind, kind),
            "responsible_name": person_name(*responsible),
        }
        for pk, case_id, due_on, kind, given_name, family_name, *responsible in (
            _FOLLOW_UP_ROWS.rows(key, **ids)
        )
    ]
    follow_ups_count, overdue_count = capped_counts(
        follow_up_rows,
        LIMIT,
        _FOLLOW_UP_COUNTS,
        key,
        ids,
        every_row,
        lambda row: row["due_on"] < today,
    )
    # Awaiting an answer: overdue once the answer date has passed (Referral.is_overdue).
    now = timezone.now()
    organisation = {"organisation": ids["organisation"]}
    incoming_rows = [
        {
            "pk": pk,
            "service": services[service_id],
            "is_overdue": answer_due_at < now,
            "from_organisation": localised(org_fa, org_en, language),
            "sent_at": sent_at,
        }
        for pk, answer_due_at, sent_at, service_id, org_fa, org_en in _INCOMING_ROWS.rows(
            None, **organisation
        )
    ]
    outgoing_rows = [
        {
            "case_id": case_id,
            "case_name": join_names(given_name, family_name),
            "is_overdue": answer_due_at < now,
            "to_organisation": localised(org_fa, org_en, language),
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
        ) in _OUTGOING_ROWS.rows(whole_organisation, **ids)
    ]
    unseen_key = (whole_organisation, today, settings.CASE_UNSEEN_DAYS)
    unseen_rows = [
        {
            "pk": pk,
            "case_name": join_names(given_name, family_name),
            "case_number": case_number,
            "last_contact_on": last_contact_on,
            "assigned_to": person_name(*assigned_to),
        }
        for pk, case_number, last_contact_on, given_name, family_name, *assigned_to in (
            _UNSEEN_ROWS.rows(unseen_key, **ids)
        )
    ]
    (incoming_count,) = capped_counts(
        incoming_rows, LIMIT, _INCOMING_COUNTS, None, organisation, every_row
    )
    (outgoing_count,) = capped_counts(
        outgoing_rows, LIMIT, _OUTGOING_COUNTS, whole_organisation, ids, every_row
    )
    (unseen_count,) = capped_counts(unseen_rows, LIMIT, _UNSEEN_COUNTS, unseen_key, ids, every_row)
    return {
        "today": today,
        "whole_organisation": whole_organisation,
        "follow_ups": follow_up_rows,
        "follow_ups_count": follow_ups_count,
        "overdue_count": overdue_count,
        "incoming": incoming_rows,
        "incoming_count": incoming_count,
        "outgoing": outgoing_rows,
        "outgoing_count": outgoing_count,
        "unseen": unseen_rows,
        "unseen_count": unseen_count,
    }
