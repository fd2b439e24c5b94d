"""The PostgreSQL restart drill (RE-05).

A private PostgreSQL and Redis (core/devstack; never the machine's shared servers), gunicorn with
the production settings and a Celery worker against them, and a second process registering
children through the web form. The server is stopped and started again while it writes. The
web process and the worker must answer again by themselves (same processes, no restart of their
own), and every case in the database must be whole: consent, timeline history row and audit row
written with it, or no case at all.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from celery import Celery

from core.devstack.common import PROJECT
from core.devstack.postgres import (
    PG_PORT,
    Postgres,
    choose_pg_bindir,
    database_url,
    prepare_folders,
    server_account,
)
from core.devstack.redisserver import redis_start
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

CLIENT_SECONDS = 30
RESTART_AFTER = 10  # seconds of writing before the server stops
DOWN_FOR = 3  # seconds the server stays down
QUEUE = "drill"

SETUP = """
from core.models import Province
from core.permissions import Role
from tests.factories import OrganisationFactory, member
org = OrganisationFactory(code="DRILL", name_fa="انجمن آزمون", name_en="Drill NGO")
user = member("drill", org, Role.CASEWORKER)
print("DRILL", Province.objects.get(code="tehran").pk, user.pk)
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(args, env, log):
    return subprocess.Popen(  # noqa: S603
        args, env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def drill_folder():
    folder = Path(tempfile.mkdtemp(prefix="kd-"))  # short: unix socket paths are limited
    folder.chmod(0o755)  # the server account (postgres, under root) must reach its folders
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def private_postgres(drill_folder):
    data, sockets = drill_folder / "postgres", drill_folder / "run"
    account = server_account()
    bindir = choose_pg_bindir(data)
    prepare_folders(account, [data, sockets])
    server = Postgres(bindir, data, sockets, account)
    server.initdb()
    server.start()
    try:
        server.ensure_database(PG_PORT, str(sockets))
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_redis(drill_folder):
    folder = drill_folder / "redis"
    pid = redis_start(shutil.which("redis-server"), folder)
    yield folder / "redis.sock"
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def run_checked(args, env):
    result = subprocess.run(  # noqa: S603
        args, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def test_web_and_worker_recover_from_a_postgresql_restart_and_no_case_is_half_written(
    private_postgres, private_redis, drill_folder
):
    db_url = database_url(PG_PORT, private_postgres.sockets)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.drill_settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": f"unix://{private_redis}?db=0",
        "CELERY_BROKER_URL": f"redis+socket://{private_redis}",
        "DRILL_QUEUE": QUEUE,
        "SECRET_KEY": "drill-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(drill_folder / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    python = sys.executable
    run_checked([python, "manage.py", "migrate", "--noinput"], env)
    said = run_checked([python, "manage.py", "shell", "-c", SETUP], env)
    province, worker_id = said[said.index("DRILL") :].split()[1:3]

    def query(sql):
        conninfo = f"host={private_postgres.sockets} port={PG_PORT} dbname=koodak user=postgres"
        with psycopg.connect(conninfo) as conn:
            return conn.execute(sql).fetchall()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = {name: (drill_folder / f"{name}.log").open("w") for name in ("web", "worker")}
    web = start(
        [python, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        + ["-w", "2", "--timeout", "30"],
        env,
        logs["web"],
    )
    worker = start(
        [python, "-m", "celery", "-A", "config", "worker", "-Q", QUEUE, "-c", "1", "-l", "info"],
        env,
        logs["worker"],
    )
    broker = Celery("drill", broker=env["CELERY_BROKER_URL"])
    client = None
    try:
        # The worker uses its database connection once before the restart...
        broker.send_task("reports.tasks.refresh_summaries", queue=QUEUE)
        wait_until(
            lambda: query("SELECT count(*) FROM reports_summaryrefresh")[0][0] > 0, 90, "a job"
        )

        out = drill_folder / "client.jsonl"
        client = subprocess.Popen(  # noqa: S603
            [python, "-m", "tests.core.drill_client", base, "drill", TEST_PASSWORD]
            + [str(CLIENT_SECONDS), str(out), province, worker_id],
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
        )
        wait_until(lambda: out.exists() and out.read_text().count("\n") >= 3, 60, "writes")
        time.sleep(RESTART_AFTER)
        private_postgres.stop()
        time.sleep(DOWN_FOR)
        private_postgres.start()
        restarted_at = time.monotonic()
        # ...and is sent one after it, which it must run on a fresh connection of its own.
        refreshed = query("SELECT max(refreshed_at) FROM reports_summaryrefresh")[0][0]
        broker.send_task("reports.tasks.refresh_summaries", queue=QUEUE)
        wait_until(
            lambda: query("SELECT max(refreshed_at) FROM reports_summaryrefresh")[0][0] > refreshed,
            60,
            "the worker's first job after the restart",
        )
        assert client.wait(timeout=CLIENT_SECONDS + 60) == 0
        assert time.monotonic() - restarted_at > 5  # the client wrote after the restart
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait()
        web_alive, worker_alive = web.poll() is None, worker.poll() is None
        stop(web)
        stop(worker)
        for log in logs.values():
            log.close()

    # Same processes: neither was restarted nor died.
    assert web_alive and worker_alive

    attempts = [json.loads(line) for line in out.read_text().splitlines()]
    failed = [a for a in attempts if a.get("status") != 302]
    after_failure = attempts[attempts.index(failed[-1]) + 1 :] if failed else attempts
    # The restart was felt, and the web answered again by itself afterwards.
    print(f"drill: {len(attempts)} registrations, {len(failed)} failed while the server was down")
    assert failed, "no request failed: the restart did not happen while writing"
    assert len(after_failure) >= 3 and all(a["health"] == 200 for a in after_failure)
    assert all(a["case"] for a in after_failure)

    cases = dict(query("SELECT id, given_name FROM children_case"))
    written = {a["case"]: a["name"] for a in attempts if a.get("case")}
    # Every registration the web confirmed is there; nothing else is, bar attempts whose answer
    # was lost with the connection (then the case is whole or absent, checked below).
    assert {k: cases.get(k) for k in written} == written
    in_doubt = {a["name"] for a in failed}
    assert set(cases.values()) <= set(written.values()) | in_doubt
    # No case half written: each has its consent, its history row and its audit row.
    whole = query(
        """
        SELECT c.id FROM children_case c
        WHERE EXISTS (SELECT 1 FROM children_consent s WHERE s.case_id = c.id)
          AND EXISTS (SELECT 1 FROM children_caseevent e
                      WHERE e.pgh_obj_id = c.id AND e.pgh_label = 'insert')
          AND EXISTS (SELECT 1 FROM core_auditevent a
                      WHERE a.object_type = 'children.case' AND a.object_id = c.id::text
                        AND a.action = 'create')
        """
    )
    assert sorted(row[0] for row in whole) == sorted(cases)
