"""Demo data for the duty to report (docs/adr/0036-duty-to-report.md).

The demo's cases start alerts as they are registered and filled in (critical risk, abuse,
exploitation, trafficking). Here most of them get a decision at a time in the past, a few stay
open for the managers' "My work", and one waits more than 24 hours and escalates.
"""

import datetime

from django.utils import timezone

from core.permissions import Role

from .models import ReportAlert
from .models.duty import ReportedTo
from .services import duty

OPEN_PER_ORGANISATION = 2
REASONS_NOT_REPORTED = [
    "کودک پیش‌تر به اورژانس اجتماعی معرفی شده و پرونده در بهزیستی باز است.",
    "نگرانی پس از بازدید منزل تأیید نشد؛ پیگیری هفتگی ادامه دارد.",
]


def seed_report_alerts(rng, registered):
    """Decide most alerts in the past, leave a few open, escalate one. Idempotent enough: run
    once after the children are registered (children.demo.seed_children)."""
    now = timezone.now()
    escalated_one = False
    for organisation, staff, _cases in registered.values():
        managers = [u for u in staff if u.membership.role == Role.ORG_MANAGER]
        alerts = list(
            ReportAlert.objects.open()
            .filter(case__organisation=organisation)
            .select_related("case")
            .order_by("case__registered_on", "pk")
        )
        if not managers or not alerts:
            continue
        keep_open, to_decide = alerts[-OPEN_PER_ORGANISATION:], alerts[:-OPEN_PER_ORGANISATION]
        for alert in keep_open:
            started = now - datetime.timedelta(hours=rng.randint(1, 20))
            if not escalated_one:
                started = now - datetime.timedelta(hours=30)
            ReportAlert.objects.filter(pk=alert.pk).update(
                started_at=started, due_at=started + datetime.timedelta(hours=24)
            )
            if not escalated_one:
                duty.report_alerts_escalate(now=now)
                escalated_one = True
        for alert in to_decide:
            _decide_in_the_past(rng, alert, rng.choice(managers), now)


def _decide_in_the_past(rng, alert, manager, now):
    registered = datetime.datetime.combine(
        alert.case.registered_on, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    started = min(registered + datetime.timedelta(days=rng.randint(0, 20)), now)
    decided = min(started + datetime.timedelta(hours=rng.randint(2, 40)), now)
    if rng.random() < 0.75:
        reported_to = rng.choice(
            [ReportedTo.SOCIAL_EMERGENCY, ReportedTo.SOCIAL_EMERGENCY, ReportedTo.POLICE]
        )
        duty.report_alert_decide(
            by=manager,
            alert=alert,
            decision="reported",
            reported_to=reported_to,
            reported_on=timezone.localtime(decided).date(),
            reference=f"{rng.randint(1000, 9999)}/{rng.randint(10, 99)}",
        )
    else:
        duty.report_alert_decide(
            by=manager,
            alert=alert,
            decision="not_reported",
            reason_not_reported=rng.choice(REASONS_NOT_REPORTED),
        )
    ReportAlert.objects.filter(pk=alert.pk).update(
        started_at=started,
        due_at=started + datetime.timedelta(hours=24),
        decided_at=decided,
        escalated_at=started + datetime.timedelta(hours=24)
        if decided - started > datetime.timedelta(hours=24)
        else None,
    )
