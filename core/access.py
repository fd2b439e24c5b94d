"""Access rules for views, one way everywhere.

Every view declares who may reach it, with one of these decorators; a test walks the URLconf and
fails on a view that declares nothing (AC-03). Login is enforced by Django's
LoginRequiredMiddleware for everything but `@public` views.

Objects are loaded through access helpers built on `get_for_user_or_404`: an object outside the
user's scope is a 404 with the same body as a missing one, and the attempt is audited (AC-01).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from .audit import Action, record
from .permissions import Perm, has_permission
from .types import AnyUser

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
_M = TypeVar("_M", bound=Model)


def public(view: View) -> View:
    """Reachable without signing in. Keep these few; each is listed in the access test."""
    view = login_not_required(view)
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """Any signed-in user; what they see is scoped inside the view by a selector."""
    view.access_rule = "signed_in"  # type: ignore[attr-defined]
    return view


def before_second_factor(view: View) -> View:
    """Signed in, and reachable before the second factor is confirmed: only the pages that set it
    up or ask for it (AU-03). Everything else waits for the code."""
    view.access_rule = "signed_in"  # type: ignore[attr-defined]
    view.before_second_factor = True  # type: ignore[attr-defined]
    return view


def object_access(view: View) -> View:
    """Access is decided by the helper that loads the view's object: anyone outside its scope (any
    role, ministry included) gets the same 404 as for a missing id, and a member who may see the
    object but not do this action gets 403. Use for every view addressed by an object's id.
    """
    view.access_rule = "object"  # type: ignore[attr-defined]
    return view


def require_permission(*perms: Perm) -> Callable[[View], View]:
    """Signed in and holding at least one of `perms` (403 otherwise).

    For organisation-scoped permissions this checks only that the role grants it; the object's
    own organisation is checked by the access helper that loads it.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(has_permission(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = "permission:" + ",".join(sorted(perms))  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def get_for_user_or_404(user: AnyUser, scoped_queryset: QuerySet[_M], **lookup: Any) -> _M:
    """Fetch one object from the part of the data `user` may see, or audit the miss and 404.

    `scoped_queryset` must already be limited to what the user may see (a selector's result).
    Someone else's object and a missing one look the same to the caller.
    """
    try:
        return scoped_queryset.get(**lookup)
    except (scoped_queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise not_found(user, scoped_queryset.model, next(iter(lookup.values()), "")) from None


def not_found(user: AnyUser, model: type[Model], object_id: Any) -> Http404:
    """The 404 of `get_for_user_or_404`, for a helper that read the object its own way: the
    attempt audited as access denied, the same row whether the object is missing or not the
    user's."""
    record(
        Action.ACCESS_DENIED,
        user=user,
        object_type=model._meta.label_lower,
        object_id=str(object_id),
    )
    return Http404()
