"""What every API view shares: sign-in (token or session), scopes, the "api" rate limit, errors
shaped like the pages' (404 for outsiders, 403, 400 with field errors, 409 for stale versions),
and the access declaration the URL walker reads (AC-03, AC-11, RL-01)."""

from collections.abc import Callable
from typing import Any

import pghistory
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from core.permissions import Perm, has_permission
from core.ratelimits import hit, is_search

from .authentication import BearerTokenAuthentication
from .pagination import IdCursorPagination
from .permissions import TokenScope, token_of


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a 404 always has the same body (nothing said about why, AC-01), and a
    service's refusal (Django's ValidationError, InvalidState) is a 400 with its messages."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def rate_key(request: Request) -> str | None:
    """Count an API request per token, or per user for the app's session (RL-01)."""
    token = token_of(request)
    if token is not None:
        return f"token:{token.pk}"
    if request.user and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return None


class ApiView(APIView):
    """Base of the API's views. `scopes` names the token scope for reads and for writes."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, TokenScope]
    scopes: dict[str, str] = {}
    # What the URL walker reads (AC-03): "object" for views addressed by an id, whose helper
    # gives outsiders 404; "permission:<perm>" for lists and figures; "signed_in" for the schema.
    access_rule = "signed_in"
    # The role permission a view requires (403 without it), like @require_permission.
    required_perms: tuple[Perm, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Sign in first (once: DRF keeps the user on the request), then count the request, so a
        # caller is limited whether or not this route then refuses it.
        self.perform_authentication(request)
        wait = hit(request._request, "api", rate_key(request))
        if wait is None and is_search(request._request):
            wait = hit(request._request, "search", rate_key(request))
        if wait is not None:
            raise exceptions.Throttled(wait)
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Row history (pghistory) took its user at the request's start, before a token was
            # read: name the token's account for this request's changes too.
            pghistory.context(user=request.user.pk)
        if self.required_perms and not any(
            has_permission(request.user, perm) for perm in self.required_perms
        ):
            raise PermissionDenied

    def paginated(
        self, queryset: QuerySet[Any], serializer: type[Serializer[Any]], **context: Any
    ) -> Response:
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer(page, many=True, context={"request": self.request, **context}).data
        return paginator.get_paginated_response(data)

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler


def form_errors(form: BaseForm) -> Response:
    """A form's errors as a 400, field by field, as the page shows them beside each field."""
    return Response(
        {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        status=status.HTTP_400_BAD_REQUEST,
    )


def api_route(view_class: type[ApiView], **initkwargs: Any) -> Callable[..., Any]:
    """The view callback for a URL pattern, marked for the access walker (AC-03).

    Django's login middleware is skipped (a partner system has no session to redirect); DRF
    signs the request in by token or session instead, and answers 401 to anyone else.
    """
    callback = login_not_required(view_class.as_view(**initkwargs))
    callback.access_rule = f"api:{view_class.access_rule}"
    callback.rate_limit = "api"
    return callback
