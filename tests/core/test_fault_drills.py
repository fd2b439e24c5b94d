"""Fault drills with a real Redis and a real Celery worker (RE-04, RE-07, RE-03).

Each drill starts its own Redis (core/devstack's code, on a socket in a temporary folder) and
stops and starts only that one; the machine's Redis is never touched. The worker runs against
the test database like tests/reports/test_worker.py's.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from children.models import Case, Encounter
from config.celery import app
from core import outbox
from core.devstack.redisserver import redis_pid, redis_start, redis_stop
from core.models import OutboxMessage
from imports.models import ImportJob
from reports import periods
from reports.models import Report
from reports.services import report_request
from tests.children.conftest import encounter_post, registration_post
from tests.children.test_imports import FA, csv_bytes, good_rows

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 300  # "a fresh worker finishes it within five minutes"


class PrivateRedis:
    def __init__(self):
        self.server = shutil.which("redis-server")
        if self.server is None:
            pytest.skip("no redis-server on this machine")
        # A short folder: a unix socket's path has a small limit.
        self.folder = Path(tempfile.mkdtemp(prefix="kdr"))
        self.sock = self.folder / "redis.sock"
        self.pid = None

    @property
    def broker_url(self):
        return f"redis+socket://{self.sock}"

    @property
    def cache_url(self):
        return f"unix://{self.sock}?db=0"

    def start(self):
        self.pid = redis_start(self.server, self.folder)

    def stop(self):
        if self.pid and redis_pid(self.folder) == self.pid:
            redis_stop(self.folder, self.pid)
        self.pid = None


@pytest.fixture
def redis_private():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def broker(redis_private, settings, tmp_path):
    """This process sends to the private Redis instead of running tasks in-process, and keeps
    files on disk where the worker finds them."""
    media = tmp_path / "media"
    media.mkdir()
    os.environ["KOODAK_DRILL_MEDIA"] = str(media)  # the worker's settings read it
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_private.broker_url
    app.conf.broker_write_url = redis_private.broker_url
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": redis_private.cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    yield redis_private
    os.environ.pop("KOODAK_DRILL_MEDIA", None)
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = saved


def _database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real Celery worker in its own process group (so the whole of it can be killed)."""

    def __init__(self, redis, log, **env):
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.core.outbox_drill_settings",
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "CELERY_BROKER_URL": redis.broker_url,
            "REDIS_URL": redis.cache_url,
            **env,
        }
        with log.open("a") as output:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "tests.reports.hanging_worker"],
                cwd=Path(settings.BASE_DIR),
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_for(lambda: " ready." in log.read_text(), "the worker to start")

    def wait_for(self, condition, what, seconds=WAIT_SECONDS):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.log.read_text()[-4000:]}")

    def kill_whole(self):
        """SIGKILL to the worker and its pool processes at once: no chance to give tasks back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def test_with_redis_down_pages_answer_and_the_queued_work_runs_once_redis_is_back(
    broker, tmp_path, client_as, cw_a, adm, min_officer, org_a
):
    marker = tmp_path / "no-hang"
    marker.write_text("")  # this drill's builds never hang
    log = tmp_path / "worker.log"
    worker = Worker(broker, log, KOODAK_TEST_HANG_MARKER=str(marker))
    try:
        broker.stop()  # Redis goes down while the worker is running
        started = time.monotonic()

        # A case saved and an encounter recorded: the pages answer as usual.
        response = client_as(cw_a).post(reverse("children:case_register"), registration_post(cw_a))
        assert response.status_code == 302
        assert Case.objects.count() == 1
        response = client_as(cw_a).post(reverse("children:encounter_create"), encounter_post())
        assert response.status_code == 302
        assert Encounter.objects.count() == 1

        # An import uploaded: the job is kept and its check waits in the outbox.
        response = client_as(adm).post(
            reverse("imports:import_upload"),
            {
                "organisation": org_a.pk,
                "kind": ImportJob.Kind.CHILDREN,
                "file": SimpleUploadedFile("c.csv", csv_bytes(FA, good_rows(3))),
            },
        )
        assert response.status_code == 302
        job = ImportJob.objects.get()

        # A report asked for, and the ministry dashboard read from the database.
        period = periods.last_complete(periods.MONTH)
        response = client_as(min_officer).post(
            reverse("reports:report_ask"),
            {"kind": Report.Kind.MONTHLY_REFERRALS, "period": period.key},
        )
        assert response.status_code == 302
        report = Report.objects.get()
        assert client_as(min_officer).get(reverse("reports:national_dashboard")).status_code == 200
        assert time.monotonic() - started < 60  # no page waited on the broker for long

        waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
        assert set(waiting.values_list("task", flat=True)) == {
            "imports.tasks.run_import",
            "reports.tasks.build_report",
        }
        assert outbox.relay() == 0  # the relay cannot send either while Redis is down
        assert waiting.count() == 2

        broker.start()  # Redis is back (empty: it kept nothing)
        assert outbox.relay() == 2  # what the beat job does every minute
        assert outbox.relay() == 0

        def done():
            job.refresh_from_db()
            report.refresh_from_db()
            return job.status == ImportJob.Status.PREVIEWED and report.status == Report.Status.READY

        worker.wait_for(done, "the import's check and the report")
        assert job.rows_valid == 3
        assert Report.objects.count() == 1
        assert str(report.built_run_id) == str(report.run_id)
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exclude(
            task="reports.tasks.notify_report_ready"
        )
        text = log.read_text()
        assert text.count("Task imports.tasks.run_import[") == 2  # received, then succeeded
        assert text.count("Task reports.tasks.build_report[") == 2
    finally:
        worker.stop()


def test_a_worker_killed_whole_mid_report_is_finished_by_a_fresh_worker_once(
    broker, tmp_path, client_as
):
    marker, log = tmp_path / "hung-pid", tmp_path / "worker.log"
    short = {
        "KOODAK_TEST_HANG_MARKER": str(marker),
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "JOB_LEASE_SECONDS": "6",
    }
    first = Worker(broker, log, **short)
    try:
        report = report_request(
            kind=Report.Kind.MONTHLY_REFERRALS, period=periods.last_complete(periods.MONTH)
        )
        run_id = str(report.run_id)
        first.wait_for(marker.exists, "the build to start")  # it stops at the PDF step
        report.refresh_from_db()
        assert report.status == Report.Status.BUILDING
        first.kill_whole()
    finally:
        first.stop()

    started = time.monotonic()
    second = Worker(broker, log, **short)  # the marker exists: this worker's builds run through
    try:

        def ready():
            return Report.objects.filter(pk=report.pk, status=Report.Status.READY).exists()

        second.wait_for(ready, "the fresh worker to finish the report")
        assert time.monotonic() - started < WAIT_SECONDS
        rows = list(Report.objects.all())
        assert len(rows) == 1
        assert str(rows[0].run_id) == str(rows[0].built_run_id) == run_id
        assert rows[0].xlsx.name and rows[0].pdf.name
    finally:
        second.stop()
