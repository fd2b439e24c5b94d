"""Who reads which report: ministry officers the aggregate ones, an organisation's managers its
own weekly backlog (the only identifiable report). Anyone else gets a 404 for a report URL."""

from typing import TYPE_CHECKING

from core.access import get_for_user_or_404
from core.permissions import Perm, has_permission

from .models import Report

if TYPE_CHECKING:
    from core.types import AnyUser


def reports_visible_to(user):
    queryset = Report.objects.select_related("organisation")
    if has_permission(user, Perm.REPORTS_VIEW):
        return queryset.filter(organisation__isnull=True)
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
        return [kind for kind in Report.Kind if kind != Report.Kind.WEEKLY_BACKLOG]
    if has_permission(user, Perm.ORG_DASHBOARD):
        return [Report.Kind.WEEKLY_BACKLOG]
    return []
