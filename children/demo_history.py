"""A year of history for the demo, so that dashboards and periodic reports have figures.

The demo registers children through the services (as caseworkers would), which stamps them
with today's date. This module then moves the record back in time the way a year of work would
have left it: closures with reasons, and referrals sent, answered and completed at past dates.
It writes through the ORM on purpose: the services would stamp "now" and send mail.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.permissions import Role
from ngos.models import ServiceOffering

from .models import Case, ClosureRequest, Referral
from .models.choices import CaseStatus, ClosureReason, ReferralState

CLOSE_SHARE = 0.15
REFER_SHARE = 0.35
STATE_WEIGHTS = [
    (ReferralState.COMPLETED, 5),
    (ReferralState.ACCEPTED, 3),
    (ReferralState.DECLINED, 2),
    (ReferralState.NOT_COMPLETED, 1),
    (ReferralState.WITHDRAWN, 1),
    (ReferralState.SENT, 2),
]
REASONS = [r for r in ClosureReason.values if r != ClosureReason.OTHER]
# Open cases per organisation whose caseworker has asked to close them: the managers' queue.
CLOSURES_WAITING = 2


def _at(day, rng):
    zone = timezone.get_current_timezone()
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    return moment.replace(tzinfo=zone)


@transaction.atomic
def add_history(rng, registered):
    today = timezone.localdate()
    _close_some(rng, registered, today)
    _refer_some(rng, registered, today)
    _closures_waiting(rng, registered)


def _close_some(rng, registered, today):
    for _organisation, _staff, cases in registered.values():
        for case in cases:
            age_days = (today - case.registered_on).days
            if age_days < 45 or rng.random() > CLOSE_SHARE:
                continue
            closed_on = case.registered_on + datetime.timedelta(days=rng.randint(30, age_days))
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.CLOSED,
                closed_at=_at(closed_on, rng),
                closure_reason=rng.choice(REASONS),
            )


def _refer_some(rng, registered, today):
    offerings = list(ServiceOffering.objects.select_related("organisation", "service"))
    states = [state for state, weight in STATE_WEIGHTS for _ in range(weight)]
    for organisation, staff, cases in registered.values():
        elsewhere = [o for o in offerings if o.organisation_id != organisation.pk]
        if not elsewhere:
            continue
        for case in cases:
            if rng.random() > REFER_SHARE or (today - case.registered_on).days < 3:
                continue
            offering = rng.choice(elsewhere)
            consent = case.consents.filter(withdrawn_at__isnull=True).first()
            sent_on = case.registered_on + datetime.timedelta(
                days=rng.randint(1, max(1, (today - case.registered_on).days - 1))
            )
            sent_at = _at(sent_on, rng)
            state = rng.choice(states)
            answer_days = rng.choice([0, 1, 2, 3, 5, 6, 8, 10, 14])
            answered_at = sent_at + datetime.timedelta(days=answer_days, hours=rng.randint(1, 6))
            if answered_at > timezone.now():
                state = ReferralState.SENT
            referral = Referral(
                case=case,
                from_organisation=organisation,
                to_organisation=offering.organisation,
                service=offering.service,
                state=state,
                need="نیاز به پیگیری خدمات",
                consent=consent,
                consent_override_reason="" if consent else "ثبت پیش از سامانه",
                sent_by=rng.choice(staff),
                sent_at=sent_at,
                answer_due_at=sent_at + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS),
            )
            if state not in (ReferralState.SENT, ReferralState.WITHDRAWN):
                referral.answered_at = answered_at
            if state == ReferralState.DECLINED:
                referral.decline_reason = "ظرفیت تکمیل است"
            if state in (ReferralState.COMPLETED, ReferralState.NOT_COMPLETED):
                closed_at = answered_at + datetime.timedelta(days=rng.randint(5, 40))
                referral.closed_at = min(closed_at, timezone.now())
            if state == ReferralState.WITHDRAWN:
                referral.withdrawn_reason = "خانواده جابه‌جا شد"
            referral.save()


def _closures_waiting(rng, registered):
    """A few closure requests waiting for a manager, so "My work" shows its approvals queue."""
    for _organisation, _staff, cases in registered.values():
        # Asked by caseworkers: a manager closing their own case would not need to ask.
        open_cases = list(
            Case.objects.filter(pk__in=[c.pk for c in cases])
            .exclude(status=CaseStatus.CLOSED)
            .exclude(assigned_to__membership__role=Role.ORG_MANAGER)
            .order_by("pk")
        )
        for case in rng.sample(open_cases, min(CLOSURES_WAITING, len(open_cases))):
            ClosureRequest.objects.create(
                case=case,
                reason=rng.choice(REASONS),
                requested_by=case.assigned_to,
            )
