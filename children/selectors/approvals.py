"""The approvals queue: what waits for a manager's decision in their organisation.

Two kinds of item wait for a manager:

- closure requests: a caseworker asked to close a case, and only a manager may approve it;
- consent overrides: a referral went out without recorded consent (AC-05) and the child still
  has no consent that covers referral, so someone must record it or end the referral.

A user who may decide neither sees an empty queue; nobody sees another organisation's items.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from core.models import User
from core.permissions import Perm, has_permission

from ..models import ClosureRequest, Consent, Referral
from ..models.choices import REFERRAL_OPEN_STATES, ConsentScope

LIMIT = 50


def _organisation_id(user: User) -> int | None:
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership is not None else None


def pending_closures(*, user: User) -> QuerySet[ClosureRequest]:
    """Closure requests of the user's organisation that wait for a decision, oldest first."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_APPROVE_CLOSURE):
        return ClosureRequest.objects.none()
    return ClosureRequest.objects.filter(
        case__organisation_id=organisation_id, state=ClosureRequest.State.PENDING
    ).order_by("requested_at", "id")


def consent_overrides_open(*, user: User) -> QuerySet[Referral]:
    """Open referrals the organisation sent on an override while the child still has no
    active consent covering referral, oldest first."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CONSENT_OVERRIDE):
        return Referral.objects.none()
    consent_now = Consent.objects.filter(
        case_id=OuterRef("case_id"),
        withdrawn_at__isnull=True,
        scope__contains=[ConsentScope.REFERRAL],
    )
    return (
        Referral.objects.filter(
            from_organisation_id=organisation_id,
            consent__isnull=True,
            state__in=REFERRAL_OPEN_STATES,
        )
        .exclude(Exists(consent_now))
        .order_by("sent_at", "id")
    )


def approvals_count(*, user: User) -> int:
    """How many items wait for the user's decision: the number beside "My work".

    One query (a UNION ALL of the two lists' ids), since every page's navigation asks for it;
    none at all for a user who decides neither.
    """
    closures = pending_closures(user=user).order_by().values_list("pk")
    overrides = consent_overrides_open(user=user).order_by().values_list("pk")
    return closures.union(overrides, all=True).count()


def approvals_queue(*, user: User) -> dict[str, Any]:
    """The queue on "My work": each list capped, the counts exact."""
    closures = pending_closures(user=user)
    overrides = consent_overrides_open(user=user)
    closures_count = closures.count()
    overrides_count = overrides.count()
    return {
        "may_approve": has_permission(user, Perm.CASE_APPROVE_CLOSURE)
        or has_permission(user, Perm.CONSENT_OVERRIDE),
        "closures": closures.select_related("case", "requested_by")[:LIMIT],
        "closures_count": closures_count,
        "overrides": overrides.select_related("case", "to_organisation", "service", "sent_by")[
            :LIMIT
        ],
        "overrides_count": overrides_count,
        "approvals_count": closures_count + overrides_count,
    }
