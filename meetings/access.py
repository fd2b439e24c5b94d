"""Access helpers for working groups: a group the user is not in is a 404 with the same body as
a missing one, audited; someone who may read but not do this gets 403."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from core import audit
from core.access import get_for_user_or_404
from core.permissions import Perm, has_permission

from .models import Document
from .selectors import (
    can_manage_group,
    meetings_visible_to,
    resolutions_visible_to,
    working_groups_visible_to,
)

if TYPE_CHECKING:
    from core.models import User

    from .models import Resolution


def get_group_for_user(user, pk, *, manage=False):
    """The working group `pk` if `user` is in it (404 otherwise); 403 if `manage` and they may
    only read it."""
    group = get_for_user_or_404(user, working_groups_visible_to(user), pk=pk)
    if manage and not can_manage_group(user, group):
        raise PermissionDenied
    return group


def get_meeting_for_user(user, pk, *, manage=False):
    """The meeting `pk` if `user` is in its group (404 otherwise); 403 if `manage` and they may
    only read it."""
    queryset = meetings_visible_to(user).select_related(
        "working_group", "working_group__convening_organisation"
    )
    meeting = get_for_user_or_404(user, queryset, pk=pk)
    if manage and not can_manage_group(user, meeting.working_group):
        raise PermissionDenied
    return meeting


def may_update_resolution(user: "User", resolution: "Resolution") -> bool:
    """Group managers, and managers (resolution.update) of a responsible organisation."""
    if can_manage_group(user, resolution.meeting.working_group):
        return True
    membership = getattr(user, "membership_or_none", None)
    if membership is None:
        return False
    return has_permission(
        user, Perm.RESOLUTION_UPDATE, organisation=membership.organisation_id
    ) and any(
        r.organisation_id == membership.organisation_id for r in resolution.responsibilities.all()
    )


def may_mark_done(user: "User", resolution: "Resolution") -> bool:
    """Group managers, and managers of the lead organisation."""
    if can_manage_group(user, resolution.meeting.working_group):
        return True
    membership = getattr(user, "membership_or_none", None)
    lead = resolution.lead
    return (
        membership is not None
        and lead is not None
        and lead.pk == membership.organisation_id
        and has_permission(user, Perm.RESOLUTION_UPDATE, organisation=lead.pk)
    )


def get_resolution_for_user(user, pk, *, update=False):
    """The resolution `pk` if `user` is in its group (404 otherwise); 403 if `update` and they
    are neither a manager of the group nor of a responsible organisation."""
    queryset = (
        resolutions_visible_to(user)
        .select_related("meeting", "meeting__working_group")
        .prefetch_related("responsibilities__organisation")
    )
    resolution = get_for_user_or_404(user, queryset, pk=pk)
    if update and not may_update_resolution(user, resolution):
        raise PermissionDenied
    return resolution


def get_document_for_user(user, pk):
    """A document of a meeting or progress update the user may see; the read is audited."""
    meetings = meetings_visible_to(user)
    queryset = Document.objects.filter(meeting__in=meetings) | Document.objects.filter(
        progress_update__resolution__meeting__in=meetings
    )
    document = get_for_user_or_404(user, queryset.distinct(), pk=pk)
    audit.record(audit.Action.VIEW, user=user, obj=document)
    return document
