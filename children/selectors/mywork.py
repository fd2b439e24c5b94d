""" "My work": what a caseworker (or, for a manager, the whole organisation) must do next."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.db.models.expressions import Star
from django.utils import timezone
from django.utils.translation import get_language

from core.compiled import CompiledRows
from core.i18n import localised
from core.models import User, person_name
from core.permissions import Perm, has_permission
from ngos.models import Organisation
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
# rows unless it is full, and only then from one compiled query for every full list (`_counts`; a
# count inside every list's query was 3 ms more of PostgreSQL's CPU for a caseworker, whose lists
# are short).
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
_INCOMING_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _incoming(**ids)
        .order_by("answer_due_at", "pk")
        .values_list(
            "pk", "answer_due_at", "sent_at", "service_id", *_related("from_organisation", _NAMES)
        )[:LIMIT]
    ),
)
_OUTGOING_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: (
        _outgoing(key, **ids)
        .order_by("answer_due_at", "pk")
        .values_list(
            "case_id",
            "answer_due_at",
            *_related("case", _CASE_NAME),
            *_related("to_organisation", _NAMES),
            "service_id",
        )[:LIMIT]
    ),
)
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


def _count(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(*) of `queryset`, as a column. Not COUNT(id): the unseen cases are then counted
    from case_open_contact_idx alone (an index-only scan; counting ids read each case's page,
    about 2,000 pages and 2.5 ms of PostgreSQL's CPU for the largest organisation's manager)."""
    counted = Func(Star(), function="COUNT", output_field=IntegerField())
    return Subquery(queryset.order_by().values_list(counted), output_field=IntegerField())


def _counts(key: tuple[Any, ...], organisation: int, user: int | None = None) -> QuerySet[Any]:
    """One row: the counts of the full lists named in `key`, each a subquery (one query for
    all of them rather than one a list: each query costs PostgreSQL and psycopg about as much
    as a short count). The follow-ups give two: all, and the overdue ones."""
    whole_organisation, today, _unseen_days, full = key
    columns = []
    if "follow_ups" in full:
        follow_ups = _follow_ups(whole_organisation, today, organisation, user)
        columns += [_count(follow_ups), _count(follow_ups.filter(due_on__lt=today))]
    if "incoming" in full:
        columns.append(_count(_incoming(organisation)))
    if "outgoing" in full:
        columns.append(_count(_outgoing(whole_organisation, organisation, user)))
    if "unseen" in full:
        columns.append(_count(_unseen(whole_organisation, today, organisation, user)))
    # Each organisation has its one row (the user's membership points at it).
    return Organisation.objects.filter(pk=organisation).order_by().values_list(*columns)


# The counts of the lists that came back full, compiled once per day, kind of user,
# CASE_UNSEEN_DAYS and set of full lists (core/compiled.py).
_COUNTS = CompiledRows(Organisation, lambda key, **ids: _counts(key, **ids))
# The lists whose counts are the user's own for a caseworker, not the organisation's.
_OF_THE_USER = ("follow_ups", "outgoing", "unseen")


def _full_list_counts(
    lists: dict[str, list[Any]], whole_organisation: bool, today: datetime.date, ids: dict[str, int]
) -> dict[str, int]:
    """{list: its exact count} for the lists that came back full; a shorter list holds every
    row, so its count is its length and asks nothing (counting.py)."""
    full = tuple(name for name, rows in lists.items() if len(rows) >= LIMIT)
    if not full:
        return {}  # most users' lists: no query
    counted = {"organisation": ids["organisation"]}
    if "user" in ids and any(name in _OF_THE_USER for name in full):
        counted["user"] = ids["user"]
    key = (whole_organisation, today, settings.CASE_UNSEEN_DAYS, full)
    values = iter(_COUNTS.rows(key, **counted)[0])
    counts = {}
    for name in full:
        counts[name] = next(values)
        if name == "follow_ups":
            counts["overdue"] = next(values)
    return counts


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
    lists = {
        "follow_ups": follow_up_rows,
        "incoming": incoming_rows,
        "outgoing": outgoing_rows,
        "unseen": unseen_rows,
    }
    counts = {name: len(rows) for name, rows in lists.items()}
    counts["overdue"] = sum(1 for row in follow_up_rows if row["due_on"] < today)
    counts |= _full_list_counts(lists, whole_organisation, today, ids)
    return {
        "today": today,
        "whole_organisation": whole_organisation,
        "follow_ups": follow_up_rows,
        "follow_ups_count": counts["follow_ups"],
        "overdue_count": counts["overdue"],
        "incoming": incoming_rows,
        "incoming_count": counts["incoming"],
        "outgoing": outgoing_rows,
        "outgoing_count": counts["outgoing"],
        "unseen": unseen_rows,
        "unseen_count": counts["unseen"],
    }
