"""One sweep for work left half done (RE-07): imports and report builds that wait for a worker
that is gone.

Each app registers a function in its AppConfig.ready (core imports no domain app); the sweep,
a beat job every few minutes, calls them all. Work counts as stuck when it is still in a running
state, no live run holds its lease (core.leases), no message for it waits in the outbox, and its
last message went out more than STUCK_WORK_MINUTES ago. A sweeper queues the job again through
the outbox; the jobs are safe to repeat.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import leases, outbox

logger = logging.getLogger(__name__)

Sweeper = Callable[[datetime], int]
_SWEEPERS: dict[str, Sweeper] = {}


def register(name: str, sweeper: Sweeper) -> None:
    """Add `sweeper(cutoff)`: it re-queues work of its app that is stuck since before `cutoff`
    and returns how many jobs it queued."""
    _SWEEPERS[name] = sweeper


def cutoff() -> datetime:
    return timezone.now() - timedelta(minutes=settings.STUCK_WORK_MINUTES)


def sweep() -> dict[str, int]:
    """Run every registered sweeper; return how many jobs each queued again."""
    before = cutoff()
    queued = {}
    for name, sweeper in _SWEEPERS.items():
        queued[name] = sweeper(before)
        if queued[name]:
            logger.warning("stuck-work sweep: %s job(s) of %s queued again", queued[name], name)
    return queued


def is_stuck(
    *, lease_key: str, task: str, args: tuple[object, ...], since: datetime, before: datetime
) -> bool:
    """Whether a job in a running state (since `since`) is waiting for a worker that is gone."""
    if leases.is_held(lease_key) or outbox.pending(task, *args):
        return False
    last = outbox.last_queued(task, *args)
    return max(last or since, since) < before
