"""RE-03 with a real worker: a report build whose pool process is killed midway is redelivered
(acks_late, reject_on_worker_lost) and yields exactly one ready report.

Needs Redis (the broker); skipped when it is not reachable. Takes some seconds: it starts a
prefork worker against the test database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from reports import periods
from reports.models import Report
from reports.services import report_request

WAIT_SECONDS = 120


def _redis_or_skip():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("the broker is not Redis")
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable")


def _database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, what, worker, log):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def sent_to_the_broker():
    """Tasks go through Redis to the worker instead of running in this process."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_midway_leaves_exactly_one_ready_report(tmp_path, sent_to_the_broker):
    _redis_or_skip()
    marker, log = tmp_path / "hung-pid", tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "KOODAK_TEST_HANG_MARKER": str(marker),
    }
    app.control.purge()  # nothing left over from an earlier run
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.reports.hanging_worker"],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: " ready." in log.read_text(), "the worker to start", worker, log)
        period = periods.last_complete(periods.MONTH)
        report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=period)
        run_id = str(report.run_id)
        # The build reaches the PDF step and stops there.
        _wait_for(marker.exists, "the build to start", worker, log)
        pool_pid = int(marker.read_text())
        report.refresh_from_db()
        assert report.status == Report.Status.BUILDING
        assert report.built_at is None
        os.kill(pool_pid, signal.SIGKILL)  # the pool process this test's worker started

        def ready():
            return Report.objects.filter(pk=report.pk, status=Report.Status.READY).exists()

        _wait_for(ready, "the redelivered build", worker, log)
        rows = list(Report.objects.all())
        assert len(rows) == 1
        assert str(rows[0].run_id) == str(rows[0].built_run_id) == run_id
        assert rows[0].xlsx.name and rows[0].pdf.name
        assert "WorkerLostError" in log.read_text() or "worker lost" in log.read_text().lower()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
