"""Writing the audit log. Call `record()` inside the transaction of the action it records."""

import re
from typing import Any

from django.db import models

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
    return AuditEvent.objects.create(
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
