"""Rows for the reports tests: cases, encounters, referrals and follow-ups written straight to
the database with the dates a test needs (the services would stamp today)."""

import datetime
import itertools
from zoneinfo import ZoneInfo

from django.utils import timezone

from children.models import Case, Encounter, FollowUp, Referral
from children.models.choices import CaseStatus, ReferralState
from reports import periods
from tests.factories import province

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = datetime.UTC
SHAHRIVAR = datetime.date(2026, 9, 5)  # 14 Shahrivar 1405
MEHR = datetime.date(2026, 10, 1)  # 9 Mehr 1405
# 31 Shahrivar 23:30 and 1 Mehr 00:30 in Tehran: both 22 September in UTC.
BEFORE_MIDNIGHT = datetime.datetime(2026, 9, 22, 20, 0, tzinfo=UTC)
AFTER_MIDNIGHT = datetime.datetime(2026, 9, 22, 21, 0, tzinfo=UTC)
Q2, Q3 = periods.quarter(1405, 2), periods.quarter(1405, 3)


_numbers = itertools.count(1)


def tehran(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def make_case(organisation, user, *, registered_on, where="tehran", **fields):
    """A case row with sensible defaults; `closed_at`/`closure_reason` close it."""
    number = next(_numbers)
    data = {
        "organisation": organisation,
        "case_number": f"{organisation.code}-T-{number:06d}",
        "assigned_to": user,
        "created_by": user,
        "registered_on": registered_on,
        "given_name": "کودک",
        "family_name": f"آزمون {number}",
        "sex": "male",
        "estimated_age": 10,
        "nationality": "afghan",
        "documentation": "amayesh",
        "province": province(where),
        "city": "شهر",
    }
    data.update(fields)
    if data.get("closed_at"):
        data["status"] = CaseStatus.CLOSED
    return Case.objects.create(**data)


def make_encounter(organisation, user, *, occurred_at, where="tehran", **anonymous):
    return Encounter.objects.create(
        organisation=organisation,
        caseworker=user,
        occurred_at=occurred_at,
        province=province(where),
        city="شهر",
        hotspot="میدان",
        hotspot_key="میدان",
        activity="regular_visit",
        **{f"anon_{key}": value for key, value in anonymous.items()},
    )


def make_referral(case, to_organisation, service, *, sent_at, state=ReferralState.SENT, **extra):
    """A referral of `case` sent at `sent_at`; `answer_days` and `close_days` set the answers."""
    answer_days = extra.pop("answer_days", None)
    close_days = extra.pop("close_days", None)
    data = {
        "case": case,
        "from_organisation": case.organisation,
        "to_organisation": to_organisation,
        "service": service,
        "state": state,
        "need": "نیاز",
        "consent_override_reason": "آزمون",
        "sent_by": case.created_by,
        "sent_at": sent_at,
        "answer_due_at": sent_at + datetime.timedelta(days=7),
    }
    if answer_days is not None:
        data["answered_at"] = sent_at + datetime.timedelta(days=answer_days)
    if close_days is not None:
        data["closed_at"] = sent_at + datetime.timedelta(days=close_days)
    if state == ReferralState.DECLINED:
        data["decline_reason"] = "ظرفیت ندارد"
    data.update(extra)
    return Referral.objects.create(**data)


def make_follow_up(case, *, due_on, status="scheduled", completed_at=None):
    return FollowUp.objects.create(
        case=case,
        due_on=due_on,
        kind="home_visit",
        responsible=case.assigned_to,
        created_by=case.created_by,
        status=status,
        completed_at=completed_at,
    )


def now():
    return timezone.now()
