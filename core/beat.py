"""One Celery beat at a time, however many are started (docs/adr/0041).

Beat sends the periodic tasks; two of them would send each task twice. Every beat process first
takes a PostgreSQL advisory lock on a connection of its own and keeps it for its whole life. A
second beat (`--scale beat=2`, or a beat left running on an old machine) waits as a standby until
the first one's connection closes, which PostgreSQL notices when the process dies, then takes
over. If the lock's connection breaks under a running beat (the database restarted), that beat
stops at its next tick rather than run on without the lock; its supervisor starts it again and it
queues behind whoever holds the lock now.
"""

import contextlib
import logging
import time
from typing import Any

import psycopg
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

# pg_advisory_lock's key: any constant the application uses for nothing else. "KOODAKBT" in ASCII.
BEAT_LOCK_KEY = 0x4B4F4F44414B4254
STANDBY_POLL_SECONDS = 5
CHECK_EVERY_SECONDS = 30


def _conninfo() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "application_name": "koodak-beat-lock",
    }
    return psycopg.conninfo.make_conninfo(**{key: value for key, value in parts.items() if value})


class BeatLock:
    """The advisory lock, held on its own autocommit connection while the process lives."""

    def __init__(self, conninfo: str | None = None) -> None:
        self.conninfo = conninfo or _conninfo()
        self.connection: psycopg.Connection | None = None

    def try_acquire(self) -> bool:
        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(self.conninfo, autocommit=True)
        key = BEAT_LOCK_KEY
        row = self.connection.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
        return bool(row and row[0])

    def wait(self, poll: float = STANDBY_POLL_SECONDS) -> None:
        announced = False
        while True:
            try:
                if self.try_acquire():
                    logger.info("beat: took the lock; this beat sends the periodic tasks")
                    return
            except psycopg.OperationalError as error:
                logger.warning("beat: database not reachable for the lock (%s); retrying", error)
                self.release()
            if not announced:
                logger.info("beat: another beat holds the lock; standing by")
                announced = True
            time.sleep(poll)

    def still_held(self) -> bool:
        """Whether the lock's connection is still alive (the lock goes with it)."""
        if self.connection is None or self.connection.closed:
            return False
        try:
            self.connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def release(self) -> None:
        if self.connection is not None:
            # Unlocked before closing: the server drops a closed session's locks only once its
            # backend has exited, and a standby asking in between would still find it held.
            with contextlib.suppress(psycopg.Error):
                self.connection.execute("SELECT pg_advisory_unlock_all()")
            self.connection.close()
            self.connection = None


class SingleBeatScheduler(PersistentScheduler):
    """PersistentScheduler that runs only while it holds the beat lock."""

    lock: BeatLock | None = None
    _checked_at = 0.0

    def setup_schedule(self) -> None:
        # Called by the scheduler's constructor: the standby waits here, before any task is sent.
        self.lock = BeatLock()
        self.lock.wait()
        self._checked_at = time.monotonic()
        super().setup_schedule()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if time.monotonic() - self._checked_at > CHECK_EVERY_SECONDS:
            self._checked_at = time.monotonic()
            if self.lock is not None and not self.lock.still_held():
                logger.error("beat: lost the lock's connection; stopping so a single beat runs")
                raise SystemExit(1)
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        super().close()
        if self.lock is not None:
            self.lock.release()
