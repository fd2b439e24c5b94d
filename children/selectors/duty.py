"""Reading duty-to-report alerts: the organisation's list, "My work", the case page, the digest,
and the raw figures the ministry's block protects (docs/adr/0036-duty-to-report.md)."""

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.compiled import CompiledRows, capped_counts, counts_of, every_row
from core.models import User
from core.permissions import Perm, has_permission

from ..models import Case, ReportAlert
from ..models.cases import join_names
from ..models.duty import ReportAlertQuerySet

LIMIT = 50

OPEN = "open"
ESCALATED = "escalated"
DECIDED = "decided"
STATES = (OPEN, ESCALATED, DECIDED)


def _organisation_id(user: User) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    return membership.organisation_id if membership is not None else None


def report_alerts_visible_to(user: User) -> ReportAlertQuerySet:
    """The alerts of the user's organisation's cases, for those who decide them; else none."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.REPORT_ALERT_DECIDE):
        return ReportAlert.objects.none()
    return ReportAlert.objects.filter(case__organisation_id=organisation_id)


def report_alert_list(*, user: User, state: str = "") -> ReportAlertQuerySet:
    """The organisation's alerts, open ones first (oldest first), then decided ones (newest)."""
    alerts = report_alerts_visible_to(user).select_related("case", "manager", "decided_by")
    if state == OPEN:
        alerts = alerts.open().filter(escalated_at__isnull=True)
    elif state == ESCALATED:
        alerts = alerts.open().escalated()
    elif state == DECIDED:
        return alerts.decided().order_by("-decided_at", "-id")
    return alerts.order_by(F("decided_at").desc(nulls_first=True), "started_at", "id")


def report_alert_counts(*, user: User) -> dict[str, int]:
    alerts = report_alerts_visible_to(user)
    return {
        OPEN: alerts.open().filter(escalated_at__isnull=True).count(),
        ESCALATED: alerts.open().escalated().count(),
        DECIDED: alerts.decided().count(),
    }


def my_report_alerts(*, user: User) -> ReportAlertQuerySet:
    """Open alerts waiting for this manager: their own, and any escalated in the organisation."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not has_permission(user, Perm.REPORT_ALERT_DECIDE):
        return ReportAlert.objects.none()
    return _waiting(organisation=organisation_id, user=user.pk)


def _waiting(*, organisation: int, user: int) -> ReportAlertQuerySet:
    # report_alerts_visible_to's rows, for a user who may see them.
    return (
        ReportAlert.objects.filter(case__organisation_id=organisation)
        .open()
        .filter(Q(manager_id=user) | Q(escalated_at__isnull=False) | Q(manager__isnull=True))
        .order_by("due_at", "id")
    )


# The section's list as the values it shows, and its counts (asked for only when the list is
# full), compiled to SQL once per process (core/compiled.py, issue 21).
_ALERT_ROWS = CompiledRows(
    ReportAlert,
    lambda key, **ids: _waiting(**ids).values_list(
        *("pk", "case_id", "trigger", "due_at", "escalated_at"),
        *("case__given_name", "case__family_name"),
    )[:LIMIT],
)
_ALERT_COUNTS = CompiledRows(
    ReportAlert,
    lambda key, **ids: counts_of(_waiting(**ids), None, Q(escalated_at__isnull=False)),
)
_TRIGGERS = dict(ReportAlert._meta.get_field("trigger").flatchoices)


def my_work_report_alerts(*, user: User) -> dict[str, Any]:
    """The section on "My work": capped list, exact counts; nothing for those who do not decide."""
    organisation_id = _organisation_id(user)
    may_decide = has_permission(user, Perm.REPORT_ALERT_DECIDE)
    rows: list[tuple[Any, ...]] = []
    count = escalated_count = 0
    if organisation_id is not None and may_decide:
        ids = {"organisation": organisation_id, "user": user.pk}
        rows = _ALERT_ROWS.rows(None, **ids)
        count, escalated_count = capped_counts(
            rows, LIMIT, _ALERT_COUNTS, None, ids, every_row, lambda row: row[4] is not None
        )
    return {
        "may_decide": may_decide,
        "alerts": [
            {
                "pk": pk,
                "case_id": case_id,
                "trigger_label": str(_TRIGGERS.get(trigger, trigger)),
                "due_at": due_at,
                # Open alerts only (children/duty/_state.html reads both).
                "decided_at": None,
                "escalated_at": escalated_at,
                "case_name": join_names(given_name, family_name),
            }
            for pk, case_id, trigger, due_at, escalated_at, given_name, family_name in rows
        ],
        "count": count,
        "escalated_count": escalated_count,
        "now": timezone.now(),
    }


def digest_report_alert_counts(*, user: User) -> dict[str, int]:
    """Counts for the daily digest: never a name."""
    alerts = my_report_alerts(user=user)
    return {"report_alerts": alerts.count(), "report_alerts_escalated": alerts.escalated().count()}


def case_report_alerts(case: Case) -> QuerySet[ReportAlert]:
    """Every alert of a case the user may already see (the caller checked the case)."""
    return case.report_alerts.select_related("decided_by", "manager").order_by(
        F("decided_at").desc(nulls_first=True), "-started_at"
    )


def _in(field: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{field}__date__gte": start, f"{field}__date__lt": end})


def _fact_rows(first: datetime.date, last: datetime.date) -> QuerySet[ReportAlert, Any]:
    return ReportAlert.objects.filter(
        _in("started_at", first, last)
        | _in("decided_at", first, last)
        | _in("escalated_at", first, last)
    ).values_list("case__province_id", "started_at", "decided_at", "escalated_at")


# The ministry dashboard's read, compiled once per quarter and time zone (core/compiled.py, issue
# 21): its date lookups cost the ORM more to compile than the query takes.
_FACT_ROWS = CompiledRows(ReportAlert, lambda key: _fact_rows(key[0], key[1]))


def report_alert_facts(
    start: datetime.date, end: datetime.date
) -> dict[int | None, dict[str, Any]]:
    """Raw figures per child's province for the period [start, end): alerts started, decided and
    escalated in it, and the hours each decision took. Never a case: the ministry's block
    (reports/duty.py) protects them before anyone sees them."""
    return report_alert_facts_in([(start, end)])[0]


def report_alert_facts_in(
    ranges: list[tuple[datetime.date, datetime.date]],
) -> list[dict[int | None, dict[str, Any]]]:
    """`report_alert_facts` of each [start, end) in `ranges`, read in one query (the dashboard's
    quarter and the quarters of its trend)."""
    facts: list[dict[int | None, dict[str, Any]]] = [{} for _range in ranges]
    if not ranges:
        return facts
    first, last = min(start for start, _end in ranges), max(end for _start, end in ranges)
    # The dates and the time zone their days are cut in are the whole of the SQL's text.
    rows = _FACT_ROWS.rows((first, last, timezone.get_current_timezone_name()))
    local = timezone.localtime
    for province_id, started_at, decided_at, escalated_at in rows:
        started_on = local(started_at).date()
        escalated_on = local(escalated_at).date() if escalated_at is not None else None
        decided_on = local(decided_at).date() if decided_at is not None else None
        for (start, end), by_province in zip(ranges, facts, strict=True):
            started = start <= started_on < end
            escalated = escalated_on is not None and start <= escalated_on < end
            decided = decided_on is not None and start <= decided_on < end
            if not (started or escalated or decided):
                continue
            row = by_province.setdefault(
                province_id, {"started": 0, "decided": 0, "escalated": 0, "hours": []}
            )
            row["started"] += started
            row["escalated"] += escalated
            if decided and decided_at is not None:
                row["decided"] += 1
                row["hours"].append((decided_at - started_at).total_seconds() / 3600)
    return facts
