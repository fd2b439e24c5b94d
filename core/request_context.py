"""What the current request is: its id, the client address and path, for audit rows and logs.

Set by `RequestIdMiddleware`; read by `core.audit` and the log filter. A context variable, so it
is right in threads and in async code alike, and empty in Celery tasks and commands.
"""

import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    request_id: uuid.UUID
    ip_address: str | None
    path: str


_current: ContextVar[RequestMeta | None] = ContextVar("request_meta", default=None)


def current() -> RequestMeta | None:
    return _current.get()


def begin(meta: RequestMeta) -> Token[RequestMeta | None]:
    return _current.set(meta)


def end(token: Token[RequestMeta | None]) -> None:
    _current.reset(token)
