"""The application's database role: it owns nothing and cannot rewrite the audit log (LG-03).

Two roles share one database. The owner (`DATABASE_OWNER_URL`) creates and alters the tables: it
runs `migrate` and `grant_app_role`. The application role (`DATABASE_URL` of the web process,
the worker and beat) reads and writes ordinary rows, and may only read and append to the
append-only tables: the audit log, the cases an export held, and the row history written by
django-pghistory's triggers. It holds no TRUNCATE, REFERENCES or TRIGGER right and owns no
object, so it can neither empty those tables nor switch their triggers off nor drop them
(ADR 0026).

`grant_app_role` (re)applies the rights; `migrate` calls it at its end when an owner URL is set,
so a table added by a migration is covered before the application sees it.
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from psycopg import sql

# Tables the application may only SELECT and INSERT.
_APPEND_ONLY_MODELS = ("core.AuditEvent", "core.AuditExportCase")
# Tables the application may only read.
_READ_ONLY_TABLES = ("django_migrations",)
# pghistory's context row is upserted (INSERT ... ON CONFLICT DO UPDATE) by its triggers when a
# request changes several rows: UPDATE is needed there, DELETE never.
_NO_DELETE_TABLES = ("pghistory_context",)


# History columns an app may clear in place (RT-01: anonymising a case clears the child's name
# from its row history too), by event model label. Only these columns get UPDATE; the rest of
# each history row, and DELETE and TRUNCATE, stay refused. Apps add to it in `ready()`.
_HISTORY_CLEARABLE: dict[str, set[str]] = {}


def allow_clearing_history(model_label: str, columns: Iterable[str]) -> None:
    """Let the application UPDATE `columns` of the event table of `model_label` (only those)."""
    _HISTORY_CLEARABLE.setdefault(model_label, set()).update(columns)


def clearable_history_columns() -> dict[str, list[str]]:
    """{event table: its clearable columns that exist}, for the grants."""
    found: dict[str, list[str]] = {}
    for label, names in _HISTORY_CLEARABLE.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        existing = {field.column for field in model._meta.concrete_fields}
        columns = sorted(names & existing)
        if columns:
            found[model._meta.db_table] = columns
    return found


class RoleError(Exception):
    """The rights cannot be applied safely (e.g. the application role would be the owner)."""


def append_only_tables() -> list[str]:
    """The audit log, the export link table and every pghistory event table."""
    from pghistory.models import Event

    tables = [apps.get_model(label)._meta.db_table for label in _APPEND_ONLY_MODELS]
    for model in apps.get_models():
        opts = model._meta
        if issubclass(model, Event) and opts.managed and not opts.proxy and not opts.abstract:
            tables.append(opts.db_table)
    return sorted(set(tables))


def app_role() -> str:
    """The role named by the application's DATABASE_URL."""
    return str(settings.DATABASE_APP_ROLE.get("USER") or "")


def app_password() -> str:
    return str(settings.DATABASE_APP_ROLE.get("PASSWORD") or "")


def owner_configured() -> bool:
    return bool(settings.DATABASE_OWNER_URL)


def _execute(cursor: CursorWrapper, statements: Iterable[sql.Composable]) -> None:
    for statement in statements:
        cursor.execute(statement)


def grant_statements(role: str, owner: str, schema: str) -> list[sql.Composable]:
    """The statements that leave `role` with exactly the application's rights in `schema`."""
    r, o, s = sql.Identifier(role), sql.Identifier(owner), sql.Identifier(schema)
    statements: list[sql.Composable] = [
        # Start from nothing, so a right given by hand or by an older version does not linger.
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(s, r),
        # Nobody but the owner creates objects here (PostgreSQL before 15 let everyone).
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(s),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            s, r
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        # Tables a later migration creates get the ordinary rights at once; migrate then runs
        # this again and narrows the append-only ones.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(o, s, r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(o, s, r),
    ]
    for table in append_only_tables():
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE ON {}.{} FROM {}").format(s, sql.Identifier(table), r)
        )
    for table, columns in clearable_history_columns().items():
        statements.append(
            sql.SQL("GRANT UPDATE ({}) ON {}.{} TO {}").format(
                sql.SQL(", ").join(sql.Identifier(column) for column in columns),
                s,
                sql.Identifier(table),
                r,
            )
        )
    for table in _READ_ONLY_TABLES:
        statements.append(
            sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {}.{} FROM {}").format(
                s, sql.Identifier(table), r
            )
        )
    for table in _NO_DELETE_TABLES:
        statements.append(
            sql.SQL("REVOKE DELETE ON {}.{} FROM {}").format(s, sql.Identifier(table), r)
        )
    return statements


def grant(role: str, *, password: str | None = None, using: str = "default") -> list[str]:
    """Create `role` if it is missing and give it the application's rights, as the owner.

    Runs on the connection `using`, which must be the tables' owner. Returns the append-only
    tables. Refuses when `role` is that owner or a superuser, or owns anything in the database.
    """
    connection: BaseDatabaseWrapper = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        if not role or role == owner:
            raise RoleError(
                "The application's role must differ from the owner that runs migrations: "
                "set DATABASE_URL to the application role and DATABASE_OWNER_URL to the owner."
            )
        cursor.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        r = sql.Identifier(role)
        attributes = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION")
        if found is None:
            statement = sql.SQL("CREATE ROLE {} WITH {}").format(r, attributes)
        else:
            statement = sql.SQL("ALTER ROLE {} WITH {}").format(r, attributes)
        if password:
            statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
        cursor.execute(statement)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = %s",
            [role],
        )
        if cursor.fetchone()[0]:
            raise RoleError(
                f"The role {role} owns tables in this database: reassign them to the owner "
                "(REASSIGN OWNED BY ... TO ...) and run the command again."
            )
        _execute(cursor, grant_statements(role, owner, schema))
    return append_only_tables()


def grant_after_migrate(using: str = "default", **kwargs: object) -> None:
    """post_migrate: re-apply the rights when migrations ran as a separate owner."""
    if owner_configured() and using == "default":
        grant(app_role(), password=app_password() or None)


def check_app_role(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A warning when the application connects as the audit table's owner or a superuser
    (finding 4 again). A database check: `migrate` and `check --database default` run it."""
    if owner_configured() or not databases or "default" not in databases:
        return []
    table = apps.get_model(_APPEND_ONLY_MODELS[0])._meta.db_table
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE') "
            "FROM pg_roles r, pg_class c WHERE r.rolname = current_user "
            "AND c.oid = to_regclass(%s)",
            [table],
        )
        found = cursor.fetchone()
    if found is None or not any(found):
        return []
    return [
        checks.Warning(
            "The application connects to the database as the owner of the audit log or as a "
            "superuser, so application code could empty it or switch its trigger off (LG-03).",
            hint="Set DATABASE_URL to a role that owns nothing and DATABASE_OWNER_URL to the "
            "owner for migrate only (docs/adr/0026).",
            id="core.W026",
        )
    ]
