"""Leases for long jobs (RE-07): one live run of a job at a time, renewed while it works.

A worker killed whole stops renewing, so its lease expires after `JOB_LEASE_SECONDS` and the
job may run again (the broker redelivers it, or the stuck-work sweep queues it). A lease whose
holder was a process of this host that is gone (a pool process killed mid-job, whose task Celery
hands straight to another) is taken over at once. A copy of a job delivered while the first run
is still alive finds the lease held and steps aside.
"""

import os
import socket
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


def new_holder() -> str:
    """A holder name that says where it runs: host, process id, then a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


def _gone(holder: str) -> bool:
    """Whether `holder` was a process of this host that no longer exists (e.g. a pool process
    killed mid-job, whose task Celery hands straight to another pool process)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(key: str, holder: str) -> bool:
    """Take the lease on `key` if it is free, expired, or held by a dead process of this host;
    True when `holder` has it now."""
    if _upsert(key, holder):
        return True
    current = Lease.objects.filter(key=key).values_list("holder", flat=True).first()
    if current is None or not _gone(current):
        return False
    expires = timezone.now() + timedelta(seconds=_seconds())
    taken = Lease.objects.filter(key=key, holder=current).update(holder=holder, expires_at=expires)
    return taken == 1


def _upsert(key: str, holder: str) -> bool:
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
    holder = new_holder()
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
