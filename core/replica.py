"""Reads that may go to a read replica (docs/adr/0040-reads-on-a-replica.md).

With `DATABASE_REPLICA_URL` set, the views named in `settings.REPLICA_READ_VIEWS` (dashboards and
exports: aggregate reads that tolerate a second of replication lag) and the report builders read
through the `replica` connection. Everything else stays on the primary: writes always, and every
read of a request that may have just written (a case page after its form, a report's page after
asking for it), so nobody ever reads their own change as missing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)

# Who may sign in (users, sessions, devices, lockouts, API tokens) and what is running (outbox,
# leases): always read where it was last written.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "otp_totp", "otp_static", "axes", "core", "api"})


def replica_alias() -> str:
    """The replica's connection alias, or "" when reads all go to the primary."""
    alias = getattr(settings, "DATABASE_REPLICA", "")
    return alias if alias and alias in settings.DATABASES else ""


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads of aggregate data go to the replica when one is configured."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def stream_from_replica(chunks: Any) -> Iterator[Any]:
    """A streamed response's body, each chunk read within `replica_reads` (it is consumed after
    the view has returned, outside the middleware's block)."""
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class ReplicaRouter:
    """Sends reads made within `replica_reads` to the replica; never a write, never a migration."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = replica_alias()
        if not alias or not _reading_replica.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        # Inside a transaction on the primary, a read must see what the transaction wrote.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows: an object read there may point at one read here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Runs the views of `settings.REPLICA_READ_VIEWS` within `replica_reads`.

    Last in MIDDLEWARE: every other middleware's view hook (CSRF, sign-in, second factor) has
    run on the primary before this one calls the view. The response is rendered inside the block,
    since templates evaluate querysets lazily.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_view(self, request: Any, view_func: Any, args: Any, kwargs: Any) -> Any:
        match = request.resolver_match
        if not replica_alias() or match is None:
            return None
        if match.view_name not in settings.REPLICA_READ_VIEWS:
            return None
        # Who is asking is decided on the primary: a deactivation is never read late.
        getattr(request.user, "pk", None)
        with replica_reads():
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        if getattr(response, "streaming", False):
            response.streaming_content = stream_from_replica(response.streaming_content)
        return response
