"""The outbox, the leases, the stuck-work sweep and the forgiving cache (RE-04, RE-07, RE-03),
without a broker. The drills with a real Redis and worker are in test_fault_drills.py."""

import ast
import datetime
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery import app
from core import leases, outbox, stuck
from core.cache import ForgivingRedisCache
from core.models import Lease, OutboxMessage
from core.tasks import clear_expired_sessions


class Boom(Exception):
    pass


@pytest.fixture
def not_eager():
    """Messages go to a (mocked) broker instead of running in this process."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def published(not_eager):
    """The broker that took each message, in order; `down` makes it refuse."""
    sent: list[tuple[str, list]] = []

    class Broker:
        down = False

    def connect():
        if Broker.down:
            raise ConnectionRefusedError("the broker is down")
        return mock.MagicMock()

    def publish(message, connection):
        sent.append((message.task, message.args))

    with (
        mock.patch.object(outbox, "_broker", connect),
        mock.patch.object(outbox, "_publish", publish),
    ):
        Broker.sent = sent
        yield Broker


def test_a_task_queued_in_a_transaction_that_rolls_back_is_never_sent(
    db, published, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        outbox.enqueue(clear_expired_sessions)
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert published.sent == []


def test_a_task_queued_with_its_work_is_sent_once_right_after_commit(
    db, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("reports.tasks.build_report", 7, "run")
    message.refresh_from_db()
    assert message.sent_at is not None
    assert published.sent == [("reports.tasks.build_report", [7, "run"])]
    assert outbox.relay() == 0  # nothing left for the relay
    assert outbox.send(message.pk) is False
    assert len(published.sent) == 1


def test_with_the_broker_down_the_commit_stands_and_the_relay_sends_the_task_later(
    db, published, django_capture_on_commit_callbacks
):
    published.down = True
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("imports.tasks.run_import", 3, True)  # no error reaches the page
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "down" in message.last_error
    assert outbox.pending("imports.tasks.run_import", 3, True)
    assert outbox.relay() == 0
    published.down = False
    assert outbox.relay() == 1
    assert outbox.relay() == 0
    assert published.sent == [("imports.tasks.run_import", [3, True])]
    assert not outbox.pending("imports.tasks.run_import", 3)


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_message_once(published):
    for number in range(5):
        outbox.enqueue("reports.tasks.build_report", number, "run")  # autocommit: sent at once
    OutboxMessage.objects.update(sent_at=None)
    published.sent.clear()
    holding, release = threading.Event(), threading.Event()
    first_publish = outbox._publish

    def slow_publish(message, connection):
        holding.set()
        release.wait(10)
        first_publish(message, connection)

    results = {}

    def first_relay():
        with mock.patch.object(outbox, "_publish", slow_publish):
            results["first"] = outbox.relay()

    thread = threading.Thread(target=first_relay)
    thread.start()
    try:
        assert holding.wait(10)
        results["second"] = outbox.relay()  # the rows are locked by the first: skipped
    finally:
        release.set()
        thread.join(20)
    assert results == {"first": 5, "second": 0}
    assert sorted(args[0] for _task, args in published.sent) == [0, 1, 2, 3, 4]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_the_relay_forgets_sent_messages_after_the_configured_days(db, published):
    outbox.enqueue("core.tasks.clear_expired_sessions")
    old = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS + 1)
    OutboxMessage.objects.update(sent_at=old)
    outbox.enqueue("core.tasks.clear_expired_sessions")
    OutboxMessage.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    outbox.relay()
    assert OutboxMessage.objects.count() == 1


def test_every_task_the_application_queues_goes_through_the_outbox():
    """No `.delay(`, `delay_on_commit` or `apply_async` outside core/outbox.py and the worker's
    own start-up relay (RE-04)."""
    root = Path(settings.BASE_DIR)
    allowed = {root / "core/outbox.py", root / "core/tasks.py"}
    offenders = []
    for app_dir in ("children", "imports", "reports", "meetings", "ngos", "core", "config", "demo"):
        for path in (root / app_dir).rglob("*.py"):
            if path in allowed:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in (
                    "delay",
                    "delay_on_commit",
                    "apply_async",
                    "send_task",
                ):
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


# --- Leases (RE-07) ---------------------------------------------------------------------------


def test_a_lease_held_by_a_live_run_turns_a_second_run_away_until_it_expires(db, settings):
    assert leases.acquire("job:1", "first")
    assert not leases.acquire("job:1", "second")
    assert leases.is_held("job:1")
    Lease.objects.filter(key="job:1").update(expires_at=timezone.now() - datetime.timedelta(1))
    assert not leases.is_held("job:1")  # its worker died: the lease ran out
    assert leases.acquire("job:1", "second")
    with pytest.raises(leases.LeaseHeld), leases.held("job:1"):
        pass


@pytest.mark.django_db(transaction=True)
def test_a_run_renews_its_lease_while_it_works_and_frees_it_at_the_end(settings):
    settings.JOB_LEASE_SECONDS = 2
    with leases.held("job:2") as holder:
        first = Lease.objects.get(key="job:2").expires_at
        time.sleep(1.5)  # longer than a third of the lease
        lease = Lease.objects.get(key="job:2")
        assert lease.holder == holder
        assert lease.expires_at > first
    assert not Lease.objects.filter(key="job:2").exists()


# --- The stuck-work sweep (RE-07) -------------------------------------------------------------


def test_the_sweep_runs_every_registered_app():
    assert {"imports", "reports"} <= set(stuck._SWEEPERS)


def test_work_is_stuck_only_with_no_live_lease_no_waiting_message_and_an_old_last_message(
    db, published, django_capture_on_commit_callbacks
):
    now = timezone.now()
    before = now - datetime.timedelta(minutes=settings.STUCK_WORK_MINUTES)
    long_ago = now - datetime.timedelta(hours=1)

    def is_stuck():
        return stuck.is_stuck(
            lease_key="imports.job:9",
            task="imports.tasks.run_import",
            args=(9, False),
            since=long_ago,
            before=before,
        )

    assert is_stuck()  # never queued (e.g. lost before the outbox existed)
    published.down = True
    outbox.enqueue("imports.tasks.run_import", 9, False)
    assert not is_stuck()  # waits in the outbox: the relay sends it
    OutboxMessage.objects.update(sent_at=now, created_at=now)
    assert not is_stuck()  # just sent: a worker has it
    OutboxMessage.objects.update(sent_at=long_ago, created_at=long_ago)
    assert is_stuck()
    assert leases.acquire("imports.job:9", "a live worker")
    assert not is_stuck()


# --- The cache when Redis is down (RE-04) -----------------------------------------------------


def test_the_cache_misses_quickly_instead_of_failing_when_redis_is_down():
    cache = ForgivingRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    started = time.monotonic()
    assert cache.get("figures", "computed") == "computed"
    cache.set("figures", 1)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is False
    assert cache.delete("a") is False
    assert cache.get_or_set("figures", lambda: "from the database") == "from the database"
    assert time.monotonic() - started < 5


def test_sessions_and_sign_in_lockouts_need_no_redis():
    from importlib import import_module

    from django.contrib.sessions.backends import cached_db, db

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert issubclass(store, db.SessionStore)  # in the database,
    assert not issubclass(store, cached_db.SessionStore)  # and only there
    assert getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler") == (
        "axes.handlers.database.AxesDatabaseHandler"
    )


def test_the_default_cache_is_the_forgiving_one_when_redis_is_configured():
    if not settings.REDIS_URL:
        pytest.skip("no REDIS_URL: an in-process cache")
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.ForgivingRedisCache"


def test_a_lease_left_by_a_dead_process_of_this_host_is_taken_over_at_once(db):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    dead.wait()
    holder = f"{socket.gethostname()}:{dead.pid}:left-behind"
    assert leases.acquire("job:3", holder)  # as a pool process killed mid-job leaves it
    assert leases.acquire("job:3", leases.new_holder())
    assert not leases.acquire("job:3", leases.new_holder())  # this live process holds it now
