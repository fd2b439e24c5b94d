"""The navigation bar, drawn once per person and situation and then reused (issue 21).

    {% load layout_tags %}{% navigation_bar approvals_waiting_count %}

renders templates/includes/navbar.html as `{% include %}` would. The bar is the same on every
page for one user in one situation, so this process keeps its HTML, keyed by everything the
template reads: the language, the user (their id, name and staff flag), the permissions granted,
the membership (organisation and its name, role), the number of approvals waiting and the
address prefix. The key holds the inputs themselves, so a change to any of them (a new role, a
permission, another organisation, a new count) draws the bar afresh on the very next page, and
no entry is ever served to another user. The CSRF token differs per session: the bar is drawn
with a placeholder in its place, which each page replaces with its own token.

Whatever navbar.html starts to read must be added to `_key`.
"""

import secrets
import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TEMPLATE = "includes/navbar.html"
# Bars kept by this process (a few kilobytes each), the least recently used dropped first.
KEEP = 1000
# Stands in for the CSRF token in a kept bar: random per process, never a token itself.
_TOKEN = "csrf" + secrets.token_hex(16)

_kept: "OrderedDict[tuple[Any, ...], str]" = OrderedDict()
_lock = threading.Lock()


def _key(context: Context, count: Any) -> tuple[Any, ...]:
    user = context.get("user")
    language = translation.get_language()
    where = (language, get_script_prefix(), get_urlconf())
    if user is None or not user.is_authenticated:
        return (*where, None)
    can = context.get("can") or {}
    membership = context.get("current_membership")
    role = context.get("current_role")
    return (
        *where,
        user.pk,
        str(user),
        bool(user.is_staff),
        tuple(sorted(name for name, granted in can.items() if granted)),
        None
        if membership is None
        else (membership.pk, membership.organisation_id, str(membership.organisation)),
        None if role is None else str(role.label),
        count,
    )


def _render(context: Context, count: Any, token: Any) -> str:
    navbar = context.template.engine.get_template(TEMPLATE)  # type: ignore[union-attr]
    with context.push(approvals_waiting_count=count, csrf_token=token):
        return str(navbar.render(context))


@register.simple_tag(takes_context=True)
def navigation_bar(context: Context, count: Any = 0) -> SafeString:
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        # No token to stand in for (an error page drawn without a request): draw it as it is.
        return mark_safe(_render(context, count, token))  # noqa: S308 (rendered template)
    key = _key(context, count)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
    if html is None:
        html = _render(context, count, _TOKEN)
        with _lock:
            _kept[key] = html
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    return mark_safe(html.replace(_TOKEN, str(conditional_escape(token))))  # noqa: S308
