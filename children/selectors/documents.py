"""Reads about children's documents: a case's documents, what expires soon, and the open cases a
document policy change affects (docs/adr/0034-documents-and-policy-changes.md)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.compiled import CompiledRows, counts_of
from core.models import User, person_name
from core.permissions import Perm, has_permission

from ..models import Case, CaseDocument, DocumentPolicyChange
from ..models.cases import join_names
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


# Each change's type and date, compiled to SQL once per process (core/compiled.py): My work asks on
# every manager's page, and there are rarely any.
_POLICY_CHANGES = CompiledRows(
    DocumentPolicyChange,
    lambda key: DocumentPolicyChange.objects.order_by().values_list("type", "invalid_from"),
)


def affected_case_count(*, user: User) -> int:
    """Open cases of the manager's organisation affected by any policy change (My work, digest)."""
    membership = user.membership_or_none
    if membership is None or not has_permission(user, Perm.DOCUMENT_POLICY_CASES):
        return 0
    changes = _POLICY_CHANGES.rows(None)
    if not changes:
        return 0  # most days: one small query of constant text
    condition = Q()
    for document_type, invalid_from in changes:
        condition |= Q(
            Q(expires_on__isnull=True) | Q(expires_on__gte=invalid_from), type=document_type
        )
    holding = CaseDocument.objects.filter(condition, case_id=OuterRef("pk"))
    return Case.objects.filter(
        Exists(holding), organisation_id=membership.organisation_id, status__in=OPEN_STATUSES
    ).count()


# "My work" shows the first few documents to renew; the full list is the documents page.
MY_WORK_SHOWN = 10
_TYPE_LABELS = dict(CaseDocument._meta.get_field("type").flatchoices)


def _my_work_documents(
    whole_organisation: bool, organisation: int, user: int | None = None
) -> CaseDocumentQuerySet:
    documents = CaseDocument.objects.of_open_cases().filter(case__organisation_id=organisation)
    return documents if whole_organisation else documents.filter(case__assigned_to_id=user)


def _expiring_rows(key: tuple[Any, ...], **ids: int) -> QuerySet[CaseDocument]:
    whole_organisation, today, _days = key
    return (
        _my_work_documents(whole_organisation, **ids)
        .expiring(today)
        .order_by("expires_on", "id")
        .values_list(
            "pk",
            "case_id",
            "type",
            "expires_on",
            *("case__given_name", "case__family_name", "case__assigned_to_id"),
            *("case__assigned_to__first_name", "case__assigned_to__last_name"),
            "case__assigned_to__username",
        )[:MY_WORK_SHOWN]
    )


def _totals(key: tuple[Any, ...], **ids: int) -> QuerySet[CaseDocument]:
    """Expiring and expired together (open cases' documents only): every document with an
    expiry up to the horizon; the expired ones are those before today. One row of two counts."""
    whole_organisation, today, days = key
    expired = Q(expires_on__lt=today)
    horizon = today + datetime.timedelta(days=days)
    documents = _my_work_documents(whole_organisation, **ids).filter(expires_on__lte=horizon)
    return counts_of(documents, ~expired, expired)


# Compiled once a day, kind of user and DOCUMENT_EXPIRY_DAYS (core/compiled.py).
_EXPIRING_ROWS = CompiledRows(CaseDocument, _expiring_rows)
_TOTALS = CompiledRows(CaseDocument, _totals)


def my_work_documents(*, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """The documents section of "My work": expiring and expired documents of the caseworker's
    own cases (a manager's whole organisation), and a manager's cases hit by policy changes.

    The two counts in one query, then the first MY_WORK_SHOWN expiring documents (when the count
    found any), read as the values the section shows (the documents page reads the full lists:
    `expiry_lists`)."""
    today = today or timezone.localdate()
    whole_organisation = has_permission(user, Perm.CASE_REASSIGN)
    days = settings.DOCUMENT_EXPIRY_DAYS
    membership = user.membership_or_none
    shown: list[dict[str, Any]] = []
    totals = {"expiring_count": 0, "expired_count": 0}
    # organisation_documents' rule: the user's organisation, for those who read its cases.
    if membership is not None and has_permission(user, Perm.CASE_VIEW):
        key = (whole_organisation, today, days)
        ids = {"organisation": membership.organisation_id}
        if not whole_organisation:
            ids["user"] = user.pk
        (expiring_count, expired_count), *_none = _TOTALS.rows(key, **ids)
        totals = {"expiring_count": expiring_count, "expired_count": expired_count}
        # The list is the expiring documents the count counted (the same conditions): when
        # there are none, there is nothing to read (one query less).
        expiring = _EXPIRING_ROWS.rows(key, **ids) if expiring_count else []
        shown = [
            {
                "pk": pk,
                "case_id": case_id,
                "type_label": str(_TYPE_LABELS.get(kind, kind)),
                "expires_on": expires_on,
                "case_name": join_names(given_name, family_name),
                # As the template showed the case's user (None when nobody is assigned).
                "assigned_to": person_name(*person) if assigned_to_id is not None else None,
            }
            for pk, case_id, kind, expires_on, given_name, family_name, assigned_to_id, *person in (
                expiring
            )
        ]
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
