"""Access helpers for organisations: outsiders get 404, never a hint that the object exists."""

from core.access import get_for_user_or_404

from .selectors import organisations_with_visible_staff


def get_organisation_for_staff_view(user, pk):
    """The organisation `pk` if `user` may read its staff list; 404 (audited) otherwise."""
    return get_for_user_or_404(user, organisations_with_visible_staff(user=user), pk=pk)
