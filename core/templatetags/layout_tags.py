"""Parts of the layout drawn once and then reused by this process (issue 21).

    {% load layout_tags %}
    {% navigation_bar approvals_waiting_count %}
    {% kept_include "includes/outbox_status.html" %}
    {% kept_include "includes/head.html" signed_in=user.is_authenticated %}
    {% language_switch %}
    {% static_url "css/app.css" %}

Each part is drawn from a context of its own that holds nothing but its key: what the part
shows can only come from the key, so two pages with the same key get the same HTML and no entry
can carry anything of another user. A change to any input (a new role or permission, another
organisation or its new name, a new count) is a new key, drawn afresh on the very next page.

`navigation_bar` draws templates/includes/navbar.html for the page's user: the key is the
language, the address prefix, the user's id, name and staff flag, the permissions granted, the
organisation (id and name), the role's name and the number of approvals waiting. The CSRF token
differs per session: the bar is drawn with a placeholder there, which each page replaces with
its own token. A variable navbar.html starts to read must be added to `_navigation`, or it is
empty.

`kept_include` draws a template that reads nothing but translations, addresses and the values
given to it, once per language and values (base.html's head: once per language and sign-in). `language_switch` draws templates/includes/language_switch.html once per language,
with placeholders for the page's address and CSRF token. `static_url` is `{% static %}`, each
file's address worked out once per process (the files do not change while it runs).
"""

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.context import Context
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NAVBAR = "includes/navbar.html"
LANGUAGE_SWITCH = "includes/language_switch.html"
# Parts kept by this process (a few kilobytes each), the least recently used dropped first.
KEEP = 1000
# Stand in for the CSRF token and the page's address in a kept part: random per process.
_TOKEN = "csrf" + secrets.token_hex(16)
_PATH = "path" + secrets.token_hex(16)
_SLOTS = re.compile(f"{_TOKEN}|{_PATH}")

_kept: "OrderedDict[tuple[Any, ...], str]" = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class _Person:
    """The signed-in user as navbar.html reads them."""

    name: str
    is_staff: bool
    is_authenticated: bool = True

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class _Membership:
    organisation_id: int
    organisation: str


@dataclass(frozen=True)
class _Role:
    label: str


class _Page:
    """The request as language_switch.html reads it: its address is a placeholder."""

    @staticmethod
    def get_full_path() -> str:
        return _PATH


def _fill(html: str, slots: dict[str, str]) -> SafeString:
    """The kept HTML with each placeholder replaced, escaped, in one pass (a value that happens
    to hold a placeholder is left as it is)."""
    escaped = {slot: str(conditional_escape(value)) for slot, value in slots.items()}
    return mark_safe(_SLOTS.sub(lambda found: escaped[found.group()], html))  # noqa: S308


def _where() -> tuple[Any, ...]:
    return (translation.get_language(), get_script_prefix(), get_urlconf())


def _kept_or_drawn(
    context: Context, name: str, key: tuple[Any, ...], values: dict[str, Any]
) -> str:
    key = (name, *_where(), *key)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    part = context.template.engine.get_template(name)  # type: ignore[union-attr]
    html = str(part.render(Context(values, autoescape=context.autoescape)))
    with _lock:
        _kept[key] = html
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return html


def _navigation(context: Context, count: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The bar's key, and the context it is drawn from: the same values."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return (None,), {"user": None, "csrf_token": _TOKEN}
    can = context.get("can") or {}
    granted = tuple(sorted(name for name, allowed in can.items() if allowed))
    membership = context.get("current_membership")
    role = context.get("current_role")
    person = _Person(name=str(user), is_staff=bool(user.is_staff))
    member = (
        None
        if membership is None
        else _Membership(membership.organisation_id, str(membership.organisation))
    )
    role_name = None if role is None else _Role(str(role.label))
    key = (user.pk, person, granted, member, role_name, count)
    values = {
        "user": person,
        "can": dict.fromkeys(granted, True),
        "current_membership": member,
        "current_role": role_name,
        "approvals_waiting_count": count,
        "csrf_token": _TOKEN,
    }
    return key, values


@register.simple_tag(takes_context=True)
def navigation_bar(context: Context, count: Any = 0) -> SafeString:
    token = context.get("csrf_token")
    key, values = _navigation(context, count)
    if not token or str(token) == "NOTPROVIDED":
        # No token to stand in for (a page drawn without a request): drawn, not kept.
        part = context.template.engine.get_template(NAVBAR)  # type: ignore[union-attr]
        values["csrf_token"] = token
        return mark_safe(part.render(Context(values, autoescape=context.autoescape)))  # noqa: S308
    html = _kept_or_drawn(context, NAVBAR, key, values)
    return _fill(html, {_TOKEN: str(token)})


@register.simple_tag(takes_context=True)
def kept_include(context: Context, name: str, **values: Any) -> SafeString:
    """`{% include name %}` for a template that reads nothing from the page but `values` (each
    one part of the key, so hashable), kept per language and values."""
    key = tuple(sorted(values.items()))
    return mark_safe(_kept_or_drawn(context, name, key, values))  # noqa: S308


@register.simple_tag(takes_context=True)
def language_switch(context: Context) -> SafeString:
    token = context.get("csrf_token")
    request = context.get("request")
    if not token or str(token) == "NOTPROVIDED" or request is None:
        part = context.template.engine.get_template(LANGUAGE_SWITCH)  # type: ignore[union-attr]
        with context.push():
            return mark_safe(part.render(context))  # noqa: S308 (as {% include %} would)
    html = _kept_or_drawn(context, LANGUAGE_SWITCH, (), {"request": _Page, "csrf_token": _TOKEN})
    return _fill(html, {_TOKEN: str(token), _PATH: request.get_full_path()})


_static_urls: dict[tuple[str, str], str] = {}


@register.simple_tag
def static_url(path: str) -> str:
    """`{% static path %}`, worked out once per process (and address prefix)."""
    key = (path, get_script_prefix())
    url = _static_urls.get(key)
    if url is None:
        url = _static_urls[key] = static(path)
    return url


def _forget(**kwargs: Any) -> None:
    """Tests that change settings (addresses, languages, static files) start afresh."""
    with _lock:
        _kept.clear()
    _static_urls.clear()


setting_changed.connect(_forget)
