"""The audit trail of one case: who opened, changed, exported or tried to reach it (LG-05)."""

import datetime

from django.db.models import Q, QuerySet

from core.models import AuditEvent, AuditExportCase, User

from ..models import Case

CASE_TYPE = "children.case"


def case_audit_trail(
    case: Case,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    actor_id: int | None = None,
    action: str = "",
) -> QuerySet[AuditEvent]:
    """The audit rows about `case`, newest first: those naming it, and the exports that held it.

    `since` and `until` are days in the site's time zone, both included. The caller has already
    decided that the reader may see the case's trail (`Perm.CASE_AUDIT_VIEW`).
    """
    exports = AuditExportCase.objects.filter(case_id=case.pk).values("event_id")
    events = AuditEvent.objects.filter(
        Q(object_type=CASE_TYPE, object_id=str(case.pk)) | Q(pk__in=exports)
    )
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    return events.select_related("actor", "organisation").order_by("-at", "-id")


def case_audit_actors(case: Case) -> QuerySet[User]:
    """The people who appear in the case's trail, for the "who" filter."""
    actors = case_audit_trail(case).exclude(actor=None).values("actor_id")
    return User.objects.filter(pk__in=actors).order_by("username")
