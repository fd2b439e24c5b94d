"""A page's form sent by the phone carries the id the outbox would use, so it is applied once.

The pages that a street day needs (log an encounter, register a child, add a note, record a
follow-up's outcome) are sent by `static/js/offline-forms.js` with a timeout. When the answer
does not come (a connection the phone believes in but that carries nothing), the same form goes
into the phone's outbox under the same `client_id`. The post may have arrived all the same: this
module remembers its id in the same `SyncItem` table as the sync endpoint, in the same
transaction as the write, so the outbox's copy is answered `already_received` and a second post
of the form creates nothing either (RE-08, docs/adr/0032, docs/adr/0033).

A post without the field (no JavaScript) is written as before.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar, cast

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.models import User

from .models import SyncItem

FIELD = "client_id"

# Said when the same form arrives a second time: it had arrived, only its answer was lost.
ALREADY_SAVED = _("This had arrived already: it is saved once.")

Written = TypeVar("Written", bound=models.Model)


def posted_client_id(request: HttpRequest) -> uuid.UUID | None:
    """The phone-made id the form carries, or None (no JavaScript, or not an id)."""
    value = request.POST.get(FIELD, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def applied_before(request: HttpRequest) -> SyncItem | None:
    """The row of an earlier post (or outbox item) with the form's phone-made id, if any: a
    page checks it before anything else that would answer differently the second time (the
    registration's duplicate check would find the child the first post registered)."""
    client_id = posted_client_id(request)
    if client_id is None:
        return None
    return SyncItem.objects.filter(user=cast(User, request.user), client_id=client_id).first()


def page_post_once(
    request: HttpRequest, kind: str, write: Callable[[], Written]
) -> Written | SyncItem:
    """Run `write` (a service call returning what it made) once for the form's phone-made id.

    Returns what was written now, or the `SyncItem` of the earlier time this id was applied (by
    this page or by the outbox). Two copies racing meet at the unique constraint.
    """
    client_id = posted_client_id(request)
    if client_id is None:
        return write()
    user = cast(User, request.user)  # the views are behind their access decorators
    earlier = applied_before(request)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            made = write()
            SyncItem.objects.create(
                user=user,
                client_id=client_id,
                kind=kind,
                object_type=made._meta.label_lower,
                object_id=str(made.pk),
            )
    except IntegrityError:
        earlier = SyncItem.objects.filter(user=user, client_id=client_id).first()
        if earlier is None:
            raise
        return earlier
    return made
