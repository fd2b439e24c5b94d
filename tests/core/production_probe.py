"""Run by tests/core/test_production_settings.py in a child process with production settings
(config.settings.production and its environment); prints one JSON object on stdout.

It walks the URLconf for debug routes (CF-02), then asks for pages over HTTPS through the test
client and reads HSTS and the cookie flags from the answers (CF-01). The sign-in it needs runs
inside a transaction that is rolled back, so nothing it creates stays in the database.
"""

import json
import os
import sys
from typing import Any

import django

# Views and apps that only belong on a developer's machine.
DEBUG_MARKERS = (
    "debug_toolbar",
    "__debug__",
    "django.views.static",
    "django.contrib.staticfiles.views",
    "django.views.debug",
    "silk",
    "django_extensions",
)
PROBE_USERNAME = "production-probe"
PROBE_PASSWORD = "a long probe password 4 the production settings"  # noqa: S105 (rolled back)


class _RollBack(Exception):
    pass


def routes() -> list[dict[str, str]]:
    """Every URL pattern with the dotted name of its view."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = entry.callback
                view = getattr(view, "view_class", view)
                name = f"{getattr(view, '__module__', '')}.{getattr(view, '__qualname__', '')}"
                found.append({"pattern": prefix + str(entry.pattern), "view": name})

    walk(get_resolver().url_patterns, "")
    return found


def cookie(response: Any, name: str) -> dict[str, Any] | None:
    morsel = response.cookies.get(name)
    if morsel is None:
        return None
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


def pages() -> dict[str, Any]:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from core.models import User

    host = settings.ALLOWED_HOSTS[0]
    answers: dict[str, Any] = {}
    client = Client(HTTP_HOST=host)
    plain = client.get(reverse("login"))
    answers["plain_http"] = {"status": plain.status_code, "location": plain.get("Location", "")}
    page = client.get(reverse("login"), secure=True)
    answers["login"] = {
        "status": page.status_code,
        "hsts": page.get("Strict-Transport-Security", ""),
        "csrf_cookie": cookie(page, settings.CSRF_COOKIE_NAME),
    }
    debug_paths = ["/__debug__/", "/static/../config/settings/base.py", "/media/"]
    answers["debug_paths"] = {
        path: Client(HTTP_HOST=host).get(path, secure=True).status_code for path in debug_paths
    }
    try:
        with transaction.atomic():
            User.objects.create_user(PROBE_USERNAME, password=PROBE_PASSWORD)
            signed = client.post(
                reverse("login"),
                {"username": PROBE_USERNAME, "password": PROBE_PASSWORD},
                secure=True,
            )
            answers["sign_in"] = {
                "status": signed.status_code,
                "hsts": signed.get("Strict-Transport-Security", ""),
                "session_cookie": cookie(signed, settings.SESSION_COOKIE_NAME),
                "csrf_cookie": cookie(signed, settings.CSRF_COOKIE_NAME),
                "language_cookie": cookie(signed, settings.LANGUAGE_COOKIE_NAME),
            }
            raise _RollBack
    except _RollBack:
        pass
    return answers


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # The one change: static file names without collectstatic's manifest (the image builds it).
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    found = routes()
    result = {
        "debug": settings.DEBUG,
        "debug_apps": [
            app for app in settings.INSTALLED_APPS if any(m in app for m in DEBUG_MARKERS)
        ],
        "debug_middleware": [
            m for m in settings.MIDDLEWARE if any(marker in m for marker in DEBUG_MARKERS)
        ],
        "debug_routes": [
            route
            for route in found
            if any(
                marker in route["pattern"] or marker in route["view"] for marker in DEBUG_MARKERS
            )
        ],
        "route_count": len(found),
    }
    with override_settings(STORAGES=plain_static):
        result.update(pages())
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
