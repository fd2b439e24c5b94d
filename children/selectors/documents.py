"""Reads about children's documents: a case's documents, what expires soon, and the open cases a
document policy change affects (docs/adr/0034-documents-and-policy-changes.md)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.models import User
from core.permissions import Perm, has_permission

from ..models import Case, CaseDocument, DocumentPolicyChange
from ..models.choices import OPEN_STATUSES
from ..models.documents import CaseDocumentQuerySet

LIMIT = 50


def documents_for_case(case: Case) -> QuerySet[CaseDocument]:
    """The case's documents, the soonest to expire first (those without an expiry last)."""
    return case.documents.order_by("expires_on", "id")


def organisation_documents(*, user: User) -> CaseDocumentQuerySet:
    """Documents of the open cases of the user's organisation, for those who read its cases."""
    membership = user.membership_or_none
    if membership is None or not has_permission(user, Perm.CASE_VIEW):
        return CaseDocument.objects.none()
    return CaseDocument.objects.of_open_cases().filter(
        case__organisation_id=membership.organisation_id
    )


def expiry_lists(
    *, user: User, today: datetime.date | None = None, mine: bool = False
) -> dict[str, Any]:
    """The organisation's expiring and expired documents of open cases (capped), with counts;
    `mine` keeps the user's own cases only."""
    today = today or timezone.localdate()
    documents = organisation_documents(user=user)
    if mine:
        documents = documents.filter(case__assigned_to=user)
    expiring = documents.expiring(today)
    expired = documents.expired(today)
    related = ("case", "case__assigned_to")
    return {
        "today": today,
        "days": settings.DOCUMENT_EXPIRY_DAYS,
        "expiring": expiring.select_related(*related).order_by("expires_on", "id")[:LIMIT],
        "expiring_count": expiring.count(),
        "expired": expired.select_related(*related).order_by("-expires_on", "id")[:LIMIT],
        "expired_count": expired.count(),
    }


def affected_documents(change: DocumentPolicyChange) -> QuerySet[CaseDocument]:
    """Documents of the type a change ended that were meant to be valid on its date or later
    (no expiry, or an expiry from that day on), in open cases of every organisation."""
    return CaseDocument.objects.of_open_cases().filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=change.invalid_from), type=change.type
    )


def affected_cases(change: DocumentPolicyChange, *, organisation_id: int) -> QuerySet[Case]:
    """The organisation's open cases holding a document `change` made invalid."""
    holding = affected_documents(change).filter(case_id=OuterRef("pk"))
    return Case.objects.filter(
        Exists(holding), organisation_id=organisation_id, status__in=OPEN_STATUSES
    )


def policy_changes_for(*, user: User) -> list[dict[str, Any]]:
    """Every recorded policy change, newest first; for a manager with the number of their
    organisation's affected open cases."""
    changes = list(DocumentPolicyChange.objects.select_related("recorded_by"))
    membership = user.membership_or_none
    if membership is None or not has_permission(user, Perm.DOCUMENT_POLICY_CASES):
        return [{"change": change, "affected": None} for change in changes]
    return [
        {
            "change": change,
            "affected": affected_cases(change, organisation_id=membership.organisation_id).count(),
        }
        for change in changes
    ]


def affected_case_count(*, user: User) -> int:
    """Open cases of the manager's organisation affected by any policy change (My work, digest)."""
    membership = user.membership_or_none
    if membership is None or not has_permission(user, Perm.DOCUMENT_POLICY_CASES):
        return 0
    changes = list(DocumentPolicyChange.objects.all())
    if not changes:
        return 0
    condition = Q()
    for change in changes:
        condition |= Q(
            Q(expires_on__isnull=True) | Q(expires_on__gte=change.invalid_from), type=change.type
        )
    holding = CaseDocument.objects.filter(condition, case_id=OuterRef("pk"))
    return Case.objects.filter(
        Exists(holding), organisation_id=membership.organisation_id, status__in=OPEN_STATUSES
    ).count()


# "My work" shows the first few documents to renew; the full list is the documents page.
MY_WORK_SHOWN = 10


def my_work_documents(*, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """The documents section of "My work": expiring and expired documents of the caseworker's
    own cases (a manager's whole organisation), and a manager's cases hit by policy changes.

    The first MY_WORK_SHOWN expiring documents, read with the columns the section shows, and
    the two counts in one query (the documents page reads the full lists: `expiry_lists`)."""
    today = today or timezone.localdate()
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)
    documents = organisation_documents(user=user)
    if not whole_organisation:
        documents = documents.filter(case__assigned_to=user)
    expiring = documents.expiring(today)
    person = ("first_name", "last_name", "username")
    shown = list(
        expiring.select_related("case", "case__assigned_to")
        .only(
            *("case", "type", "expires_on", "case__given_name", "case__family_name"),
            "case__assigned_to",
            *(f"case__assigned_to__{field}" for field in person),
        )
        .order_by("expires_on", "id")[:MY_WORK_SHOWN]
    )
    expired = Q(expires_on__lt=today)
    days = settings.DOCUMENT_EXPIRY_DAYS
    # Expiring and expired together (`documents` holds open cases' only): every document with
    # an expiry up to the horizon; the expired ones are those before today.
    totals = documents.filter(expires_on__lte=today + datetime.timedelta(days=days)).aggregate(
        expiring_count=Count("pk", filter=~expired), expired_count=Count("pk", filter=expired)
    )
    return {
        "today": today,
        "days": days,
        "expiring": shown,
        **totals,
        "whole_organisation": whole_organisation,
        "policy_affected": affected_case_count(user=user),
        "may_see_policy": has_permission(user, Perm.DOCUMENT_POLICY_CASES),
    }


def digest_counts(user: User, today: datetime.date) -> dict[str, int]:
    """Counts for the daily digest: the user's own cases' documents, never a name."""
    documents = organisation_documents(user=user).filter(case__assigned_to=user)
    return {
        "documents_expiring": documents.expiring(today).count(),
        "documents_expired": documents.expired(today).count(),
        "documents_policy_affected": affected_case_count(user=user),
    }


def policy_affected_by_province(change: DocumentPolicyChange) -> dict[int, int]:
    """{province id: open cases affected by `change`}, every organisation's; for the ministry's
    suppressed figures (reports reads it through children.selectors.reporting)."""
    holding = affected_documents(change).filter(case_id=OuterRef("pk"))
    rows = (
        Case.objects.filter(Exists(holding), status__in=OPEN_STATUSES)
        .values("province_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["province_id"]: row["n"] for row in rows}


def policy_changes() -> QuerySet[DocumentPolicyChange]:
    """Every policy change, newest first: no case data."""
    return DocumentPolicyChange.objects.all()
