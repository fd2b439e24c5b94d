"""Live figures for an organisation's managers: caseload, referrals, follow-ups, outreach.

Everything is scoped to the reader's own organisation and counted in the database: a handful of
grouped or conditionally aggregated queries, whatever the size of the caseload, so the page
never runs a query per row. The figures are the organisation's own, so nothing is suppressed;
the page shows counts and links into the lists where a manager can see who is behind them.

Periods are Jalali: the last 90 days (the default), a Jalali month or a Jalali quarter, always
cut at today so a current month counts what has happened so far. Dates are Tehran calendar days.
"""

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from children.selectors import reporting
from children.selectors.reporting import CaseStatus, ClosureReason, ReferralState, RiskLevel
from core.compiled import CompiledRows
from core.i18n import is_persian
from core.jalali import (
    format_month,
    jalali_month_bounds,
    jalali_quarter_bounds,
    month_name,
    to_jalali,
)
from core.models import User, person_name
from core.permissions import Perm, Role, check_permission
from core.persian import to_persian_digits
from ngos.models import Membership

DEFAULT_PERIOD = "90d"
DEFAULT_DAYS = 90
MONTHS_OFFERED = 12
QUARTERS_OFFERED = 4
TREND_MONTHS = 6
TOP_HOTSPOTS = 10
# Open cases with no assessment yet have no risk level; they get their own column.
NOT_ASSESSED = ""


# --- Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A run of Tehran calendar days, both ends included."""

    key: str
    label: str
    first: datetime.date
    last: datetime.date

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.first)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period (exclusive)."""
        return _midnight(self.last + datetime.timedelta(days=1))


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _months_back(year: int, month: int, count: int) -> tuple[int, int]:
    """(year, month) of the Jalali month `count` months before (year, month)."""
    index = year * 12 + (month - 1) - count
    return index // 12, index % 12 + 1


def _month_period(year: int, month: int, today: datetime.date) -> Period:
    first, last = jalali_month_bounds(year, month)
    return Period(f"m{year}{month:02d}", format_month(year, month), first, min(last, today))


def _quarter_period(year: int, quarter: int, today: datetime.date) -> Period:
    first, last = jalali_quarter_bounds(year, quarter)
    label = _("%(first)s to %(last)s %(year)s") % {
        "first": month_name(quarter * 3 - 2),
        "last": month_name(quarter * 3),
        "year": _digits(year),
    }
    return Period(f"q{year}{quarter}", label, first, min(last, today))


def last_days(today: datetime.date, days: int = DEFAULT_DAYS) -> Period:
    return Period(
        DEFAULT_PERIOD,
        _("The last %(days)s days") % {"days": _digits(days)},
        today - datetime.timedelta(days=days - 1),
        today,
    )


def period_options(today: datetime.date) -> list[tuple[str, list[Period]]]:
    """The periods a manager can choose: (group label, [Period, ...]) pairs, newest first."""
    return [(group, list(periods)) for group, periods in _period_options(today, get_language())]


@functools.lru_cache(maxsize=16)
def _period_options(
    today: datetime.date, language: str
) -> tuple[tuple[str, tuple[Period, ...]], ...]:
    """`period_options` in ``language`` (the active one): a day's seventeen periods and their
    labels, worked out once a day and language rather than twice a page (issue 21)."""
    j = to_jalali(today)
    months = [
        _month_period(*_months_back(j.year, j.month, back), today) for back in range(MONTHS_OFFERED)
    ]
    quarters = []
    year, quarter = j.year, (j.month - 1) // 3 + 1
    for _index in range(QUARTERS_OFFERED):
        quarters.append(_quarter_period(year, quarter, today))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return (
        ("", (last_days(today),)),
        (_("Jalali months"), tuple(months)),
        (_("Quarters"), tuple(quarters)),
    )


def period_for(key: str, today: datetime.date) -> Period | None:
    """The period named `key` among the options, or None when there is no such choice."""
    for _group, periods in period_options(today):
        for period in periods:
            if period.key == key:
                return period
    return None


# --- Figures -----------------------------------------------------------------------------------


def organisation_figures(
    *, user: User, period: Period, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Every figure of the organisation dashboard for `user`'s organisation and `period`.

    Figures about "now" (open cases, overdue follow-ups and referrals) ignore the period.
    """
    check_permission(user, Perm.ORG_DASHBOARD)
    now = now or timezone.now()
    today = timezone.localdate(now)
    organisation_id = user.membership.organisation_id
    return {
        "period": period,
        "today": today,
        **caseload(organisation_id),
        "registrations": registrations_by_month(organisation_id, period),
        "closures": closures_by_reason(organisation_id, period),
        **referral_sides(organisation_id, period, now),
        "follow_ups": follow_up_compliance(organisation_id, period, today),
        "hotspots": hotspots(organisation_id, period),
    }


def caseload(organisation_id: int) -> dict[str, Any]:
    """Open cases by status and risk level, and per caseworker: one grouped query for the
    counts, one for the caseworkers' names."""
    by_risk, by_worker = reporting.open_case_grid(organisation_id)
    risks = [*RiskLevel.values, NOT_ASSESSED]
    statuses = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]
    grid = {status: dict.fromkeys(risks, 0) for status in statuses}
    for status, risk, count in by_risk:
        grid[status][risk or NOT_ASSESSED] += count
    workers: dict[int | None, Any] = {
        worker_id: {"open": count, "high": high} for worker_id, count, high in by_worker
    }

    by_status = [
        {
            "status": status,
            "label": CaseStatus(status).label,
            "counts": [grid[status][r] for r in risks],
        }
        for status in statuses
    ]
    for row in by_status:
        row["total"] = sum(row["counts"])
    risk_totals = [sum(grid[s][r] for s in statuses) for r in risks]

    # Active caseworkers with no open case are listed too: the manager sees who has room. Their
    # ids are read first: the two conditions OR-ed in one query read every user of the country
    # (issue 21, a page about one organisation should not grow with the nation). Whether they
    # are active is read with the few users themselves: joined here, or OR-ed into the users'
    # query, it read every user again.
    room = [user_id for (user_id,) in _ROOM.rows(None, organisation=organisation_id)]
    per_caseworker = [
        {"user": person, **workers.get(person.pk, {"open": 0, "high": 0})}
        for person, is_active in _people({*workers, *room})
        if person.pk in workers or is_active
    ]
    per_caseworker.sort(key=lambda row: -row["open"])
    return {
        "open_total": sum(risk_totals),
        "risk_columns": [
            {"risk": r, "label": RiskLevel(r).label if r else _("Not assessed")} for r in risks
        ],
        "by_status": by_status,
        "risk_totals": risk_totals,
        "per_caseworker": per_caseworker,
    }


# The organisation's caseworkers, compiled once per process (core/compiled.py, issue 21).
_ROOM = CompiledRows(
    Membership,
    lambda key, organisation: Membership.objects.filter(
        organisation_id=organisation, role=Role.CASEWORKER
    ).values_list("user_id"),
)
# What the page shows of them (their name, a link by id), in constant text: a hundred users made
# into objects, and their query compiled for a list of ids, cost more than the names (issue 21).
_PEOPLE_SQL = """
SELECT id, first_name, last_name, username, is_active FROM core_user WHERE id = ANY(%s)
ORDER BY first_name, last_name, username
"""


@dataclass(frozen=True)
class Person:
    """A user as the page names them (`str(user)`): a link by id, a name."""

    pk: int
    username: str
    name: str

    def __str__(self) -> str:
        return self.name


def _people(ids: set[int | None]) -> list[tuple[Person, bool]]:
    """[(person, is active)] of the users `ids`, by name."""
    user_ids = sorted(pk for pk in ids if pk is not None)
    if not user_ids:
        return []
    with connections[router.db_for_read(User)].cursor() as cursor:
        cursor.execute(_PEOPLE_SQL, [user_ids])
        rows = cursor.fetchall()
    return [
        (Person(pk, username, person_name(first_name, last_name, username)), is_active)
        for pk, first_name, last_name, username, is_active in rows
    ]


def registrations_by_month(organisation_id: int, period: Period) -> dict[str, Any]:
    """New registrations in each of the six Jalali months ending with the period's last month,
    and in the period itself: one query of conditional counts."""
    j = to_jalali(period.last)
    months = [_months_back(j.year, j.month, back) for back in reversed(range(TREND_MONTHS))]
    bounds = {year * 100 + month: jalali_month_bounds(year, month) for year, month in months}
    first = min(bounds[min(bounds)][0], period.first)
    counts = reporting.registration_counts(
        organisation_id,
        first=first,
        last=period.last,
        ranges={
            "in_period": (period.first, period.last),
            **{f"m{key}": month for key, month in bounds.items()},
        },
    )
    return {
        "in_period": counts["in_period"],
        "months": [
            {"year_month": key, "label": format_month(key), "count": counts[f"m{key}"]}
            for key in sorted(bounds)
        ],
    }


def closures_by_reason(organisation_id: int, period: Period) -> dict[str, Any]:
    """Cases closed in the period (and still closed) by the reason given, in the list's order."""
    counts = reporting.closure_reason_counts(
        organisation_id, start_at=period.start_at, end_at=period.end_at
    )
    rows = [
        {"reason": reason, "label": ClosureReason(reason).label, "count": counts.pop(reason, 0)}
        for reason in ClosureReason.values
    ]
    # A closure from before reasons were required has none; count it rather than lose it.
    unknown = sum(counts.values())
    if unknown:
        rows.append({"reason": "", "label": _("No reason recorded"), "count": unknown})
    return {"rows": rows, "total": sum(row["count"] for row in rows)}


def referral_sides(
    organisation_id: int, period: Period, now: datetime.datetime
) -> dict[str, dict[str, Any]]:
    """{"referrals_out": referral_figures(sent), "referrals_in": …(received)}, read together."""
    sides = reporting.referral_counts_both_sides(
        organisation_id=organisation_id, start_at=period.start_at, end_at=period.end_at, now=now
    )
    return {
        "referrals_out": _referral_box(sides["sent"]),
        "referrals_in": _referral_box(sides["received"]),
    }


def referral_figures(
    organisation_id: int, period: Period, now: datetime.datetime, *, sent: bool
) -> dict[str, Any]:
    """Referrals the organisation sent (or received) in the period by state and how fast they
    were answered; and, whatever the period, how many wait for an answer now and how many of
    those are overdue.

    Answered within the service level: of the referrals sent in the period that were answered
    or are past their answer date unanswered, the share answered by `answer_due_at`.
    """
    figures = reporting.referral_counts(
        organisation_id=organisation_id,
        sent=sent,
        start_at=period.start_at,
        end_at=period.end_at,
        now=now,
    )
    return _referral_box(figures)


def _referral_box(figures: dict[str, Any]) -> dict[str, Any]:
    median = figures["median_answer"]
    return {
        "total": figures["total"],
        "by_state": [
            {
                "state": state,
                "label": ReferralState(state).label,
                "count": figures[f"state_{state}"],
            }
            for state in ReferralState.values
        ],
        "answered": figures["answered"],
        "answered_in_time": figures["answered_in_time"],
        "measured": figures["measured"],
        "share_in_time": _share(figures["answered_in_time"], figures["measured"]),
        "median_days": None if median is None else round(median.total_seconds() / 86400, 1),
        "waiting_now": figures["waiting_now"],
        "overdue_now": figures["overdue_now"],
    }


def follow_up_compliance(
    organisation_id: int, period: Period, today: datetime.date
) -> dict[str, Any]:
    """Follow-ups due in the period by what became of them, and those overdue now.

    On time: done on or before the due date (Tehran day). Late: done after it. Missed: recorded
    as missed. Still overdue: no outcome and the date has passed. A rescheduled follow-up is
    counted through its replacement, on the replacement's date; one not yet due counts nowhere.
    """
    figures = reporting.follow_up_counts(
        organisation_id, first=period.first, last=period.last, today=today
    )
    counted = figures["on_time"] + figures["late"] + figures["missed"] + figures["overdue"]
    outcomes = [
        ("on_time", _("Done on time")),
        ("late", _("Done late")),
        ("missed", _("Missed")),
        ("overdue", _("Still overdue")),
    ]
    return {
        **figures,
        "counted": counted,
        "share_on_time": _share(figures["on_time"], counted),
        "outcomes": [
            {"key": key, "label": label, "count": figures[key]} for key, label in outcomes
        ],
    }


def hotspots(organisation_id: int, period: Period) -> dict[str, Any]:
    """The busiest hotspots of the period (by encounters) with the children met there."""
    rows = reporting.hotspot_rows(organisation_id, start_at=period.start_at, end_at=period.end_at)
    for row in rows:
        row["anonymous"] = row["anonymous"] or 0
        row["children"] = row["registered"] + row["anonymous"]
    return {
        "rows": rows[:TOP_HOTSPOTS],
        "hotspot_count": len(rows),
        "encounters": sum(row["encounters"] for row in rows),
    }


def _digits(number: int) -> str:
    return to_persian_digits(number) if is_persian() else str(number)


def _share(part: int, whole: int) -> int | None:
    """A whole-number percentage, or None when there is nothing to measure."""
    return None if not whole else round(100 * part / whole)
