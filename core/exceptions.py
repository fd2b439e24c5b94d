"""What a service raises when it refuses (docs/adr/0013-where-permission-is-checked.md).

    ServiceError                      any refusal of a write
    ├── ActionNotAllowed              the acting user lacks the permission: Django answers 403
    └── InvalidState                  the object's state does not allow the step right now
        └── Conflict                  someone saved the object after this form was opened

Bad input a person can correct (a missing reason, a username taken) is Django's own
`ValidationError`, naming the field when there is one. `InvalidState` is a `ValidationError`
too, so a form shows either with `add_error` and one `except ValidationError` catches both;
`ActionNotAllowed` is a `PermissionDenied`, so a view that does not catch it answers 403.
`core/refusals.py` turns each into a response.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(Exception):
    """Base of every refusal a service raises. `messages` are sentences to show as they are."""

    @property
    def messages(self) -> list[str]:
        return [str(message) for message in self.args if message]


class ActionNotAllowed(PermissionDenied, ServiceError):
    """The acting user may not do this write. The message, when given, says who may."""


class InvalidState(ValidationError, ServiceError):
    """The step is not allowed from the object's current state (closed, already decided...)."""


class Conflict(InvalidState):
    """The object changed since the form was read; `current` is the object as saved now."""

    def __init__(
        self, current: Any, message: Any = "The object was changed by someone else."
    ) -> None:
        super().__init__(message, code="conflict")
        self.current = current
