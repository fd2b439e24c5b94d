"""LG-04: no child's name, ID number or phone in any log line, the web server's access log
included.

A caseworker's browser journey over the demo data searches by a child's name, ID number and
guardian's phone, uses the child picker of the outreach form and the outreach filters. The pages
are served by gunicorn with config/gunicorn.py (as in production) and by `manage.py runserver`
(as under `make run`), in child processes on this test's database; everything they print, and
every record logged in this process meanwhile, is then searched for those children's details.
"""

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from django.core.management import call_command
from django.db import connection

from children.models import Case
from demo.people import DEMO_PASSWORD
from ngos.models import Membership

from ..conftest import load_reference_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CASEWORKER = "caseworker.a"
# Any of these in a log line means a query string reached the log.
QUERY_MARKS = ("?q=", "&q=", "district=", "date_from=", "province=")


def sign_in(page, username):
    """The demo sign-in; the one place this test signs in."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_url("**/")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(kind, port):
    if kind == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "config.wsgi",
        ]
    return [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]


@contextlib.contextmanager
def web_server(kind, log_path):
    """gunicorn or runserver on this test's database; its output goes to `log_path`."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    with open(log_path, "w") as log:  # noqa: PTH123
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and commands)
            server_command(kind, port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                    break
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def demo(transactional_db):
    """The demo's data, committed so that the server processes see it."""
    load_reference_rows()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    organisation = Membership.objects.get(user__username=CASEWORKER).organisation
    cases = Case.objects.filter(organisation=organisation).order_by("pk")
    named = cases.first()
    documented = cases.exclude(id_number="").exclude(pk=named.pk).first()
    with_phone = cases.exclude(guardian_phone="").first()
    assert named and documented and with_phone
    return {"named": named, "documented": documented, "with_phone": with_phone}


def journey(page, demo):
    """Search by name, ID number and phone; pick a child; filter the outreach list."""
    sign_in(page, CASEWORKER)
    named, documented, with_phone = demo["named"], demo["documented"], demo["with_phone"]
    for case, term in (
        (named, f"{named.given_name} {named.family_name}"),
        (documented, documented.id_number),
        (with_phone, with_phone.guardian_phone),
    ):
        page.goto("/cases/")
        page.fill("form[data-testid=filter-form] input[name=q]", term)
        page.click("form[data-testid=filter-form] button[type=submit]")
        page.wait_for_url("**/cases/?*")
        assert case.case_number in page.get_by_test_id("case-table").inner_text(), term
    page.goto("/outreach/new/")
    page.get_by_test_id("pick-search").fill(named.given_name)
    page.get_by_test_id("pick-results").get_by_text(named.family_name).first.wait_for()
    page.goto(f"/outreach/?district={named.district}&date_from=&province={named.province_id}")
    page.goto(f"/outreach/hotspots/?district={named.district}")
    page.goto(f"/cases/pick/?q={documented.id_number}")


def details(demo):
    """What must never be logged: every demo child's full name, ID number and phones, and above
    all the searched ones' (their given names alone are common words in staff names too)."""
    found = set()
    for case in Case.objects.all():
        found.add(f"{case.given_name} {case.family_name}")
        for value in (case.id_number, case.phone, case.guardian_phone):
            if len(value) >= 7:
                found.add(value)
    for case in demo.values():
        found.add(case.family_name)
    # As a browser sends them in an address: percent-encoded, spaces as + or %20.
    return found | {quote_plus(value) for value in found} | {quote(value) for value in found}


@pytest.mark.parametrize("server", ["gunicorn", "runserver"])
def test_a_journey_through_search_the_picker_and_outreach_filters_logs_no_childs_data(
    browser, demo, server, caplog, tmp_path
):
    log_path = tmp_path / f"{server}.log"
    caplog.set_level(logging.DEBUG)
    with web_server(server, log_path) as url:
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            journey(page, demo)
        finally:
            context.close()
    lines = log_path.read_text().splitlines() + [
        f"{record.name} {record.getMessage()}" for record in caplog.records
    ]
    # The server really logged the journey's requests (else the search below proves nothing).
    assert sum("/cases/" in line for line in lines) >= 3, lines
    assert any("/outreach/" in line for line in lines), lines
    leaks = [(value, line) for line in lines for value in details(demo) if value and value in line]
    assert not leaks, leaks[:10]
    assert not [line for line in lines if any(mark in line for mark in QUERY_MARKS)]
