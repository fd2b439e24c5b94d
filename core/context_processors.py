"""Template context shared by every page."""

import functools
from typing import Any

from django.http import HttpRequest

from .permissions import Perm, permissions_of, role_of


@functools.lru_cache(maxsize=64)
def _flags_of(granted: frozenset[Perm]) -> tuple[tuple[str, bool], ...]:
    """`permission_flags` for a set of granted permissions, worked out once per process and set:
    naming every permission on every page cost most of this processor (issue 21)."""
    return tuple((perm.name.lower(), perm in granted) for perm in Perm)


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}, "current_role": None, "current_membership": None}
    return {
        # The same map as core.permissions.permission_flags(user), a new dict for each page.
        "can": dict(_flags_of(permissions_of(user))),
        "current_role": role_of(user),
        "current_membership": user.membership_or_none,
    }
