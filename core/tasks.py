"""Periodic housekeeping jobs. Thin: each calls one function and can be run twice safely."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task
def relay_outbox() -> int:
    """Send the queued tasks that could not be sent right after their commit (RE-04)."""
    from .outbox import relay

    return relay()


@shared_task
def sweep_stuck_work() -> dict[str, int]:
    """Queue again the imports and report builds whose worker is gone (RE-07)."""
    from .stuck import sweep

    return sweep()


@worker_ready.connect
def relay_at_worker_start(**kwargs: Any) -> None:
    """A worker that starts (e.g. after Redis or the machine came back) empties the outbox."""
    relay_outbox.delay()
