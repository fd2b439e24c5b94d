"""DRF permission classes for the API: signed in, and the token's scope for this method.

Roles and organisations are not decided here: each view reads through the apps' scoped
selectors and access helpers (core/permissions.py underneath), exactly as the pages do, so an
outsider's object is the same 404 as a missing one (AC-01, AC-11).
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .models import ApiToken


def token_of(request: Request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def required_scope(view: Any, method: str) -> str | None:
    scopes = getattr(view, "scopes", {})
    if method in SAFE_METHODS:
        return scopes.get("read")
    return scopes.get("write")


class TokenScope(BasePermission):
    """A token request needs the view's scope for its method; a view naming none refuses tokens
    for that method. Session requests are not limited by scopes: the user's role decides."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = token_of(request)
        if token is None:
            return True
        scope = required_scope(view, request.method or "GET")
        return scope is not None and scope in token.scopes
