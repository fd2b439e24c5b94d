"""Reads about working groups, always starting from what the user may see.

Ministry officers (meetings.manage) see every group. Anyone else sees a group only when they
are in it: its secretary, one of its member people, or a member of a member or convening
organisation holding meetings.view. Others see nothing of it, not even that it exists.
"""

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet

from core.models import User
from core.permissions import Perm, has_permission
from ngos.models import Organisation

from .filters import ResolutionFilter
from .models import Meeting, Minutes, Resolution, WorkingGroup


def _group_scope(user: User, prefix: str = "") -> Q:
    """A Q over WorkingGroup (reached through `prefix`) for the groups `user` is in."""
    q = Q(**{f"{prefix}secretary": user}) | Q(**{f"{prefix}members": user})
    membership = getattr(user, "membership_or_none", None)
    if membership is not None and has_permission(user, Perm.MEETINGS_VIEW):
        q |= Q(**{f"{prefix}member_organisations": membership.organisation_id})
        q |= Q(**{f"{prefix}convening_organisation": membership.organisation_id})
    return q


def working_groups_visible_to(user: User) -> QuerySet[WorkingGroup]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return WorkingGroup.objects.none()
    if has_permission(user, Perm.MEETINGS_MANAGE):
        return WorkingGroup.objects.all()
    ids = WorkingGroup.objects.filter(_group_scope(user)).values("pk")
    return WorkingGroup.objects.filter(pk__in=ids)


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(working_group__in=working_groups_visible_to(user))


def resolutions_visible_to(user: User) -> QuerySet[Resolution]:
    return Resolution.objects.filter(meeting__working_group__in=working_groups_visible_to(user))


def can_manage_group(user: User, group: WorkingGroup) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return has_permission(user, Perm.MEETINGS_MANAGE) or group.secretary_id == user.pk


def resolution_tracker(*, user: User, filters: Any = None) -> ResolutionFilter:
    """The tracker's FilterSet over the resolutions `user` may see: `.qs` for the list."""
    queryset = (
        resolutions_visible_to(user)
        .select_related("meeting", "meeting__working_group")
        .prefetch_related("responsibilities__organisation")
        .order_by("due_date", "pk")
    )
    return ResolutionFilter(filters or None, queryset=queryset, user=user)


def tracker_counts(
    queryset: QuerySet[Resolution],
) -> tuple[list[dict[str, Any]], list[int]]:
    """Counts per responsible organisation and displayed status, for the table and the chart.

    Returns (rows, totals): rows are dicts {organisation, counts: [n per status], total},
    sorted by organisation name; a resolution counts once for each responsible organisation.
    """
    statuses = [key for key, _label in Resolution.DISPLAY_STATUSES]
    counter: Counter[tuple[int, str]] = Counter()
    organisations: dict[int, Organisation] = {}
    for resolution in queryset:
        for responsibility in resolution.responsibilities.all():
            organisation = responsibility.organisation
            organisations[organisation.pk] = organisation
            counter[(organisation.pk, resolution.display_status)] += 1
    rows: list[dict[str, Any]] = []
    for organisation in sorted(organisations.values(), key=lambda o: o.name):
        counts = [counter[(organisation.pk, status)] for status in statuses]
        rows.append({"organisation": organisation, "counts": counts, "total": sum(counts)})
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(statuses))]
    return rows, totals


def meeting_minutes(meeting: Meeting) -> tuple[Minutes | None, Minutes | None]:
    """(current, approved): the newest version and the newest approved one (either may be None)."""
    versions = list(meeting.minutes_versions.order_by("-version"))
    current = versions[0] if versions else None
    approved = next((m for m in versions if m.status == "approved"), None)
    return current, approved


def resolution_list(*, user: User, filters: Any = None) -> QuerySet[Resolution]:
    """The tracker's resolutions as a queryset, for its export: none when a filter is refused,
    as the page shows none."""
    tracker_filter = resolution_tracker(user=user, filters=filters)
    if tracker_filter.is_bound and not tracker_filter.is_valid():
        return tracker_filter.queryset.none()
    return tracker_filter.qs
