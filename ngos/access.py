"""Access helpers for organisations: outsiders get 404, never a hint that the object exists.

Each helper starts from the selector that scopes what the user may see or do, so a list and
its detail pages cannot disagree (ADR 0004).
"""

from core.access import get_for_user_or_404

from .selectors import (
    organisations_in_directory,
    organisations_verifiable,
    organisations_with_editable_profile,
    organisations_with_manageable_staff,
    organisations_with_visible_history,
    organisations_with_visible_staff,
    staff_of,
)


def get_organisation_for_directory(user, pk):
    """The organisation `pk` as the directory shows it; 404 (audited) otherwise."""
    return get_for_user_or_404(user, organisations_in_directory(user=user), pk=pk)


def get_organisation_for_profile_edit(user, pk):
    """The organisation `pk` if `user` may edit its profile: their own, or any for administrators."""
    return get_for_user_or_404(user, organisations_with_editable_profile(user=user), pk=pk)


def get_organisation_for_history(user, pk):
    """The organisation `pk` if `user` may read its history."""
    return get_for_user_or_404(user, organisations_with_visible_history(user=user), pk=pk)


def get_organisation_for_verification(user, pk):
    """The organisation `pk` if `user` may verify or suspend it (provincial officers: their
    province only)."""
    return get_for_user_or_404(user, organisations_verifiable(user=user), pk=pk)


def get_organisation_for_staff_view(user, pk):
    """The organisation `pk` if `user` may read its staff list; 404 (audited) otherwise."""
    return get_for_user_or_404(user, organisations_with_visible_staff(user=user), pk=pk)


def get_organisation_for_staff_management(user, pk):
    """The organisation `pk` if `user` may manage its staff: their own, or any for administrators."""
    return get_for_user_or_404(user, organisations_with_manageable_staff(user=user), pk=pk)


def get_membership_for_staff_management(user, organisation_pk, member_pk):
    """One member of an organisation whose staff `user` manages; 404 (audited) for anyone else's.

    Returns (organisation, membership).
    """
    organisation = get_organisation_for_staff_management(user, organisation_pk)
    membership = get_for_user_or_404(user, staff_of(organisation=organisation), pk=member_pk)
    return organisation, membership
