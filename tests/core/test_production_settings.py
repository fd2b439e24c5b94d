"""The production settings themselves (CF-01, CF-02): DEBUG off, no debug route, HSTS and the
cookie flags as a browser receives them. Settings load once per process, so the pages are asked
for in a child process (tests/core/production_probe.py) started with production settings and
throwaway secrets, against this test run's database and Redis."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# The child process uses this run's test database (created only for tests that ask for one).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "koodak.example.org",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "EMAIL_URL": "consolemail://",
    }
    env.pop("DEBUG", None)
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.core.production_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_settings_have_debug_off_and_no_debug_route(production):
    assert production["debug"] is False
    assert production["route_count"] > 50  # the walk really saw the URLconf
    assert production["debug_apps"] == []
    assert production["debug_middleware"] == []
    assert production["debug_routes"] == []
    # Nothing answers at the usual debug addresses, and no file outside the static files is served.
    assert all(status == 404 for status in production["debug_paths"].values()), production


def test_production_redirects_plain_http_and_sends_hsts_over_https(production):
    assert production["plain_http"]["status"] == 301
    assert production["plain_http"]["location"].startswith("https://koodak.example.org/")
    hsts = production["login"]["hsts"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts and "preload" in hsts
    assert production["sign_in"]["hsts"] == hsts


def test_production_cookies_are_secure_httponly_and_samesite(production):
    signed = production["sign_in"]
    assert signed["status"] == 302, signed
    session = signed["session_cookie"]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
    for csrf in (production["login"]["csrf_cookie"], signed["csrf_cookie"]):
        assert csrf == {"secure": True, "httponly": True, "samesite": "Lax"}
    language = signed["language_cookie"]
    assert language["secure"] is True and language["samesite"] == "Lax"
