"""The scenarios, in the order the table shows them.

A scenario is a function taking the Context and returning Rows; `@scenario` registers it under a
group name (`--only` matches it). Page scenarios go through django.test.Client with a user signed
in by force_login: server time in-process, without network, web server or browser.
"""

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse

SCENARIOS: list[tuple[str, Callable[..., Any]]] = []
ORDER = [
    "case list",
    "api case list",
    "case search by sound",
    "case page",
    "duplicate check",
    "outreach",
    "offline sync",
    "my work",
    "referral inbox",
    "overdue job",
    "import anchors",
    "children import",
    "case export",
    "reports",
    "load test",
]


def scenario(group):
    def register(fn):
        SCENARIOS.append((group, fn))
        return fn

    return register


class ScenarioError(Exception):
    pass


def get_ok(client, url, data=None):
    """GET a page and insist on a 200: a redirect to sign-in or an error page is not a timing."""
    response = client.get(url, data)
    if response.status_code != 200:
        raise ScenarioError(f"GET {url} {data or ''} answered {response.status_code}")
    return response


def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def all_scenarios():
    # Imported for their registrations, in table order.
    from . import (  # noqa: F401
        api,
        cases,
        children_import,
        exports,
        imports,
        load,
        offline,
        outreach,
        reports,
        work,
    )

    return sorted(SCENARIOS, key=lambda item: ORDER.index(item[0]))
