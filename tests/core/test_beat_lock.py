"""One beat at a time (core/beat.py): a second beat stands by until the first one's lock goes."""

import random
import threading

import psycopg
import pytest

from config.celery import app
from core import beat
from core.beat import BeatLock, SingleBeatScheduler

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_key(monkeypatch):
    """A lock key of this test's own: nothing else on the server can hold it."""
    monkeypatch.setattr(beat, "BEAT_LOCK_KEY", random.randrange(1, 1 << 62))


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(beat, "STANDBY_POLL_SECONDS", 0.1)
    monkeypatch.setattr(beat, "CHECK_EVERY_SECONDS", 0)


def scheduler(tmp_path, name):
    return SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=False)


def test_the_lock_is_held_by_one_process_at_a_time():
    first, second = BeatLock(), BeatLock()
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_second_beat_stands_by_and_takes_over_when_the_first_stops(tmp_path, quick):
    running = scheduler(tmp_path, "a")
    took_over = threading.Event()

    def standby():
        scheduler(tmp_path, "b").close()
        took_over.set()

    thread = threading.Thread(target=standby, daemon=True)
    thread.start()
    assert not took_over.wait(1), "the standby must not start while the first beat runs"
    running.close()
    assert took_over.wait(10), "the standby takes over once the first beat has stopped"
    thread.join(5)


def test_a_beat_that_loses_its_lock_connection_stops(tmp_path, quick):
    running = scheduler(tmp_path, "a")
    pid = running.lock.connection.info.backend_pid
    with psycopg.connect(BeatLock().conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(SystemExit):
        running.tick()
    running.close()


def test_the_settings_use_the_single_beat_scheduler(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "core.beat.SingleBeatScheduler"
