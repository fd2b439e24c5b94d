"""Rows for the organisation dashboard's tests, written straight to the tables by the factories
(tests/factories.py) so each date and state is exactly what a test says (the services would stamp
today's date)."""

import datetime
import zoneinfo

from children.models.choices import (
    AgeBand,
    CaseStatus,
    Documentation,
    FollowUpStatus,
    ReferralState,
    Sex,
)
from children.services import encounter_log
from tests.factories import CaseFactory, FollowUpFactory, ReferralFactory, province

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def at(year, month, day, hour=10, minute=0):
    """A moment in Tehran time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def make_case(
    organisation,
    worker,
    *,
    status=CaseStatus.REGISTERED,
    risk="",
    registered_on,
    closed_at=None,
    reason="",
):
    return CaseFactory(
        organisation=organisation,
        status=status,
        risk_level=risk,
        assigned_to=worker,
        registered_on=registered_on,
        documentation=Documentation.UNDOCUMENTED,
        closed_at=closed_at,
        closure_reason=reason,
    )


def make_referral(case, to, *, sent_at, state=ReferralState.SENT, answered_at=None):
    return ReferralFactory(
        case=case,
        to_organisation=to,
        need="آموزش",
        state=state,
        sent_at=sent_at,
        answered_by=case.assigned_to if answered_at else None,
        answered_at=answered_at,
    )


def make_follow_up(case, due_on, status=FollowUpStatus.SCHEDULED, completed_at=None):
    return FollowUpFactory(case=case, due_on=due_on, status=status, completed_at=completed_at)


def meet(user, hotspot, occurred_at, *, cases=(), boys_6_11=0):
    return encounter_log(
        by=user,
        organisation=user.membership.organisation,
        data={
            "occurred_at": occurred_at,
            "province": province("tehran"),
            "city": "تهران",
            "hotspot": hotspot,
            "activity": "regular_visit",
        },
        cases=cases,
        anonymous={(Sex.MALE, AgeBand.AGE_6_11): boys_6_11},
    )
