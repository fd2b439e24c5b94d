"""The client's address, one function for the lockout, the rate limits and the audit log (AU-05).

With `TRUSTED_PROXY_COUNT = 0` (the default) the client is the connecting peer, `REMOTE_ADDR`,
and an `X-Forwarded-For` header is ignored: anyone can send one. Behind N reverse proxies that
each append the address they received the request from, the last N entries of
`X-Forwarded-For` were written by those proxies, so the client is the N-th entry from the right;
what stands further left came from the client and is not believed. A header with fewer entries
than trusted proxies did not pass through all of them, and the peer's address is used instead.
The site must then be reachable only through its proxies.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

_FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def parse_address(value: str) -> str | None:
    """An address as written by a server or a proxy, normalised; None when it is not one.

    Accepts a bare IPv4 or IPv6 address and the forms some proxies write with a port
    (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
    """
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client who sent `request`, through `TRUSTED_PROXY_COUNT` proxies."""
    peer = parse_address(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return peer
    entries = [part for part in request.META.get(_FORWARDED_FOR, "").split(",") if part.strip()]
    if len(entries) < proxies:
        return peer
    return parse_address(entries[-proxies])
