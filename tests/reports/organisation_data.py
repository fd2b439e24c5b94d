"""Rows for the organisation dashboard's tests, written straight to the tables so each date and
state is exactly what a test says (the services would stamp today's date)."""

import datetime
import itertools
import zoneinfo

from children.models import Case, FollowUp, Referral
from children.models.choices import (
    AgeBand,
    CaseStatus,
    Documentation,
    FollowUpStatus,
    Nationality,
    ReferralState,
    Sex,
)
from children.services import encounter_log
from ngos.reference import ensure_services
from tests.factories import province

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
_numbers = itertools.count(1)


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
    return Case.objects.create(
        organisation=organisation,
        case_number=f"TEH-{organisation.code}-1405-{next(_numbers):05d}",
        status=status,
        risk_level=risk,
        assigned_to=worker,
        created_by=worker,
        registered_on=registered_on,
        given_name="کودک",
        sex=Sex.MALE,
        estimated_age=10,
        nationality=Nationality.AFGHAN,
        documentation=Documentation.UNDOCUMENTED,
        province=province("tehran"),
        closed_at=closed_at,
        closure_reason=reason,
    )


def make_referral(case, to, *, sent_at, state=ReferralState.SENT, answered_at=None):
    return Referral.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to,
        service=ensure_services()["education"],
        state=state,
        need="آموزش",
        consent_override_reason="آزمون",
        sent_by=case.assigned_to,
        sent_at=sent_at,
        answer_due_at=Referral.due_from(sent_at),
        answered_by=case.assigned_to if answered_at else None,
        answered_at=answered_at,
        decline_reason="ظرفیت ندارد" if state == ReferralState.DECLINED else "",
    )


def make_follow_up(case, due_on, status=FollowUpStatus.SCHEDULED, completed_at=None):
    return FollowUp.objects.create(
        case=case,
        due_on=due_on,
        kind="home_visit",
        responsible=case.assigned_to,
        status=status,
        completed_at=completed_at,
        created_by=case.assigned_to,
    )


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
