"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from .permissions import permission_flags, role_of


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can": {}, "current_role": None, "current_membership": None}
    return {
        "can": permission_flags(user),
        "current_role": role_of(user),
        "current_membership": user.membership_or_none,
    }
