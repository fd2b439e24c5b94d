"""The approvals queue: what waits for a manager's decision in their organisation.

Two kinds of item wait for a manager:

- closure requests: a caseworker asked to close a case, and only a manager may approve it;
- consent overrides: a referral went out without recorded consent (AC-05) and the child still
  has no consent that covers referral, so someone must record it or end the referral.

A user who may decide neither sees an empty queue; nobody sees another organisation's items.
Approvers are the organisation's managers and its named second approver (docs/adr/0038); an
item someone asked for waits for another approver, so it is not counted in the asker's number.
"""

from typing import Any

from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.compiled import CompiledRows
from core.i18n import localised
from core.models import User, person_name
from core.permissions import Perm, has_permission, permissions_of, roles_with
from ngos.selectors import approvers_of, service_names

from ..models import ClosureRequest, Consent, Referral
from ..models.cases import join_names
from ..models.choices import REFERRAL_OPEN_STATES, ConsentScope
from .counting import EVERY_ROW, counts

LIMIT = 50
_CASE = ("case__given_name", "case__family_name", "case__case_number")


def _person(field: str) -> tuple[str, ...]:
    return (f"{field}__first_name", f"{field}__last_name", f"{field}__username")


def _organisation_id(user: User) -> int | None:
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def pending_closures(*, user: User) -> QuerySet[ClosureRequest]:
    """Closure requests of the user's organisation that wait for a decision, oldest first."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_APPROVE_CLOSURE):
        return ClosureRequest.objects.none()
    return _closures(organisation_id)


def _closures(organisation: int) -> QuerySet[ClosureRequest]:
    # By the organisation copied onto each request: closure_org_pending_idx holds the
    # organisation's pending ones in this order, however many the country has (issue 21).
    return ClosureRequest.objects.filter(
        organisation_id=organisation, state=ClosureRequest.State.PENDING
    ).order_by("requested_at", "id")


def consent_overrides_open(*, user: User) -> QuerySet[Referral]:
    """Open referrals the organisation sent on an override while the child still has no
    active consent covering referral, oldest first."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CONSENT_OVERRIDE_APPROVE):
        return Referral.objects.none()
    return _overrides(organisation_id)


def _overrides(organisation: int) -> QuerySet[Referral]:
    consent_now = Consent.objects.filter(
        case_id=OuterRef("case_id"),
        withdrawn_at__isnull=True,
        scope__contains=[ConsentScope.REFERRAL],
    )
    return (
        Referral.objects.filter(
            from_organisation_id=organisation,
            consent__isnull=True,
            state__in=REFERRAL_OPEN_STATES,
        )
        .exclude(Exists(consent_now))
        .order_by("sent_at", "id")
    )


def _for_decision(
    closures: QuerySet[ClosureRequest], overrides: QuerySet[Referral], user: User
) -> tuple[QuerySet[ClosureRequest], QuerySet[Referral]]:
    """The items `user` can decide: not their own requests, nor overrides already approved."""
    return (
        closures.exclude(requested_by=user),
        overrides.exclude(sent_by=user).filter(override_approved_at__isnull=True),
    )


# Where a request keeps the count once computed: the navigation's badge and "My work" share it.
WAITING_ON_REQUEST = "_approvals_waiting"


# approvals_count in constant text: building and compiling the ORM's UNION with its EXISTS
# cost about 4 ms of CPU on every page a manager opens, more than PostgreSQL takes to answer it
# (issue 21). The conditions are those of pending_closures, consent_overrides_open and
# _for_decision; a kind the user may not decide is switched off by its flag, so PostgreSQL
# does not read it. tests/children/test_approvals.py compares the two.
_COUNT_SQL = """
SELECT
    (SELECT COUNT(*)
        FROM children_closurerequest AS closure
        WHERE %(closures)s
            AND closure.organisation_id = %(organisation)s
            AND closure.state = %(pending)s
            AND closure.requested_by_id <> %(user)s)
    + (SELECT COUNT(*)
        FROM children_referral AS referral
        WHERE %(overrides)s
            AND referral.from_organisation_id = %(organisation)s
            AND referral.consent_id IS NULL
            AND referral.state IN (%(sent)s, %(accepted)s)
            AND referral.sent_by_id <> %(user)s
            AND referral.override_approved_at IS NULL
            AND NOT EXISTS (
                SELECT 1 FROM children_consent AS consent
                WHERE consent.case_id = referral.case_id
                    AND consent.withdrawn_at IS NULL
                    AND consent.scope @> ARRAY[%(scope)s]::varchar(16)[]))
"""


def approvals_count(*, user: User) -> int:
    """How many items wait for the user's decision: the number beside "My work".

    One query of constant text, since every page's navigation asks for it; none at all for a
    user who decides neither kind.
    """
    granted = permissions_of(user)
    closures = Perm.CASE_APPROVE_CLOSURE in granted
    overrides = Perm.CONSENT_OVERRIDE_APPROVE in granted
    organisation_id = _organisation_id(user)
    if not (closures or overrides) or organisation_id is None:
        return 0  # most users: no query at all
    sent, accepted = REFERRAL_OPEN_STATES
    params: dict[str, Any] = {
        "closures": closures,
        "overrides": overrides,
        "organisation": organisation_id,
        "user": user.pk,
        "pending": ClosureRequest.State.PENDING.value,
        "sent": sent.value,
        "accepted": accepted.value,
        "scope": ConsentScope.REFERRAL.value,
    }
    # Where the ORM would read it: the replica within a view that reads there, else the primary.
    with connections[router.db_for_read(ClosureRequest)].cursor() as cursor:
        cursor.execute(_COUNT_SQL, params)
        return cursor.fetchone()[0]


def decidable_counts(*, user: User) -> dict[str, int]:
    """How many closures and overrides wait for `user`'s own decision (not what they asked for)."""
    closures, overrides = _for_decision(
        pending_closures(user=user), consent_overrides_open(user=user), user
    )
    return {"closures": closures.count(), "overrides": overrides.count()}


# The queue's lists and who may approve, read as the values the queue shows and compiled to SQL
# once per process (core/compiled.py): building and compiling them, the overrides' with its consent
# check, cost more than PostgreSQL takes to answer (issue 21).
_CLOSURE_ROWS = CompiledRows(
    ClosureRequest,
    lambda key, **ids: _closures(**ids).values_list(
        *("pk", "case_id", "reason", "note", "requested_at", "requested_by_id"),
        *_CASE,
        *_person("requested_by"),
    )[:LIMIT],
)
_OVERRIDE_ROWS = CompiledRows(
    Referral,
    lambda key, **ids: _overrides(**ids).values_list(
        *("pk", "case_id", "state", "sent_at", "consent_override_reason", "service_id"),
        *("sent_by_id", "override_approved_at", "override_approved_by_id"),
        *_CASE,
        *("to_organisation__name_fa", "to_organisation__name_en"),
    )[:LIMIT],
)
_APPROVER_ROWS = CompiledRows(
    User,
    lambda key, **ids: approvers_of(**ids).values_list(
        "pk",
        "first_name",
        "last_name",
        "username",
        "membership__role",
        "membership__second_approver",
    ),
)
_CLOSURE_REASONS = dict(ClosureRequest._meta.get_field("reason").flatchoices)
_REFERRAL_STATES = dict(Referral._meta.get_field("state").flatchoices)


def approvers(*, user: User) -> dict[str, Any]:
    """Who may approve in the user's organisation (each a name and whether they are the second
    approver), and whether a lone manager has named nobody else (then nobody can approve what
    that manager asks for)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return {"people": [], "second_approver": None, "lone_manager": False}
    deciding = roles_with(Perm.CASE_APPROVE_CLOSURE)
    people = [
        {"pk": pk, "name": person_name(first, last, username), "role": role, "second": second}
        for pk, first, last, username, role, second in _APPROVER_ROWS.rows(
            None, organisation=organisation_id
        )
    ]
    managers = [person for person in people if person["role"] in deciding]
    second = next((person for person in people if person["second"]), None)
    return {
        "people": people,
        "second_approver": second,
        "lone_manager": len(managers) <= 1 and second is None,
    }


def approvals_queue(*, user: User, services: dict[int, str] | None = None) -> dict[str, Any]:
    """The queue on "My work": each list capped, the counts exact. `services`:
    `ngos.selectors.service_names()`, when the caller has it already."""
    organisation = _organisation_id(user)
    closures: list[tuple[Any, ...]] = []
    overrides: list[tuple[Any, ...]] = []
    if organisation is not None and has_permission(user, Perm.CASE_APPROVE_CLOSURE):
        closures = _CLOSURE_ROWS.rows(None, organisation=organisation)
    if organisation is not None and has_permission(user, Perm.CONSENT_OVERRIDE_APPROVE):
        overrides = _OVERRIDE_ROWS.rows(None, organisation=organisation)
    may_approve = has_permission(user, Perm.CASE_APPROVE_CLOSURE) or has_permission(
        user, Perm.CONSENT_OVERRIDE_APPROVE
    )
    # Each reason's label made text once, not once a row (a lazy label is translated each time).
    reasons = {reason: str(label) for reason, label in _CLOSURE_REASONS.items()} if closures else {}
    closure_rows = [
        {
            "pk": pk,
            "case_id": case_id,
            "reason_label": reasons.get(reason, reason),
            "note": note,
            "requested_at": requested_at,
            "requested_by_id": requested_by_id,
            "case_name": join_names(given_name, family_name),
            "case_number": case_number,
            "requested_by": person_name(*requested_by),
        }
        for (
            pk,
            case_id,
            reason,
            note,
            requested_at,
            requested_by_id,
            given_name,
            family_name,
            case_number,
            *requested_by,
        ) in closures
    ]
    override_rows = _override_rows(
        overrides,
        services=service_names() if services is None else services,
    )
    # Shown only with the queue, to those who may approve.
    approving = (
        approvers(user=user)
        if may_approve
        else {"people": [], "second_approver": None, "lone_manager": False}
    )
    _attach_people(override_rows, known=approving["people"])
    # Each list's count and how many of its items this user may decide (the badge); the
    # conditions are _for_decision's. No query when a list holds every row (counting.py); the
    # querysets are built only then.
    closure_counts = counts(
        closure_rows,
        LIMIT,
        _closures(organisation)
        if organisation is not None and len(closure_rows) >= LIMIT
        else ClosureRequest.objects.none(),
        total=EVERY_ROW,
        mine=(~Q(requested_by=user), lambda row: row["requested_by_id"] != user.pk),
    )
    override_counts = counts(
        override_rows,
        LIMIT,
        _overrides(organisation)
        if organisation is not None and len(override_rows) >= LIMIT
        else Referral.objects.none(),
        total=EVERY_ROW,
        mine=(
            ~Q(sent_by=user) & Q(override_approved_at__isnull=True),
            lambda row: row["sent_by_id"] != user.pk and row["override_approved_at"] is None,
        ),
    )
    return {
        "may_approve": may_approve,
        "closures": closure_rows,
        "closures_count": closure_counts["total"],
        "overrides": override_rows,
        "overrides_count": override_counts["total"],
        # What waits for this user's decision (the badge), not what they asked for themselves.
        "approvals_count": closure_counts["mine"] + override_counts["mine"],
        "user_id": user.pk,
        "approvers": approving,
    }


def _override_rows(
    rows: list[tuple[Any, ...]], *, services: dict[int, str]
) -> list[dict[str, Any]]:
    return [
        {
            "pk": pk,
            "case_id": case_id,
            "state_label": str(_REFERRAL_STATES.get(state, state)),
            "sent_at": sent_at,
            "consent_override_reason": reason,
            "service": services[service_id],
            "sent_by_id": sent_by_id,
            "override_approved_at": approved_at,
            "override_approved_by_id": approved_by_id,
            "case_name": join_names(given_name, family_name),
            "case_number": case_number,
            "to_organisation": localised(org_fa, org_en),
        }
        for (
            pk,
            case_id,
            state,
            sent_at,
            reason,
            service_id,
            sent_by_id,
            approved_at,
            approved_by_id,
            given_name,
            family_name,
            case_number,
            org_fa,
            org_en,
        ) in rows
    ]


_PEOPLE_SQL = (
    "SELECT id, first_name, last_name, username FROM "  # noqa: S608 (the model's own table)
    f"{User._meta.db_table} WHERE id = ANY(%s)"
)


def _attach_people(referrals: list[dict[str, Any]], *, known: list[dict[str, Any]]) -> None:
    """Name each referral's sender and override approver: from `known` (the organisation's
    approvers, who send and approve most overrides), the others read in one query."""
    people = {person["pk"]: person["name"] for person in known}
    ids = {r["sent_by_id"] for r in referrals} | {r["override_approved_by_id"] for r in referrals}
    missing = ids - people.keys() - {None}
    if missing:
        # Constant text with the ids as one array: `pk__in` is compiled again for each number
        # of ids, about a millisecond of the page.
        with connections[router.db_for_read(User)].cursor() as cursor:
            cursor.execute(_PEOPLE_SQL, [sorted(missing)])
            people |= {
                pk: person_name(first, last, username)
                for pk, first, last, username in cursor.fetchall()
            }
    for referral in referrals:
        # As str(user) showed them; a referral sent by nobody (a system) shows "None".
        sender = referral["sent_by_id"]
        referral["sent_by"] = people[sender] if sender is not None else None
        approver_id = referral["override_approved_by_id"]
        referral["override_approved_by"] = people[approver_id] if approver_id else None
