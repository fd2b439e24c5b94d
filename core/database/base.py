"""Django's PostgreSQL backend, whose health check asks the server only when the connection
might be broken (issue 21, RE-05).

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` on the first query of every request to find out
whether a persistent connection still works: a round trip, and CPU in both the web process and
the server, on every page. A connection the server has ended (a restart, an administrator's
pg_terminate_backend, an idle timeout, a crash of its backend) is told so by the server: its
socket then has something to read, the server's goodbye or the end of the stream. An idle
connection in good order has nothing to read. So the check looks first, without a round trip,
whether the connection is idle, in good order and its socket has nothing waiting; only when
anything is otherwise does Django's `SELECT 1` decide, as before. A connection that failed it
is closed and the request's first query opens a new one, as before.
"""

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


def _quiet_and_idle(connection: Any) -> bool:
    """Whether the psycopg connection is open, idle outside a transaction, and its socket has
    nothing from the server to read (nor an error or hang-up), found without a round trip."""
    try:
        if connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
    except (OSError, ValueError, AttributeError, psycopg.Error):
        return False


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's attributes (BaseDatabaseWrapper.__init__), which its stubs do not declare.
    health_check_enabled: bool
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and _quiet_and_idle(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
