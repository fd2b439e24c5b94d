"""Project middleware: request ids, session timeouts, no-store caching, history context."""

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device
from pghistory.middleware import HistoryMiddleware

from . import request_context
from .audit import Action, record
from .backends import STATIC_DEVICE_AT_LOAD, TOTP_DEVICE_AT_LOAD
from .client_ip import client_ip

GetResponse = Callable[[HttpRequest], HttpResponseBase]

_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"


def _request_id(request: HttpRequest) -> uuid.UUID:
    # Accept a proxy's id only when it is a well-formed UUID; anything else could forge logs.
    given = request.META.get(_REQUEST_ID_HEADER)
    if given:  # without one (most requests), no exception raised and caught
        try:
            return uuid.UUID(given)
        except ValueError:
            pass
    return uuid.uuid4()


class RequestIdMiddleware:
    """Give each request an id, echoed in the `X-Request-ID` header and written on audit rows."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request_context.RequestMeta(
            request_id=_request_id(request), ip_address=client_ip(request), path=request.path
        )
        request.request_id = meta.request_id  # type: ignore[attr-defined]
        token = request_context.begin(meta)
        try:
            response = self.get_response(request)
        finally:
            request_context.end(token)
        response["X-Request-ID"] = str(meta.request_id)
        return response


# The backend that read the user of sessions signed in before core.backends.SignedInUserBackend
# existed (issue 21); such a session carries on with the new one instead of ending.
_EARLIER_BACKEND = "django.contrib.auth.backends.ModelBackend"
_SIGNED_IN_BACKEND = "core.backends.SignedInUserBackend"


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, for sessions signed in before the signed-in user's backend changed as well."""

    def process_request(self, request: HttpRequest) -> None:
        session = request.session
        if session.get(BACKEND_SESSION_KEY) == _EARLIER_BACKEND:
            session[BACKEND_SESSION_KEY] = _SIGNED_IN_BACKEND
        super().process_request(request)


class OTPMiddleware(DjangoOTPMiddleware):  # type: ignore[misc]
    """django-otp's, without a query when the device the session confirmed a code with is one
    that was read with the user row (core.backends, AU-03): the same device id, confirmed, the
    user's own, as of this request. Anything else is looked up as django-otp does."""

    _KNOWN = (
        ("otp_totp.totpdevice/", TOTP_DEVICE_AT_LOAD),
        ("otp_static.staticdevice/", STATIC_DEVICE_AT_LOAD),
    )

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        super()._install_lazy_accessors(request)
        if isinstance(user, SimpleLazyObject):
            user = user._wrapped
        if user is not None and user is not empty:
            # The user was read already (SessionTimeoutMiddleware asks whether they are signed
            # in): verified now, the same way, so that the page reads request.user directly
            # instead of through two lazy objects on every attribute (issue 21).
            request.user = self._verify_user_sync(request, user)

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        if isinstance(persistent_id, str):
            for prefix, attribute in self._KNOWN:
                known = getattr(user, attribute, None)
                if known is not None and persistent_id == f"{prefix}{known}":
                    self._init_user_fields(user)
                    user.otp_device = SimpleLazyObject(
                        lambda: Device.from_persistent_id(persistent_id)
                    )
                    return user
        return super()._verify_user_sync(request, user)


class SessionTimeoutMiddleware:
    """End sessions idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT (SE-02)."""

    STARTED = "_session_started"
    SEEN = "_session_seen"
    # Write "last seen" at most once a minute, so most requests do not write the session.
    SEEN_RESOLUTION = 60

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    @classmethod
    def start(cls, request: HttpRequest) -> None:
        """Mark the session as started now; called at sign-in."""
        if hasattr(request, "session"):
            request.session[cls.STARTED] = request.session[cls.SEEN] = int(
                timezone.now().timestamp()
            )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            started = request.session.get(self.STARTED)
            seen = request.session.get(self.SEEN, started)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if started is None:
                request.session[self.STARTED] = request.session[self.SEEN] = now
            elif now - seen > idle or now - started > absolute:
                user = request.user
                logout(request)
                record(Action.SESSION_EXPIRED, user=user)
            elif now - seen >= self.SEEN_RESOLUTION:
                request.session[self.SEEN] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages for signed-in users hold personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class AuditContextMiddleware(HistoryMiddleware):
    """Row history (django-pghistory) records who changed what, from which request."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        context["request_id"] = str(getattr(request, "request_id", ""))
        return context


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Persian unless the user chose otherwise (the language cookie), whatever the browser asks.

    Many phones and office computers here run English-language browsers; their users still
    expect the product in Persian. The browser's Accept-Language is therefore not consulted.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            return super().process_response(request, response)
        # Without language prefixes in the URLs, Django's adds just these two headers, after
        # taking the path's first segment for a language code: a failed lookup that raises on
        # nearly every page, half this middleware's cost (issue 21).
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SecondFactorMiddleware:
    """After the password, a user who needs the second factor and has not confirmed a code in
    this session reaches only public pages (sign-out, the language switch) and the views marked
    `before_second_factor` (enrolment, the code page); anything else sends them there (AU-03).
    Django admin is behind it too (AC-10)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse

        from . import second_factor

        user = request.user
        if not user.is_authenticated or second_factor.is_verified(request):
            return None
        if getattr(view_func, "access_rule", None) == "public" or getattr(
            view_func, "before_second_factor", False
        ):
            return None
        # Whether the user has an authenticator, as read with the user row this request.
        totp_id = getattr(user, TOTP_DEVICE_AT_LOAD, False)
        enrolled = (totp_id is not None) if totp_id is not False else None
        if not second_factor.required_for(user, enrolled=enrolled):
            return None
        if str(getattr(view_func, "access_rule", "")).startswith("api:"):
            # The app's session on the JSON API: an answer it can read, not a sign-in page.
            from django.http import JsonResponse
            from django.utils.translation import gettext

            detail = gettext("Confirm the one-time code from your phone first.")
            return JsonResponse({"detail": detail}, status=403)
        if enrolled is None:
            enrolled = second_factor.is_enrolled(user)
        step = "second_factor_verify" if enrolled else "second_factor_enrol"
        return redirect_to_login(request.get_full_path(), reverse(step))
