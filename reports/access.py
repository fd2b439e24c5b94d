"""Who reads which report: ministry officers the aggregate ones, an organisation's managers its
own weekly backlog (the only identifiable report). A provincial officer (a ministry officer whose
membership names a province) reads only his province's quarterly summary, never a national
report or its files (AC-12). Anyone else gets a 404 for a report URL."""

from typing import TYPE_CHECKING, Any

from core.access import get_for_user_or_404
from core.permissions import Perm, has_permission

from .models import Report

if TYPE_CHECKING:
    from core.types import AnyUser


def officer_province(user: "AnyUser") -> Any:
    """The province a provincial officer is limited to, or None for everyone else (AC-12)."""
    membership = getattr(user, "membership_or_none", None)
    return membership.province if membership else None


def reports_visible_to(user):
    queryset = Report.objects.select_related("organisation", "province")
    if has_permission(user, Perm.REPORTS_VIEW):
        province = officer_province(user)
        if province is not None:
            return queryset.filter(kind=Report.Kind.QUARTERLY_SUMMARY, province=province)
        return queryset.filter(organisation__isnull=True, province__isnull=True)
    if has_permission(user, Perm.ORG_DASHBOARD):
        return queryset.filter(
            kind=Report.Kind.WEEKLY_BACKLOG, organisation_id=user.membership.organisation_id
        )
    return queryset.none()


def get_report_for_user(user, pk):
    return get_for_user_or_404(user, reports_visible_to(user), pk=pk)


def kinds_for(user: "AnyUser") -> list[Report.Kind]:
    """The kinds `user` may ask for."""
    if has_permission(user, Perm.REPORTS_VIEW):
        if officer_province(user) is not None:
            return [Report.Kind.QUARTERLY_SUMMARY]
        return [kind for kind in Report.Kind if kind != Report.Kind.WEEKLY_BACKLOG]
    if has_permission(user, Perm.ORG_DASHBOARD):
        return [Report.Kind.WEEKLY_BACKLOG]
    return []
