"""The transactional outbox: every Celery task the application queues goes through `enqueue` (RE-04).

`enqueue` writes an `OutboxMessage` row in the caller's transaction, so a rolled-back change
queues nothing (RE-03) and a committed one cannot lose its task. Right after commit the message
is sent with a short broker timeout; when the broker is down the page still answers normally and
the row waits. The relay (`relay`, a beat job every minute and at worker start) sends what is
left. A row is locked (SELECT ... FOR UPDATE SKIP LOCKED) while it is sent and marked sent in the
same transaction, so two relays, or a relay and the sender after commit, never send it twice.

Delivery is at least once: if the broker took a message but the database could not record it,
it goes again. Tasks are written to be safe to repeat (ADR 0027).
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

AnyTask = Task[Any, Any]

logger = logging.getLogger(__name__)

BATCH = 100


def enqueue(task: AnyTask | str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue `task(*args, **kwargs)` with the current transaction; sent after it commits.

    Arguments must be JSON values (ids, strings), like every task's arguments here.
    """
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args), kwargs=kwargs)
    pk = message.pk
    transaction.on_commit(lambda: send(pk))
    return message


def send(pk: int) -> bool:
    """Send one waiting message now; False when another process has it or the broker is down."""
    if current_app.conf.task_always_eager:
        return _run_eagerly(pk)
    with transaction.atomic():
        message = _lock(OutboxMessage.objects.filter(pk=pk)).first()
        if message is None:
            return False  # sent already, or a relay is sending it right now
        try:
            with _broker() as connection:
                _publish(message, connection)
        except Exception as error:  # noqa: BLE001  (any broker failure: the relay tries again)
            _failed([message], error)
            return False
        _mark_sent([message])
    return True


def relay(*, limit: int = 5000) -> int:
    """Send the messages that are still waiting, oldest first; return how many went out.

    Stops at the first broker error (the next run tries again). Safe with several relays at
    once: each locks the rows it sends and skips the rows another one holds.
    """
    if current_app.conf.task_always_eager:
        pending = list(
            OutboxMessage.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)
        )
        return sum(_run_eagerly(pk) for pk in pending[:limit])
    sent = 0
    while sent < limit:
        with transaction.atomic():
            batch = list(_lock(OutboxMessage.objects.all()).order_by("id")[:BATCH])
            if not batch:
                break
            done: list[OutboxMessage] = []
            try:
                with _broker() as connection:
                    for message in batch:
                        _publish(message, connection)
                        done.append(message)
            except Exception as error:  # noqa: BLE001
                _mark_sent(done)
                _failed([m for m in batch if m not in done][:1], error)
                return sent + len(done)
            _mark_sent(done)
            sent += len(done)
    _prune()
    return sent


def pending(task: AnyTask | str, *args: Any) -> bool:
    """Whether a message for `task` whose arguments begin with `args` is still waiting."""
    exists: bool = _matching(task, args).filter(sent_at__isnull=True).exists()
    return exists


def last_queued(task: AnyTask | str, *args: Any) -> datetime | None:
    """When a message for `task` whose arguments begin with `args` was last queued, if kept."""
    message = _matching(task, args).order_by("-created_at").first()
    return message.created_at if message else None


def _matching(task: AnyTask | str, args: Iterable[Any]) -> Any:
    name = task if isinstance(task, str) else task.name
    messages = OutboxMessage.objects.filter(task=name)
    for index, value in enumerate(args):
        messages = messages.filter(**{f"args__{index}": value})
    return messages


def _lock(messages: Any) -> Any:
    return messages.select_for_update(skip_locked=True).filter(sent_at__isnull=True)


def _broker() -> Any:
    """A broker connection that gives up at once instead of retrying (a page must not hang)."""
    connection = current_app.connection_for_write()
    try:
        connection.ensure_connection(
            max_retries=1,
            interval_start=0,
            interval_step=1,
            interval_max=1,
            timeout=settings.OUTBOX_BROKER_TIMEOUT,
        )
    except Exception:
        connection.release()
        raise
    return connection


def _publish(message: OutboxMessage, connection: Any) -> None:
    current_app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        connection=connection,
        retry=False,
        task_id=f"outbox-{message.pk}",  # a copy sent twice shows under one id in the logs
    )


def _mark_sent(messages: list[OutboxMessage]) -> None:
    if messages:
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(sent_at=timezone.now())


def _failed(messages: list[OutboxMessage], error: Exception) -> None:
    for message in messages:
        logger.warning("outbox: %s not sent yet (%s)", message.task, type(error).__name__)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )


def _run_eagerly(pk: int) -> bool:
    """Tests that are not about Celery run tasks in-process: claim the row, then run the task
    after the claim is committed, as a worker would."""
    with transaction.atomic():
        message = _lock(OutboxMessage.objects.filter(pk=pk)).first()
        if message is None:
            return False
        _mark_sent([message])
    current_app.tasks[message.task].delay(*message.args, **message.kwargs)
    return True


def _prune() -> None:
    """Sent messages are kept for a while (the sweep reads when a job was last queued)."""
    before = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutboxMessage.objects.filter(sent_at__lt=before).delete()
