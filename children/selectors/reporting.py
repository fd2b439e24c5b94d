"""What the reports app reads about children: the one door from reports into children.

Reports (reports/builders, reports/selectors, reports/national_tables) import from here only,
never children's models, tables or other selectors, so children can change its internals
without breaking a dashboard. Each function is the query a report runs, unchanged: rows or
counts come back, and the report labels, protects and lays them out. None checks a permission:
the report's own access rule (reports.access, the dashboards' views) decides who reads it.

The national summary tables are filled by SQL of their own (reports/summary.py), which reads
children_case, children_caselink (accepted links: one child counted once, docs/adr/0017) and
children_encounter in a set-based refresh; that is the other place.

The choices reports label their rows with are re-exported at the end.
"""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, connections
from django.db.models import Aggregate, Count, DurationField, F, Q, QuerySet
from django.utils import timezone

from ..models import Case, FollowUp, Referral
from ..models.choices import (
    AgeBand,
    CaseStatus,
    ClosureReason,
    Documentation,
    FollowUpStatus,
    LabourFlag,
    Nationality,
    ReferralState,
    RiskLevel,
    SchoolStatus,
    Sex,
    WorkType,
)
from .documents import policy_affected_by_province, policy_changes
from .outreach import organisation_hotspots

if TYPE_CHECKING:
    from ngos.models import Organisation

__all__ = [
    "AgeBand",
    "CaseStatus",
    "ClosureReason",
    "Documentation",
    "FollowUpStatus",
    "LabourFlag",
    "Nationality",
    "ReferralState",
    "RiskLevel",
    "SchoolStatus",
    "Sex",
    "WorkType",
    "backlog_follow_ups",
    "backlog_referrals",
    "backlog_unseen_cases",
    "closure_reason_counts",
    "follow_up_counts",
    "hotspot_rows",
    "open_case_counts",
    "open_case_grid",
    "policy_affected_by_province",
    "policy_changes",
    "referral_counts",
    "referral_counts_both_sides",
    "referral_month_rows",
    "registration_counts",
]


class Median(Aggregate):
    """PostgreSQL's continuous median; works on intervals as well as numbers."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


# --- The organisation dashboard (reports/selectors/organisation.py) ----------------------------


def open_case_counts(organisation_id: int) -> QuerySet[Case, tuple[Any, ...]]:
    """(status, risk level, caseworker id, count) of the organisation's open cases: one grouped
    query."""
    return (
        Case.objects.filter(organisation_id=organisation_id)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("status", "risk_level", "assigned_to_id")
        .annotate(count=Count("id"))
        .order_by()
    )


# Open cases counted two ways in one pass: by status and risk level, and by caseworker with
# those of high or critical risk. About a hundred rows instead of one per (status, risk,
# caseworker), which at a large organisation were over a thousand (issue 21).
_OPEN_CASE_GRID_SQL = """
SELECT GROUPING(assigned_to_id) = 1 AS by_status, status, risk_level, assigned_to_id,
    COUNT(*) AS open, COUNT(*) FILTER (WHERE risk_level IN (%(high)s, %(critical)s)) AS high
FROM children_case
WHERE organisation_id = %(organisation)s AND status <> %(closed)s
GROUP BY GROUPING SETS ((status, risk_level), (assigned_to_id))
"""


def open_case_grid(
    organisation_id: int,
) -> tuple[list[tuple[str, str | None, int]], list[tuple[int | None, int, int]]]:
    """The organisation's open cases as ([(status, risk level, count)], [(caseworker id, open,
    high or critical)]): the two sums of `open_case_counts`, made in the database."""
    params: dict[str, Any] = {
        "organisation": organisation_id,
        "closed": CaseStatus.CLOSED.value,
        "high": RiskLevel.HIGH.value,
        "critical": RiskLevel.CRITICAL.value,
    }
    by_status, by_worker = [], []
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_CASE_GRID_SQL, params)
        for grid_row, status, risk, worker_id, count, high in cursor.fetchall():
            if grid_row:
                by_status.append((status, risk, count))
            else:
                by_worker.append((worker_id, count, high))
    return by_status, by_worker


# registration_counts and closure_reason_counts in constant text: the ORM took longer to compile
# the seven conditional counts than the database to count them from the index (issue 21). They
# read where the ORM read them (the replica, for the dashboard, when there is one).
_REGISTRATION_RANGE = "COUNT(*) FILTER (WHERE registered_on >= %s AND registered_on <= %s)"
_REGISTRATION_COUNTS_SQL = """
SELECT {ranges}
FROM children_case
WHERE organisation_id = %s AND registered_on >= %s AND registered_on <= %s
"""

_CLOSURE_REASON_COUNTS_SQL = """
SELECT closure_reason, COUNT(*)
FROM children_case
WHERE organisation_id = %(organisation)s AND status = %(closed)s
    AND closed_at >= %(start)s AND closed_at < %(end)s
GROUP BY closure_reason
"""


def registration_counts(
    organisation_id: int,
    *,
    first: datetime.date,
    last: datetime.date,
    ranges: Mapping[str, tuple[datetime.date, datetime.date]],
) -> dict[str, int]:
    """{key: cases registered from its first to its last day} for ``ranges`` = {key: (first,
    last)}, all within ``first``..``last``: one query of conditional counts."""
    sql = _REGISTRATION_COUNTS_SQL.format(ranges=", ".join([_REGISTRATION_RANGE] * len(ranges)))
    params = [day for bounds in ranges.values() for day in bounds]
    with connections[Case.objects.db].cursor() as cursor:
        cursor.execute(sql, [*params, organisation_id, first, last])
        return dict(zip(ranges, cursor.fetchone(), strict=True))


def closure_reason_counts(
    organisation_id: int, *, start_at: datetime.datetime, end_at: datetime.datetime
) -> dict[str, int]:
    """{closure reason: cases closed from ``start_at`` (included) to ``end_at`` and still closed}."""
    params: dict[str, Any] = {
        "organisation": organisation_id,
        "closed": CaseStatus.CLOSED.value,
        "start": start_at,
        "end": end_at,
    }
    with connections[Case.objects.db].cursor() as cursor:
        cursor.execute(_CLOSURE_REASON_COUNTS_SQL, params)
        return dict(cursor.fetchall())


def referral_counts(
    *,
    organisation_id: int,
    sent: bool,
    start_at: datetime.datetime,
    end_at: datetime.datetime,
    now: datetime.datetime,
) -> dict[str, Any]:
    """Counts of the referrals the organisation sent (``sent``) or received, in one query:
    those sent from ``start_at`` to ``end_at`` (``total``, ``state_<state>``, ``answered``,
    ``answered_in_time``, ``measured``: answered or overdue, ``median_answer``: a timedelta or
    None), and whatever the period those waiting for an answer (``waiting_now``) and overdue
    at ``now`` (``overdue_now``)."""
    side = "from_organisation_id" if sent else "to_organisation_id"
    referrals = Referral.objects.filter(**{side: organisation_id})
    sent_in_period = Q(sent_at__gte=start_at, sent_at__lt=end_at)
    waiting = Q(state=ReferralState.SENT)
    overdue = waiting & Q(answer_due_at__lt=now)
    answered = Q(answered_at__isnull=False)
    return referrals.filter(sent_in_period | waiting).aggregate(
        total=Count("id", filter=sent_in_period),
        **{
            f"state_{state}": Count("id", filter=sent_in_period & Q(state=state))
            for state in ReferralState.values
        },
        answered=Count("id", filter=sent_in_period & answered),
        answered_in_time=Count(
            "id", filter=sent_in_period & answered & Q(answered_at__lte=F("answer_due_at"))
        ),
        measured=Count("id", filter=sent_in_period & (answered | overdue)),
        median_answer=Median(
            F("answered_at") - F("sent_at"),
            filter=sent_in_period & answered,
            output_field=DurationField(),
        ),
        waiting_now=Count("id", filter=waiting),
        overdue_now=Count("id", filter=overdue),
    )


# Both sides of referral_counts in one statement: a constant text, so nothing is compiled per
# request (the ORM's eighteen conditional aggregates cost more CPU than the query, issue 21).
# The side a row belongs to is a constant of each branch; the states are parameters.
#
# Each side is read in two disjoint branches, each a range of an index: the referrals sent in
# the period (referral_from_sent_idx, referral_to_sent_idx, index only) and those waiting for an
# answer sent before or after it (referral_outbox_idx, referral_inbox_idx: the side's 'sent'
# ones). One condition OR-ing the two read every referral the organisation ever sent or
# received and kept a tenth (12,000 index entries for the largest organisation, issue 21).
_REFERRAL_SIDES_SQL = """
SELECT side,
    COUNT(*) FILTER (WHERE in_period) AS total,
    {states},
    COUNT(*) FILTER (WHERE in_period AND answered_at IS NOT NULL) AS answered,
    COUNT(*) FILTER (
        WHERE in_period AND answered_at IS NOT NULL AND answered_at <= answer_due_at
    ) AS answered_in_time,
    COUNT(*) FILTER (
        WHERE in_period AND (answered_at IS NOT NULL OR (state = %(sent)s AND answer_due_at < %(now)s))
    ) AS measured,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY answered_at - sent_at)
        FILTER (WHERE in_period AND answered_at IS NOT NULL) AS median_answer,
    COUNT(*) FILTER (WHERE state = %(sent)s) AS waiting_now,
    COUNT(*) FILTER (WHERE state = %(sent)s AND answer_due_at < %(now)s) AS overdue_now
FROM (
    SELECT 'sent' AS side, state, sent_at, answered_at, answer_due_at, TRUE AS in_period
    FROM children_referral
    WHERE from_organisation_id = %(organisation)s AND sent_at >= %(start)s AND sent_at < %(end)s
    UNION ALL
    SELECT 'sent', state, sent_at, answered_at, answer_due_at, FALSE
    FROM children_referral
    WHERE from_organisation_id = %(organisation)s AND state = %(sent)s
        AND (sent_at < %(start)s OR sent_at >= %(end)s)
    UNION ALL
    SELECT 'received', state, sent_at, answered_at, answer_due_at, TRUE
    FROM children_referral
    WHERE to_organisation_id = %(organisation)s AND sent_at >= %(start)s AND sent_at < %(end)s
    UNION ALL
    SELECT 'received', state, sent_at, answered_at, answer_due_at, FALSE
    FROM children_referral
    WHERE to_organisation_id = %(organisation)s AND state = %(sent)s
        AND (sent_at < %(start)s OR sent_at >= %(end)s)
) AS referral
GROUP BY side
""".format(  # noqa: S608 - the states' names are code constants, their values parameters
    states=",\n    ".join(
        f"COUNT(*) FILTER (WHERE in_period AND state = %(state_{state})s) AS state_{state}"
        for state in ReferralState.values
    )
)


def referral_counts_both_sides(
    *,
    organisation_id: int,
    start_at: datetime.datetime,
    end_at: datetime.datetime,
    now: datetime.datetime,
) -> dict[str, dict[str, Any]]:
    """``referral_counts`` of the referrals the organisation sent (``"sent"``) and of those it
    received (``"received"``), read in one query."""
    params: dict[str, Any] = {
        "organisation": organisation_id,
        "start": start_at,
        "end": end_at,
        "now": now,
        "sent": ReferralState.SENT.value,
        **{f"state_{state}": state for state in ReferralState.values},
    }
    with connection.cursor() as cursor:
        cursor.execute(_REFERRAL_SIDES_SQL, params)
        columns = [column.name for column in cursor.description]
        rows = {row[0]: dict(zip(columns[1:], row[1:], strict=True)) for row in cursor.fetchall()}
    # A side with no referral has no row: its counts are 0 and its median None, as an aggregate
    # over no rows gives them.
    empty = dict.fromkeys(columns[1:], 0) | {"median_answer": None}
    return {side: rows.get(side, empty) for side in ("sent", "received")}


# follow_up_counts in constant text: the ORM's eight conditional counts cost more CPU to compile
# than the index-only read they make (issue 21). "Done on time" compares the Tehran day of the
# completion with the due date, as the ORM's `completed_at__date` did.
#
# Two disjoint branches, each a range of an index: the follow-ups due in the period
# (followup_org_due_idx) and the scheduled ones overdue from before or after it
# (followup_org_pending_idx). One condition OR-ing the two read all the organisation's
# follow-ups and kept a tenth (17,900 index entries for the largest organisation, issue 21).
# The second branch gives its status as the constant it is filtered on (the partial index has
# no status column, so it is read from the index alone) and no completion time: its rows
# count only as overdue now.
_FOLLOW_UP_COUNTS_SQL = """
SELECT
    COUNT(*) FILTER (WHERE in_period) AS due,
    COUNT(*) FILTER (
        WHERE in_period AND status = %(done)s AND (completed_at AT TIME ZONE %(zone)s)::date <= due_on
    ) AS on_time,
    COUNT(*) FILTER (
        WHERE in_period AND status = %(done)s AND (completed_at AT TIME ZONE %(zone)s)::date > due_on
    ) AS late,
    COUNT(*) FILTER (WHERE in_period AND status = %(missed)s) AS missed,
    COUNT(*) FILTER (WHERE in_period AND status = %(scheduled)s AND due_on < %(today)s) AS overdue,
    COUNT(*) FILTER (WHERE in_period AND status = %(rescheduled)s) AS rescheduled,
    COUNT(*) FILTER (WHERE in_period AND status = %(scheduled)s AND due_on >= %(today)s) AS upcoming,
    COUNT(*) FILTER (WHERE status = %(scheduled)s AND due_on < %(today)s) AS overdue_now
FROM (
    SELECT status, due_on, completed_at, TRUE AS in_period
    FROM children_followup
    WHERE organisation_id = %(organisation)s AND due_on >= %(first)s AND due_on <= %(last)s
    UNION ALL
    SELECT %(scheduled)s, due_on, NULL, FALSE
    FROM children_followup
    WHERE organisation_id = %(organisation)s AND status = %(scheduled)s AND due_on < %(today)s
        AND (due_on < %(first)s OR due_on > %(last)s)
) AS follow_up
"""


def follow_up_counts(
    organisation_id: int, *, first: datetime.date, last: datetime.date, today: datetime.date
) -> dict[str, int]:
    """Follow-ups of the organisation's cases due from ``first`` to ``last`` by what became of
    them (``due``, ``on_time``, ``late``, ``missed``, ``overdue``, ``rescheduled``,
    ``upcoming``), and those overdue at ``today`` whatever their date (``overdue_now``)."""
    # By the organisation copied onto each follow-up: followup_org_due_idx carries the
    # outcome's columns, so the period's and the overdue ones are read from the index alone,
    # whatever the size of the nation (issue 21).
    params: dict[str, Any] = {
        "organisation": organisation_id,
        "first": first,
        "last": last,
        "today": today,
        "zone": timezone.get_current_timezone_name(),
        **{status: status for status in FollowUpStatus.values},
    }
    with connection.cursor() as cursor:
        cursor.execute(_FOLLOW_UP_COUNTS_SQL, params)
        columns = [column.name for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def hotspot_rows(
    organisation_id: int, *, start_at: datetime.datetime, end_at: datetime.datetime
) -> list[dict[str, Any]]:
    """The organisation's hotspots from ``start_at`` to ``end_at``, busiest first
    (children.selectors.outreach.hotspot_summary)."""
    return organisation_hotspots(organisation_id, start_at, end_at)


# --- The weekly backlog (reports/builders/backlog.py) -------------------------------------------


def backlog_follow_ups(
    organisation: "Organisation", *, last_day: datetime.date, week_end: datetime.datetime
) -> QuerySet[FollowUp]:
    """Follow-ups of the organisation's cases due by ``last_day`` and without an outcome at
    ``week_end`` (scheduled still, or done or missed only after it); oldest first."""
    return (
        FollowUp.objects.filter(organisation=organisation, due_on__lte=last_day)
        .filter(
            Q(status=FollowUpStatus.SCHEDULED)
            | Q(completed_at__gte=week_end, status__in=[FollowUpStatus.DONE, FollowUpStatus.MISSED])
        )
        .exclude(status=FollowUpStatus.RESCHEDULED)
        .select_related("case", "responsible")
        .order_by("due_on", "id")
    )


def backlog_referrals(
    organisation: "Organisation", *, week_end: datetime.datetime
) -> QuerySet[Referral]:
    """Referrals sent or received by the organisation, sent and due before ``week_end`` and not
    answered by then, withdrawn ones aside; the earliest due first."""
    return (
        Referral.objects.filter(answer_due_at__lt=week_end, sent_at__lt=week_end)
        .filter(Q(from_organisation=organisation) | Q(to_organisation=organisation))
        .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=week_end))
        .exclude(state=ReferralState.WITHDRAWN)
        .select_related("case", "from_organisation", "to_organisation", "service")
        .order_by("answer_due_at", "id")
    )


def backlog_unseen_cases(organisation: "Organisation", *, today: datetime.date) -> QuerySet[Case]:
    """The organisation's open cases not seen lately at ``today`` (Case.objects.unseen), the
    longest unseen first."""
    return (
        Case.objects.unseen(today)
        .filter(organisation=organisation)
        .select_related("assigned_to")
        .order_by("last_contact_on", "id")
    )


# --- The monthly referral report (reports/builders/referrals.py) -------------------------------

_REFERRAL_COUNTS_SQL = """
SELECT COALESCE(c.province_id, 0), r.service_id, o.kind, r.state, count(*)
FROM children_referral r
JOIN children_case c ON c.id = r.case_id
JOIN ngos_organisation o ON o.id = r.to_organisation_id
WHERE r.sent_at >= %(start)s AND r.sent_at < %(end)s
GROUP BY 1, 2, 3, 4
"""

_REFERRAL_SPEED_SQL = """
SELECT COALESCE(c.province_id, 0) AS province, GROUPING(COALESCE(c.province_id, 0)) AS national,
       count(*) AS sent,
       count(*) FILTER (WHERE r.answered_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE r.answered_at IS NOT NULL AND r.answered_at <= r.answer_due_at)
           AS on_time,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM r.answered_at - r.sent_at) / 86400
       ) FILTER (WHERE r.answered_at IS NOT NULL) AS median_answer,
       count(*) FILTER (WHERE r.state = 'completed') AS completed,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM r.closed_at - r.sent_at) / 86400
       ) FILTER (WHERE r.state = 'completed' AND r.closed_at IS NOT NULL) AS median_complete
FROM children_referral r
JOIN children_case c ON c.id = r.case_id
WHERE r.sent_at >= %(start)s AND r.sent_at < %(end)s
GROUP BY ROLLUP (COALESCE(c.province_id, 0))
"""


def referral_month_rows(
    *, start: datetime.datetime, end: datetime.datetime
) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
    """The referrals sent from ``start`` to ``end``, in two statements: counts as (province id
    or 0, service id, receiving organisation's kind, state, count) rows; and per province, with
    a national row (``national`` = 1), a dict of how many were sent, answered, answered on time
    and completed, with the median days to answer and to complete."""
    bounds = {"start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(_REFERRAL_COUNTS_SQL, bounds)
        counts = cursor.fetchall()
        cursor.execute(_REFERRAL_SPEED_SQL, bounds)
        columns = [column.name for column in cursor.description]
        speed = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return counts, speed


# The duty to report's raw figures, per province and period (docs/adr/0036-duty-to-report.md).
from .duty import report_alert_facts as report_alert_facts  # noqa: E402
from .duty import report_alert_facts_in as report_alert_facts_in  # noqa: E402


def overdue_referral_counts(now: datetime.datetime) -> list[dict[str, Any]]:
    """Referrals past their answer date and still shared, counted per child's province and
    receiving organisation: [{"case__province_id", "to_organisation_id", "n"}] (docs/adr/0039)."""
    return list(
        Referral.objects.overdue(now=now)
        .filter(sharing_ended_at__isnull=True)
        .values("case__province_id", "to_organisation_id")
        .annotate(n=Count("pk"))
    )
