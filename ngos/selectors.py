"""Reads about organisations and their staff, always starting from what the user may see."""

from django.db.models import QuerySet

from core.permissions import Perm, Role, has_permission, role_of

from .models import Membership, Organisation


def organisations_with_visible_staff(*, user) -> QuerySet[Organisation]:
    """Organisations whose staff list `user` may read: their own, or all for administrators."""
    role = role_of(user)
    if role is None or not has_permission(user, Perm.ORG_VIEW_STAFF):
        return Organisation.objects.none()
    if role.key == Role.ADMINISTRATOR:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.membership.organisation_id)


def staff_of(*, organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "province")
        .order_by("-user__is_active", "role", "user__last_name", "user__first_name")
    )
