"""Rows for the reports tests: cases, encounters, referrals and follow-ups written straight to
the database by the factories (tests/factories.py) with the dates a test needs (the services
would stamp today)."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from children.models.choices import ReferralState
from reports import periods
from tests.factories import (
    CaseFactory,
    EncounterFactory,
    FollowUpFactory,
    ReferralFactory,
    province,
)

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = datetime.UTC
SHAHRIVAR = datetime.date(2026, 9, 5)  # 14 Shahrivar 1405
MEHR = datetime.date(2026, 10, 1)  # 9 Mehr 1405
# 31 Shahrivar 23:30 and 1 Mehr 00:30 in Tehran: both 22 September in UTC.
BEFORE_MIDNIGHT = datetime.datetime(2026, 9, 22, 20, 0, tzinfo=UTC)
AFTER_MIDNIGHT = datetime.datetime(2026, 9, 22, 21, 0, tzinfo=UTC)
Q2, Q3 = periods.quarter(1405, 2), periods.quarter(1405, 3)


def tehran(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def make_case(organisation, user, *, registered_on, where="tehran", **fields):
    """A case row; `closed_at`/`closure_reason` close it."""
    return CaseFactory(
        organisation=organisation,
        assigned_to=user,
        registered_on=registered_on,
        province=province(where),
        **fields,
    )


def make_encounter(organisation, user, *, occurred_at, where="tehran", **anonymous):
    return EncounterFactory(
        organisation=organisation,
        caseworker=user,
        occurred_at=occurred_at,
        province=province(where),
        **{f"anon_{key}": value for key, value in anonymous.items()},
    )


def make_referral(case, to_organisation, service, *, sent_at, state=ReferralState.SENT, **extra):
    """A referral of `case` sent at `sent_at`; `answer_days` and `close_days` set the answers."""
    answer_days = extra.pop("answer_days", None)
    close_days = extra.pop("close_days", None)
    if answer_days is not None:
        extra.setdefault("answered_at", sent_at + datetime.timedelta(days=answer_days))
    if close_days is not None:
        extra.setdefault("closed_at", sent_at + datetime.timedelta(days=close_days))
    return ReferralFactory(
        case=case,
        to_organisation=to_organisation,
        service=service,
        sent_at=sent_at,
        state=state,
        **extra,
    )


def make_follow_up(case, *, due_on, status="scheduled", completed_at=None):
    return FollowUpFactory(case=case, due_on=due_on, status=status, completed_at=completed_at)


def now():
    return timezone.now()
