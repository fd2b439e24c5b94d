"""The persistent connection's health check without a round trip (core/database/base.py, RE-05).

A connection in good order is reused without `SELECT 1`; one the server has ended is found
broken, closed and opened again by the request's first query, as with Django's own check.
"""

from unittest import mock

import psycopg
import pytest
from django.db import close_old_connections, connections

from core.database.base import DatabaseWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection():
    """The default connection, persistent and health-checked as in production."""
    connection = connections["default"]
    assert isinstance(connection, DatabaseWrapper)
    connection.ensure_connection()
    with (
        mock.patch.object(connection, "health_check_enabled", True),
        mock.patch.object(connection, "close_at", None),
    ):
        yield connection


def backend_pid(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def a_new_request():
    """What Django does when a request starts: the next query checks the connection again."""
    close_old_connections()


def terminate(pid, connection):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # Wait until the server has ended it (its goodbye reaches the socket).
        for _ in range(200):
            row = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if row[0] == 0:
                return
            other.execute("SELECT pg_sleep(0.01)")


def test_a_connection_in_good_order_is_reused_without_asking_the_server(connection):
    pid = backend_pid(connection)
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as asked:
        for _ in range(3):
            a_new_request()
            assert backend_pid(connection) == pid
    assert asked.call_count == 0


def test_a_connection_the_server_ended_is_opened_again_by_the_next_request(connection):
    pid = backend_pid(connection)
    terminate(pid, connection)
    a_new_request()
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as asked:
        new_pid = backend_pid(connection)  # no error: the check found it broken and reconnected
    assert new_pid != pid
    assert asked.call_count == 1  # Django's own check (SELECT 1) decided


def test_a_connection_inside_a_transaction_is_checked_as_django_does(connection):
    backend_pid(connection)
    connection.set_autocommit(False)
    try:
        backend_pid(connection)  # now in a transaction: not idle
        connection.health_check_done = False
        with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as asked:
            backend_pid(connection)
        assert asked.call_count == 1
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def test_the_check_is_on_for_every_connection_of_the_settings(settings):
    for alias in ("default", "replica"):
        if alias in settings.DATABASES:
            assert settings.DATABASES[alias]["ENGINE"] == "core.database"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
