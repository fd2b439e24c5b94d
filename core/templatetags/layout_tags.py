"""Parts of the layout drawn once and then reused by this process (issue 21).

    {% load layout_tags %}
    {% navigation_bar approvals_waiting_count %}
    {% kept_include "includes/outbox_status.html" %}

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

`kept_include` draws a template that reads nothing but translations and addresses, once per
language.
"""

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django import template
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NAVBAR = "includes/navbar.html"
# Parts kept by this process (a few kilobytes each), the least recently used dropped first.
KEEP = 1000
# Stands in for the CSRF token in a kept bar: random per process, never a token itself.
_TOKEN = "csrf" + secrets.token_hex(16)

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
    return mark_safe(html.replace(_TOKEN, str(conditional_escape(token))))  # noqa: S308


@register.simple_tag(takes_context=True)
def kept_include(context: Context, name: str) -> SafeString:
    """`{% include name %}` for a template that reads nothing from the page, kept per language."""
    return mark_safe(_kept_or_drawn(context, name, (), {}))  # noqa: S308
