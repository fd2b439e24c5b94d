"""Django's database sessions, read with one SQL statement written once (issue 21).

Every signed-in request reads its session. Django's store builds and compiles a queryset for it
each time, which costs three times what running the query does; this store runs the same SELECT
(the key, not expired) as SQL. Writing, deleting and expiring sessions are Django's, unchanged,
and nothing is kept outside the database (sessions need no Redis, RE-04).
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        # AbstractBaseSession's columns, named as its fields are.
        key, data, expires = (
            quote(name) for name in ("session_key", "session_data", "expire_date")
        )
        sql = (
            f"SELECT {key}, {data}, {expires} FROM {quote(model._meta.db_table)}"  # noqa: S608
            f" WHERE {key} = %s AND {expires} > %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        session = model(session_key=row[0], session_data=row[1], expire_date=row[2])
        session._state.adding = False
        session._state.db = alias
        return session
