"""Rate limits on sign-in, password reset, search, exports and imports (RL-01, docs/adr/0025).

Each limit is a name in `settings.RATE_LIMITS` with a rate such as "20/15m" (count / period in
s, m, h or d, optionally multiplied). The counts live in the default cache (Redis), shared by
every worker, through django-ratelimit's counter: one key per limit, counted thing and time
window, hashed, so no username, address or e-mail address is written to the cache.

Above the rate the answer is HTTP 429 with a `Retry-After` header: the friendly page in the
reader's language, or for an htmx request a small message the page swaps in.

When the cache fails (Redis down, or an answer that is not a count) the request is let through
and a warning is logged that names the limit only: a broken cache must not lock everyone out.
"""

import functools
import ipaddress
import logging
import math
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .client_ip import client_ip

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
Key = Callable[[HttpRequest], str | None]

# An IPv6 client usually holds a whole /64: count the network, not one of its addresses.
IPV6_PREFIX = 64


def address_key(request: HttpRequest) -> str:
    """The client's address (through the trusted proxies, AU-05); an IPv6 address by its /64."""
    address = client_ip(request)
    if address is None:
        return "address:unknown"
    if ":" in address:
        network = ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False)
        address = str(network.network_address)
    return f"address:{address}"


def user_key(request: HttpRequest) -> str | None:
    """The signed-in user; None (not counted) for an anonymous request."""
    if not request.user.is_authenticated:
        return None
    return f"user:{request.user.pk}"


def _normalised(value: str) -> str:
    return value.strip().casefold()


def username_key(username: str) -> str:
    """A typed username, counted whether or not an account has it."""
    return f"username:{_normalised(username)}"


def email_key(email: str) -> str:
    """A typed e-mail address, counted whether or not an account has it (AU-04)."""
    return f"email:{_normalised(email)}"


def _usage(request: HttpRequest, name: str, value: str, *, increment: bool) -> Any:
    rate = settings.RATE_LIMITS[name]
    try:
        usage = get_usage(
            request, group=name, key=lambda _group, _request: value, rate=rate, increment=increment
        )
    except Exception as error:  # noqa: BLE001 - any cache failure lets the request through
        log.warning("Rate limit %s not checked: the cache failed (%s)", name, type(error).__name__)
        return None
    if usage is None and getattr(settings, "RATELIMIT_ENABLE", True):
        # django-ratelimit answers None when the cache gave no count (RATELIMIT_FAIL_OPEN).
        log.warning("Rate limit %s not checked: the cache gave no count", name)
    return usage


def _wait(usage: Any) -> int | None:
    if usage is None or not usage.get("should_limit"):
        return None
    return max(1, int(usage.get("time_left") or 0))


def hit(request: HttpRequest, name: str, value: str | None) -> int | None:
    """Count one more for `value` under the limit `name`.

    Returns the seconds to wait when this one is over the rate, else None. A None `value` is
    not counted.
    """
    if value is None:
        return None
    return _wait(_usage(request, name, value, increment=True))


def over(request: HttpRequest, name: str, value: str | None) -> int | None:
    """Like `hit` but without counting: the seconds to wait if `value` is already over the rate.

    Used where only failures count (sign-in): check first, count after a failure.
    """
    if value is None:
        return None
    usage = _usage(request, name, value, increment=False)
    if usage is None or usage.get("count", 0) < usage.get("limit", 0):
        return None
    return max(1, int(usage.get("time_left") or 0))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """HTTP 429 saying when to try again: the full page, or a small message for htmx."""
    minutes = max(1, math.ceil(retry_after / 60))
    template = (
        "includes/too_many_requests.html" if request.headers.get("HX-Request") else "429.html"
    )
    response = render(request, template, {"retry_minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(
    name: str,
    *,
    key: Key = user_key,
    methods: tuple[str, ...] = ("GET", "POST"),
    when: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[View], View]:
    """Count each request to the view under `name` (by user unless `key` says otherwise).

    `methods` and `when` narrow what is counted (an import counts its upload, not the page that
    shows the form). Place it under the access decorator, so only allowed requests are counted.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in methods and (when is None or when(request)):
                wait = hit(request, name, key(request))
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        # Kept by the access decorators' `wraps`, so a test can see which views are limited.
        wrapped.rate_limit = name  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def is_search(request: HttpRequest) -> bool:
    """A list asked with words in its search box (`q`), not a plain page of the list."""
    return bool(request.GET.get("q", "").strip())
