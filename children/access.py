"""Access helpers for cases and encounters: outsiders get the same 404 as a missing id, audited."""

from core import audit
from core.access import get_for_user_or_404
from core.permissions import Perm, has_permission

from .models import Encounter
from .selectors.cases import cases_visible_to


def get_case_for_user(user, pk, *, action=audit.Action.VIEW):
    """The case `pk` if `user` may see it (404 otherwise); the read itself is audited (LG-01)."""
    queryset = cases_visible_to(user).select_related("organisation", "assigned_to", "province")
    case = get_for_user_or_404(user, queryset, pk=pk)
    if action is not None:
        audit.record(action, user=user, obj=case)
    return case


def encounters_visible_to(user):
    if not has_permission(user, Perm.OUTREACH_LOG):
        return Encounter.objects.none()
    return Encounter.objects.filter(organisation_id=user.membership.organisation_id)


def get_encounter_for_user(user, pk):
    queryset = encounters_visible_to(user).select_related("province", "caseworker")
    return get_for_user_or_404(user, queryset, pk=pk)
