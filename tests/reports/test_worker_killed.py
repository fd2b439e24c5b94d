"""RE-03 with a real worker: the process building a report is killed with SIGKILL midway; the
worker hands the task back (acks_late + reject_on_worker_lost), a new process builds it again,
and exactly one complete report exists for the period, with nothing half-written before that."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from reports import periods
from reports.models import Report
from reports.services import report_request

ROOT = Path(__file__).resolve().parents[2]


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        pytest.skip("needs a Redis broker (REDIS_URL)")
    app = Celery(broker=url)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as error:  # noqa: BLE001 - any failure to connect means no broker here
        pytest.skip(f"Redis is not reachable: {error}")
    return app


def _database_url():
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    if host.startswith("/"):
        return f"postgres://{user}@/{db['NAME']}?host={host}&port={port}"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_report_build_killed_midway_is_built_once_by_the_retry(broker, tmp_path):
    period = periods.last_complete(periods.QUARTER)
    with mock.patch("reports.services._queue_build"):
        report = report_request(kind=Report.Kind.QUARTERLY_SUMMARY, period=period)
    queue = f"re03-{uuid.uuid4().hex[:8]}"
    (tmp_path / "pause").write_text("")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "RE03_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.reports.worker_app",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        broker.send_task(
            "reports.tasks.build_report", args=[report.pk, str(report.run_id)], queue=queue
        )
        marker = _wait(lambda: next(tmp_path.glob("building-*"), None), 90, "the build to start")
        building_pid = int(marker.name.split("-")[1])
        # Midway: the row says "building", and nothing of the report is stored yet.
        report.refresh_from_db()
        assert report.status == Report.Status.BUILDING
        assert report.built_at is None and not report.data and not report.xlsx

        os.kill(building_pid, signal.SIGKILL)
        marker.unlink()
        time.sleep(1)
        assert Report.objects.get(pk=report.pk).status != Report.Status.READY
        (tmp_path / "pause").unlink()  # let the retry run through

        _wait(
            lambda: Report.objects.filter(pk=report.pk, status=Report.Status.READY).exists(),
            120,
            "the retried build",
        )
        retried = next(tmp_path.glob("building-*"))
        assert int(retried.name.split("-")[1]) != building_pid  # a new process built it
        reports = Report.objects.filter(kind=Report.Kind.QUARTERLY_SUMMARY, period_key=period.key)
        assert reports.count() == 1
        built = reports.get()
        assert str(built.built_run_id) == str(report.run_id)
        assert built.data["tables"] and built.xlsx.name and built.pdf.name
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
