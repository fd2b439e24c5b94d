"""Reads about referrals, always starting from what the user may see.

Two organisations see a referral, differently. The sender's members who read cases always see
it, with the case behind it. The receiver's members who answer referrals see only what it
shares, and only while it is sent or accepted and the consent it relies on stands (AC-04): the
moment it is declined, completed, withdrawn or its consent withdrawn, their next request is a 404.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.compiled import CompiledObjects
from core.permissions import Perm, has_permission
from core.types import AnyUser

from ..filters import RowFilterSet, service_filter
from ..models import Case, Referral
from ..models.choices import REFERRAL_SHARING_STATES, ReferralState
from ..models.referrals import ReferralQuerySet

# Referrals whose shared fields the receiving organisation may read now.
SHARED_WITH_RECEIVER = Q(state__in=REFERRAL_SHARING_STATES, sharing_ended_at__isnull=True)


def _organisation_id(user: AnyUser) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    organisation_id: int | None = membership.organisation_id if membership is not None else None
    return organisation_id


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    """The referrals `user` may open: sent by their organisation (with the case permission), or
    sent to it and still shared (with the permission to answer referrals)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Referral.objects.none()
    scope = Q(pk__in=[])
    if has_permission(user, Perm.CASE_VIEW):
        # The organisation holding the case now: the sender, unless the case was transferred
        # since, then the organisation it went to (docs/adr/0037).
        scope |= Q(case__organisation_id=organisation_id)
    if has_permission(user, Perm.REFERRAL_ANSWER):
        scope |= Q(to_organisation_id=organisation_id) & SHARED_WITH_RECEIVER
    return Referral.objects.filter(scope)


# What the case page's card shows of a referral (children/referrals/_case_card.html).
CASE_CARD_COLUMNS = (
    *("case", "state", "sent_at", "answer_due_at", "answered_at", "closed_at", "consent"),
    *("decline_reason", "outcome_notes", "sharing_ended_at", "withdrawn_reason"),
    "consent_override_reason",
    *("to_organisation__name_fa", "to_organisation__name_en"),
    *("service__name_fa", "service__name_en"),
)


def referrals_for_case(*, case: Case) -> list[Referral]:
    """Every referral of `case`, newest first, for the sender's case page (the columns its card
    shows)."""
    return _CASE_REFERRALS.objects(None, known={"case": case}, case=case.pk)


# `case.referrals` as the card reads them, compiled once a process (issue 21).
_CASE_REFERRALS = CompiledObjects(
    Referral,
    lambda _key, *, case: (
        Referral.objects.filter(case_id=case)
        .select_related("to_organisation", "service")
        .only(*CASE_CARD_COLUMNS)
        .order_by("-sent_at", "-pk")
    ),
)


class ReferralFilter(RowFilterSet):
    """Filters of the inbox and the sent list: state, service, overdue. Its form class is made
    once per process and its services' options read by a query compiled once
    (children/filters.py, issue 21)."""

    state = django_filters.ChoiceFilter(label=_("State"), choices=ReferralState.choices)
    service = service_filter()
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes"))]),
    )

    class Meta:
        model = Referral
        fields = ["state", "service", "overdue"]

    def filter_overdue(
        self, queryset: ReferralQuerySet[Referral], name: str, value: bool
    ) -> ReferralQuerySet[Referral]:
        return queryset.overdue() if value else queryset


def _with_flags(queryset: ReferralQuerySet[Referral]) -> ReferralQuerySet[Referral]:
    now = timezone.now()
    return queryset.annotate(
        shared=ExpressionWrapper(SHARED_WITH_RECEIVER, output_field=BooleanField()),
        overdue=ExpressionWrapper(
            Q(state=ReferralState.SENT, answer_due_at__lt=now), output_field=BooleanField()
        ),
    )


# The columns the inbox and the sent list show: a case row is about sixty columns, an
# organisation thirty, and the lists read only these.
_LISTED = (
    *("case", "service", "state", "sent_at", "answer_due_at"),
    *("case__given_name", "case__family_name", "service__name_fa", "service__name_en"),
)


def _names(organisation: str) -> tuple[str, ...]:
    return (organisation, f"{organisation}__name_fa", f"{organisation}__name_en")


def referral_inbox(*, user: AnyUser, filters: Any = None) -> ReferralFilter:
    """Referrals sent to `user`'s organisation, newest first, as a FilterSet (`.qs`, `.form`).

    Every one is listed, so the organisation keeps its history; the template shows the child's
    name only while the referral is shared (`shared`), and links only then.
    """
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.REFERRAL_ANSWER):
        queryset = Referral.objects.none()
    else:
        queryset = Referral.objects.filter(to_organisation_id=organisation_id)
    queryset = _with_flags(
        queryset.select_related("from_organisation", "service", "case")
        .only(*_LISTED, *_names("from_organisation"))
        .order_by("-sent_at", "-pk")
    )
    return ReferralFilter(filters or None, queryset=queryset)


def referral_outbox(*, user: AnyUser, filters: Any = None) -> ReferralFilter:
    """Referrals sent by `user`'s organisation, newest first, as a FilterSet."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.CASE_VIEW):
        queryset = Referral.objects.none()
    else:
        # Not those of a case transferred away since (docs/adr/0037).
        queryset = Referral.objects.filter(
            from_organisation_id=organisation_id, case__organisation_id=organisation_id
        )
    queryset = _with_flags(
        queryset.select_related("to_organisation", "service", "case")
        .only(*_LISTED, *_names("to_organisation"))
        .order_by("-sent_at", "-pk")
    )
    return ReferralFilter(filters or None, queryset=queryset)


def shared_fields(referral: Referral) -> dict[str, Any]:
    """What the receiving organisation reads about the child: nothing else of the case (AC-06)."""
    case = referral.case
    return {
        "given_name": case.given_name,
        "family_name": case.family_name,
        "age": case.age(),
        "sex": case.get_sex_display(),
    }
