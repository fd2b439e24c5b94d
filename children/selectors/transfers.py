"""Reads about case transfers, always starting from what the user may see (docs/adr/0037).

Three organisations can be concerned, and see differently:
- the sender's managers see their request while the case is still theirs; once accepted, only
  the `TransferSummary` (its staff who read cases see that too);
- the receiver's managers see what the request shares (the child's names, age and sex, and the
  reason) while it waits and its consent stands; once accepted, the whole case, as its owner;
- anyone else, ministry included, sees nothing.
"""

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from core.i18n import localised
from core.permissions import Perm, has_permission
from core.types import AnyUser

from ..models import Case, CaseTransfer, TransferState, TransferSummary
from ..models.cases import join_names
from .duplicates import Candidate, likely_duplicates_of_case

# Requests whose shared fields the receiving organisation may read now.
SHARED_WITH_RECEIVER = Q(state=TransferState.PENDING, consent__withdrawn_at__isnull=True)


def _organisation_id(user: AnyUser) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    organisation_id: int | None = membership.organisation_id if membership is not None else None
    return organisation_id


def transfers_visible_to(user: AnyUser) -> QuerySet[CaseTransfer]:
    """The transfer requests `user` may open: as sender while the case is still theirs, as
    receiver while it waits (shared fields only) or once the case is theirs."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_TRANSFER):
        return CaseTransfer.objects.none()
    ours = Q(case__organisation_id=organisation_id)
    return CaseTransfer.objects.filter(
        (Q(from_organisation_id=organisation_id) & ours)
        | (Q(to_organisation_id=organisation_id) & (SHARED_WITH_RECEIVER | ours))
    )


def summaries_visible_to(user: AnyUser) -> QuerySet[TransferSummary]:
    """The closing summaries of the cases `user`'s organisation transferred away."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_VIEW):
        return TransferSummary.objects.none()
    return TransferSummary.objects.filter(organisation_id=organisation_id)


def _with_flags(queryset: QuerySet[CaseTransfer], organisation_id: int) -> QuerySet[CaseTransfer]:
    return queryset.annotate(
        shared=ExpressionWrapper(SHARED_WITH_RECEIVER, output_field=BooleanField()),
        case_is_ours=ExpressionWrapper(
            Q(case__organisation_id=organisation_id), output_field=BooleanField()
        ),
    )


def transfers_received(*, user: AnyUser, state: str = "") -> QuerySet[CaseTransfer]:
    """Requests sent to `user`'s organisation, waiting ones first, then newest first.

    Every one is listed, so the organisation keeps its history; the template shows the child's
    name only while shared (`shared`) or once the case is the organisation's (`case_is_ours`).
    """
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_TRANSFER):
        return CaseTransfer.objects.none()
    queryset = CaseTransfer.objects.filter(to_organisation_id=organisation_id)
    if state:
        queryset = queryset.filter(state=state)
    return _with_flags(
        queryset.select_related("from_organisation", "case").order_by("-requested_at", "-pk"),
        organisation_id,
    )


def transfers_sent(*, user: AnyUser, state: str = "") -> QuerySet[CaseTransfer]:
    """Requests `user`'s organisation made, newest first; accepted ones carry their summary."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_TRANSFER):
        return CaseTransfer.objects.none()
    queryset = CaseTransfer.objects.filter(from_organisation_id=organisation_id)
    if state:
        queryset = queryset.filter(state=state)
    return _with_flags(
        queryset.select_related("to_organisation", "case", "summary").order_by(
            "-requested_at", "-pk"
        ),
        organisation_id,
    )


def case_page_transfers(case: Case) -> tuple[CaseTransfer | None, CaseTransfer | None]:
    """(pending, arrival) for the owner's case page, with one query and the columns its card
    shows (children/transfers/_case_card.html): the request waiting on `case`, and the transfer
    that brought it to its organisation."""
    names = ("name_fa", "name_en")
    rows = list(
        case.transfers.filter(
            Q(state=TransferState.PENDING)
            | Q(state=TransferState.ACCEPTED, to_organisation_id=case.organisation_id)
        )
        .select_related("to_organisation", "from_organisation")
        .only(
            "state",
            "requested_at",
            "answered_at",
            "previous_case_number",
            *(f"to_organisation__{name}" for name in names),
            *(f"from_organisation__{name}" for name in names),
        )
    )
    # In the model's order: the newest request first.
    pending = next((row for row in rows if row.state == TransferState.PENDING), None)
    arrivals = [row for row in rows if row.state == TransferState.ACCEPTED]
    # The latest answer, an unanswered one first as PostgreSQL sorts NULL first descending.
    arrival = max(
        arrivals,
        key=lambda row: (row.answered_at is None, row.answered_at or row.requested_at),
        default=None,
    )
    return pending, arrival


def shared_fields(transfer: CaseTransfer) -> dict[str, Any]:
    """What the receiver reads before accepting: as little as a referral shares (AC-06)."""
    case = transfer.case
    return {
        "given_name": case.given_name,
        "family_name": case.family_name,
        "age": case.age(),
        "sex": case.get_sex_display(),
    }


# How many transfers each list of "My work" shows.
SHOWN = 20


def _incoming(organisation: int) -> QuerySet[CaseTransfer]:
    return CaseTransfer.objects.filter(to_organisation_id=organisation).filter(SHARED_WITH_RECEIVER)


def _outgoing(organisation: int) -> QuerySet[CaseTransfer]:
    return CaseTransfer.objects.filter(
        from_organisation_id=organisation, state=TransferState.PENDING
    )


# Both lists as the values the section shows, in one query (each list ordered and capped, then
# UNION ALL; the first column says which list a row is of): one query fewer on each manager's
# "My work". Their counts are asked for only when a list is full. Compiled to SQL once per
# process (core/compiled.py, issue 21).
_SHOWN = ("pk", "requested_at", "case__given_name", "case__family_name")
_BOTH_ROWS = CompiledRows(
    CaseTransfer,
    lambda key, **ids: (
        _incoming(**ids)
        .order_by("requested_at")
        .values_list(
            Value(True),
            *_SHOWN,
            *("from_organisation__name_fa", "from_organisation__name_en"),
        )[:SHOWN]
        .union(
            _outgoing(**ids)
            .order_by("requested_at")
            .values_list(
                Value(False),
                *_SHOWN,
                *("to_organisation__name_fa", "to_organisation__name_en"),
            )[:SHOWN],
            all=True,
        )
    ),
)
_INCOMING_COUNTS = CompiledRows(CaseTransfer, lambda key, **ids: counts_of(_incoming(**ids), None))
_OUTGOING_COUNTS = CompiledRows(CaseTransfer, lambda key, **ids: counts_of(_outgoing(**ids), None))


def _requested_at(row: tuple[Any, ...]) -> Any:
    return row[1]


def _my_work_rows(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "pk": pk,
            "requested_at": requested_at,
            "given_name": given_name,
            "family_name": family_name,
            "case_name": join_names(given_name, family_name),
            "organisation": localised(org_fa, org_en),
        }
        for pk, requested_at, given_name, family_name, org_fa, org_en in rows
    ]


def transfers_my_work(*, user: AnyUser) -> dict[str, Any]:
    """For a manager's "My work": requests waiting on the organisation, both ways."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_TRANSFER):
        return {"shown": False}
    ids = {"organisation": organisation_id}
    both = _BOTH_ROWS.rows(None, **ids)
    # Each list in its own query's order (a stable sort: UNION ALL does not promise to keep it).
    incoming = sorted((row[1:] for row in both if row[0]), key=_requested_at)
    outgoing = sorted((row[1:] for row in both if not row[0]), key=_requested_at)
    (incoming_count,) = capped_counts(incoming, SHOWN, _INCOMING_COUNTS, None, ids, every_row)
    (outgoing_count,) = capped_counts(outgoing, SHOWN, _OUTGOING_COUNTS, None, ids, every_row)
    return {
        "shown": True,
        "incoming": _my_work_rows(incoming),
        "incoming_count": incoming_count,
        "outgoing": _my_work_rows(outgoing),
        "outgoing_count": outgoing_count,
    }


def children_already_here(transfer: CaseTransfer) -> list[Candidate]:
    """The receiving organisation's own cases that may be the child of `transfer`: shown to its
    manager before accepting, so one child does not end up with two cases there. Only the
    receiver's cases are returned (the sender's or anyone else's are not the receiver's to see)."""
    return [
        candidate
        for candidate in likely_duplicates_of_case(transfer.case)
        if candidate.case.organisation_id == transfer.to_organisation_id
    ]
