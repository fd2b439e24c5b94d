"""Reads about organisations and their staff, always starting from what the user may see."""

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Prefetch, Q, QuerySet

from core.i18n import localised
from core.models import AuditEvent, Province, User
from core.permissions import Perm, Role, has_permission, roles_with

from .filters import OrganisationFilter
from .models import Membership, Organisation, OrganisationQuerySet, Service, ServiceOffering

# --- The directory -------------------------------------------------------------------------


def organisations_in_directory(*, user: User) -> OrganisationQuerySet[Organisation]:
    """Every organisation, for anyone holding the directory permission; nothing otherwise.

    The directory is about organisations, not children, so it is national for every role.
    """
    if not has_permission(user, Perm.DIRECTORY_VIEW):
        return Organisation.objects.none()
    return Organisation.objects.select_related("home_province").prefetch_related(
        "provinces",
        Prefetch(
            "service_offerings",
            queryset=ServiceOffering.objects.select_related("service"),
        ),
    )


def organisation_directory(*, user: User, filters: Any = None) -> OrganisationFilter:
    """The directory's FilterSet over what `user` may see: `.qs` holds the results (verified
    first, then by name) and `.form` the filter form for the page."""
    return OrganisationFilter(
        filters or None, queryset=organisations_in_directory(user=user).verified_first()
    )


def organisation_list(*, user: User, filters: Any = None) -> QuerySet[Organisation]:
    """The directory's results as a queryset, for exports, pickers and other apps."""
    filterset = organisation_directory(user=user, filters=filters)
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def organisations_for_referral(
    *, user: User, service: Service | int | str, province: Province | int | None = None
) -> QuerySet[Organisation]:
    """Where `user` may refer a child for `service` (a Service, pk or code): organisations that
    offer it in `province` and accept referrals, verified ones first, the user's own excluded."""
    queryset = organisations_in_directory(user=user).accepting_referrals().offering(service)
    if province is not None:
        queryset = queryset.operating_in(province)
    membership = getattr(user, "membership_or_none", None)
    if membership is not None:
        queryset = queryset.exclude(pk=membership.organisation_id)
    return queryset.verified_first()


def coverage(*, user: User, verified_only: bool = True) -> dict[str, Any] | None:
    """Which provinces have which services: a province × service table of organisation counts.

    Counts are of organisations, not children, and the directory lists the same organisations by
    name, so no cell is suppressed. Suspended organisations never count; with `verified_only`,
    organisations not yet verified do not count either.

    Returns {"services": [...], "rows": [{"province", "counts", "missing"}],
    "summary": [{"service", "provinces_covered", "provinces_lacking"}]}, each row's "cells"
    pairing a service with its count; None without the
    permission.
    """
    if not has_permission(user, Perm.COVERAGE_VIEW):
        return None
    organisations = Organisation.objects.accepting_referrals()
    if verified_only:
        organisations = organisations.filter(verified_at__isnull=False)
    organisation_ids = organisations.values("pk")
    provinces_of: defaultdict[int, set[int]] = defaultdict(set)
    for org_id, province_id in organisations.values_list("pk", "home_province_id"):
        provinces_of[org_id].add(province_id)
    for org_id, province_id in Organisation.provinces.through.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("organisation_id", "province_id"):
        provinces_of[org_id].add(province_id)

    counts: defaultdict[tuple[int, int], int] = defaultdict(
        int
    )  # (province_id, service_id) -> organisations
    for org_id, service_id in ServiceOffering.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("organisation_id", "service_id"):
        for province_id in provinces_of[org_id]:
            counts[province_id, service_id] += 1

    services = list(Service.objects.all())
    provinces = sorted(Province.objects.all(), key=lambda p: p.name)
    rows: list[dict[str, Any]] = []
    for province in provinces:
        row_counts = [counts[province.pk, service.pk] for service in services]
        rows.append(
            {
                "province": province,
                "counts": row_counts,
                "cells": [
                    {"service": service, "count": count}
                    for service, count in zip(services, row_counts, strict=True)
                ],
                "missing": sum(1 for c in row_counts if c == 0),
            }
        )
    summary = []
    for index, service in enumerate(services):
        covered = sum(1 for row in rows if row["counts"][index])
        summary.append(
            {
                "service": service,
                "provinces_covered": covered,
                "provinces_lacking": len(rows) - covered,
            }
        )
    return {"services": services, "rows": rows, "summary": summary}


# --- Verification and profile ---------------------------------------------------------------


def organisations_verifiable(*, user: User) -> QuerySet[Organisation]:
    """Organisations `user` may verify or suspend: every one for a national ministry officer,
    those working in their province for a provincial one."""
    if not has_permission(user, Perm.ORG_VERIFY):
        return Organisation.objects.none()
    province_id = user.membership.province_id
    queryset = Organisation.objects.all()
    if province_id is not None:
        queryset = queryset.operating_in(province_id)
    return queryset


def organisations_with_editable_profile(*, user: User) -> QuerySet[Organisation]:
    """A manager's own organisation; every organisation for those who manage them all."""
    if not has_permission(user, Perm.ORG_EDIT_PROFILE):
        return Organisation.objects.none()
    if has_permission(user, Perm.ORGS_MANAGE_ALL):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.membership.organisation_id)


def organisations_with_visible_history(*, user: User) -> QuerySet[Organisation]:
    """Ministry officers and administrators read every profile's history; a manager their own."""
    if has_permission(user, Perm.ORG_HISTORY_VIEW):
        return Organisation.objects.all()
    return organisations_with_editable_profile(user=user)


def organisation_history(*, organisation: Organisation) -> QuerySet[AuditEvent]:
    """What was done to the organisation's profile, verification and staff, newest first."""
    return (
        AuditEvent.objects.filter(
            Q(object_type="ngos.organisation", object_id=str(organisation.pk))
            | Q(
                object_type="ngos.membership",
                detail__organisation_id=organisation.pk,
            )
        )
        .exclude(action=AuditEvent.Action.ACCESS_DENIED)
        .select_related("actor")
        .order_by("-at", "-id")
    )


# --- Staff ----------------------------------------------------------------------------------


def organisations_with_visible_staff(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose staff list `user` may read: their own, or all for those who manage
    every organisation's staff."""
    if not has_permission(user, Perm.ORG_VIEW_STAFF):
        return Organisation.objects.none()
    if has_permission(user, Perm.USERS_MANAGE_ALL):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.membership.organisation_id)


def organisations_with_manageable_staff(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose staff `user` may invite, change and deactivate."""
    if not has_permission(user, Perm.ORG_MANAGE_STAFF):
        return Organisation.objects.none()
    if has_permission(user, Perm.USERS_MANAGE_ALL):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.membership.organisation_id)


def staff_of(*, organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's people. The service accounts of API tokens are left out: they are
    managed on the token screens only, so no staff screen can change a token's role (AC-11)."""
    return (
        Membership.objects.filter(organisation=organisation, user__api_token__isnull=True)
        .select_related("user", "province")
        .order_by("-user__is_active", "role", "user__last_name", "user__first_name")
    )


def reassignment_candidates(*, membership: Membership) -> QuerySet[User]:
    """Active colleagues in the same organisation who hold cases (caseworkers and managers: those
    who may edit cases)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__organisation_id=membership.organisation_id,
            membership__role__in=roles_with(Perm.CASE_EDIT),
        )
        .exclude(pk=membership.user_id)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # invited, not signed in yet
        .order_by("membership__role", "last_name", "first_name")
    )


def approvers_of(*, organisation: Organisation | int) -> QuerySet[User]:
    """Active members who may approve `organisation`'s closures and consent overrides: its
    managers and its named second approver (docs/adr/0038), managers first, then by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__organisation=organisation)
        .filter(
            Q(membership__role__in=roles_with(Perm.CASE_APPROVE_CLOSURE))
            | Q(membership__second_approver=True)
        )
        .select_related("membership")
        .order_by("membership__second_approver", "first_name", "last_name", "username")
    )


def second_approver_candidates(*, organisation: Organisation | int) -> QuerySet[Membership]:
    """Who a manager may name second approver: the organisation's active caseworkers."""
    return (
        Membership.objects.filter(
            organisation=organisation, role=Role.CASEWORKER, user__is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


def staff_administrators() -> QuerySet[User]:
    """Active people who may manage every organisation's staff, with an email address: who is
    told when an organisation has nobody to decide what only a manager may decide."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=roles_with(Perm.USERS_MANAGE_ALL))
        .exclude(email="")
    )


def needs_a_manager(*, organisation: Organisation) -> bool:
    """Whether the organisation has active staff but no active manager, so that nobody there
    may decide its duty-to-report alerts or approve its closures. Never the ministry, which
    holds no cases."""
    if organisation.kind == Organisation.Kind.MINISTRY:
        return False
    active = Membership.objects.filter(organisation=organisation, user__is_active=True)
    return active.exists() and not active.filter(role=Role.ORG_MANAGER).exists()


def managers_of(*, organisation: Organisation | int) -> QuerySet[User]:
    """Active managers of `organisation` with an email address: who hears about verification."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__organisation=organisation,
            membership__role=Role.ORG_MANAGER,
        )
        .exclude(email="")
    )


class _ServiceNames(dict[int, str]):
    def __missing__(self, pk: int) -> str:
        # A service added since the names were read.
        self[pk] = name = str(Service.objects.get(pk=pk))
        return name


def service_names() -> dict[int, str]:
    """Every service's name in the active language (`str(service)`), by id: a handful of rows,
    read once for a page's lists instead of joined into each of them."""
    return _ServiceNames(
        (pk, localised(name_fa, name_en))
        for pk, name_fa, name_en in Service.objects.values_list("pk", "name_fa", "name_en")
    )
