"""Leases for long jobs (RE-07): one live run of a job at a time, renewed while it works.

A worker killed whole stops renewing, so its lease expires after `JOB_LEASE_SECONDS` and the
job may run again (the broker redelivers it, or the stuck-work sweep queues it). A copy of a job
delivered while the first run is still alive finds the lease held and steps aside.
"""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from .models import Lease


class LeaseHeld(Exception):
    """Another live run holds the job's lease."""


def _seconds() -> int:
    return int(settings.JOB_LEASE_SECONDS)


def acquire(key: str, holder: str) -> bool:
    """Take the lease on `key` if it is free or expired; True when `holder` has it now."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Lease._meta.db_table} (key, holder, expires_at) VALUES (%s, %s, %s)
            ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder,
                expires_at = EXCLUDED.expires_at
            WHERE {Lease._meta.db_table}.expires_at < %s
            RETURNING holder
            """,  # noqa: S608  (the table name is ours)
            [key, holder, now + timedelta(seconds=_seconds()), now],
        )
        row = cursor.fetchone()
    return row is not None and row[0] == holder


def renew(key: str, holder: str) -> bool:
    expires = timezone.now() + timedelta(seconds=_seconds())
    return Lease.objects.filter(key=key, holder=holder).update(expires_at=expires) == 1


def release(key: str, holder: str) -> None:
    Lease.objects.filter(key=key, holder=holder).delete()


def is_held(key: str) -> bool:
    return Lease.objects.filter(key=key, expires_at__gte=timezone.now()).exists()


@contextmanager
def held(key: str) -> Iterator[str]:
    """Hold the lease on `key` for the block, renewing it from a thread while the block runs.

    Raises LeaseHeld when another live run has it. The lease is released at the end, also when
    the block fails; only a process that dies keeps it until it expires.
    """
    holder = uuid.uuid4().hex
    if not acquire(key, holder):
        raise LeaseHeld(key)
    stop = threading.Event()
    thread = threading.Thread(target=_renew_until, args=(key, holder, stop), daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        stop.set()
        thread.join()
        release(key, holder)


def _renew_until(key: str, holder: str, stop: threading.Event) -> None:
    every = max(_seconds() / 3, 0.5)
    try:
        while not stop.wait(every):
            renew(key, holder)
    finally:
        connections.close_all()  # this thread's own connection
