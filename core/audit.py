"""Writing the audit log. Call `record()` inside the transaction of the action it records."""

import re
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from .models import AuditEvent
from .request_context import current as current_request
from .types import AnyUser

Action = AuditEvent.Action

# Control characters (CR, LF, NUL, ...) in user input must not forge lines in logs or exports.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: object, limit: int) -> str:
    return _CONTROL.sub(" ", str(value or ""))[:limit]


def record(
    action: str,
    *,
    user: "AnyUser | None" = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    organisation: models.Model | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row and return it.

    `user` is who acted (None for anonymous attempts); `obj` a model instance the action was
    about (or give `object_type`/`object_id`). Organisation and role default to the user's own.
    The request id, client address and path come from the current request, when there is one.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    role = ""
    actor = None
    username = ""
    if user is not None and user.is_authenticated:
        actor = user
        username = user.get_username()
        membership = user.membership_or_none
        if membership is not None:
            role = membership.role
            organisation = organisation if organisation is not None else membership.organisation
    elif user is not None:
        username = getattr(user, "attempted_username", "")
    meta = current_request()
    if isinstance(organisation, models.Model) or organisation is None:
        organisation_id = getattr(organisation, "pk", None)
    else:
        organisation_id = organisation
    return _create(
        AuditEvent(
            action=action,
            actor=actor,
            actor_username=clean(username, 150),
            role=role,
            organisation_id=organisation_id,
            object_type=clean(object_type, 64),
            object_id=clean(object_id, 64),
            ip_address=meta.ip_address if meta else None,
            request_id=meta.request_id if meta else None,
            path=clean(meta.path, 300) if meta else "",
            detail=detail or {},
        )
    )


# The INSERT of `AuditEvent.objects.create`, compiled once a process and database (issue 21):
# SQL, the fields its parameters are read from, the fields it returns. None: the ORM's own save.
_INSERTS: dict[str, tuple[str, list[Any], list[Any]] | None] = {}


def _compile_insert(alias: str) -> tuple[str, list[Any], list[Any]] | None:
    meta = AuditEvent._meta
    # What Model._save_table inserts for a new row without a primary key.
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = list(meta.db_returning_fields)
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, [AuditEvent()])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = returning
    statements = compiler.as_sql()
    cols = [field.get_col(meta.db_table) for field in returning]
    plain = all(getattr(field, "get_placeholder", None) is None for field in fields)
    if len(statements) != 1 or len(statements[0][1]) != len(fields) or not plain:
        return None
    if compiler.returning_params or compiler.get_converters(cols):
        return None
    return statements[0][0], fields, returning


def _create(event: AuditEvent) -> AuditEvent:
    """`event.save(force_insert=True)`, as `objects.create` does, with the INSERT's SQL compiled
    once: each call prepares the row's values as the ORM does (`pre_save`, `get_db_prep_save`).
    Where something listens to the model's save signals, the ORM saves it."""
    alias = router.db_for_write(AuditEvent)
    if pre_save.has_listeners(AuditEvent) or post_save.has_listeners(AuditEvent):
        event.save(force_insert=True, using=alias)
        return event
    if alias not in _INSERTS:
        _INSERTS[alias] = _compile_insert(alias)
    compiled = _INSERTS[alias]
    if compiled is None:
        event.save(force_insert=True, using=alias)
        return event
    sql, fields, returning = compiled
    connection = connections[alias]
    params = [
        field.get_db_prep_save(field.pre_save(event, add=True), connection) for field in fields
    ]
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()  # the RETURNING columns, as PostgreSQL's backend reads them
    for value, field in zip(row, returning, strict=True):
        setattr(event, field.attname, value)
    event._state.adding = False
    event._state.db = alias
    return event


def record_attempt(
    action: str, *, username: str, detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Audit something done by someone not signed in, e.g. a failed sign-in, by the name typed."""
    meta = current_request()
    return AuditEvent.objects.create(
        action=action,
        actor_username=clean(username, 150),
        ip_address=meta.ip_address if meta else None,
        request_id=meta.request_id if meta else None,
        path=clean(meta.path, 300) if meta else "",
        detail=detail or {},
    )
