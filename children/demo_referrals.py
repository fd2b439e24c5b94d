"""Demo data for issue 20's referrals that cannot stall (docs/adr/0039): an overdue referral
escalated to the sender's managers, accepted referrals with completion deadlines (one due in a
few days), and two numbered letters to outside agencies, one naming the child with consent and
one without. Called once from `seed_children`; writes through the ORM like demo_history."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.permissions import Role
from ngos.models import ServiceOffering

from .models import Referral
from .models.choices import ConsentScope, ReferralState
from .services.letters import letter_create

LETTER_BODY = (
    "این کودک برای ادامه تحصیل به ثبت‌نام در مدرسه نیاز دارد. خواهشمند است ترتیبی اتخاذ فرمایید "
    "تا ثبت‌نام او در نزدیک‌ترین مدرسه محل سکونت انجام شود."
)


def _first(staff, staff_role):
    return next((user for user in staff if user.membership.role == staff_role), staff[0])


@transaction.atomic
def seed_referral_deadlines(registered):
    now = timezone.now()
    today = timezone.localdate()
    # Accepted referrals of the year's history get the deadline they would have had.
    for referral in (
        Referral.objects.filter(answered_at__isnull=False, complete_by__isnull=True)
        .exclude(state__in=[ReferralState.DECLINED, ReferralState.SENT])
        .select_related("service")
    ):
        referral.complete_by = timezone.localdate(referral.answered_at) + datetime.timedelta(
            days=referral.service.completion_days
        )
        referral.save(update_fields=["complete_by"])

    if "NGO01" not in registered:
        return
    organisation, staff, cases = registered["NGO01"]
    open_cases = [c for c in cases if not c.is_closed]
    if len(open_cases) < 4:
        return
    offering = (
        ServiceOffering.objects.exclude(organisation=organisation)
        .filter(organisation__code="NGO03")
        .select_related("service", "organisation")
        .first()
    ) or ServiceOffering.objects.exclude(organisation=organisation).select_related(
        "service", "organisation"
    ).first()
    if offering is None:
        return
    sender = _first(staff, Role.CASEWORKER)
    receiver_staff = list(offering.organisation.memberships.select_related("user").order_by("pk"))

    # 1. Unanswered: reminded to the receiver at the deadline, then escalated to NGO01's managers.
    sent_at = now - datetime.timedelta(
        days=settings.REFERRAL_ANSWER_DAYS + settings.REFERRAL_ESCALATION_DAYS + 3
    )
    answer_due_at = sent_at + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS)
    case = open_cases[0]
    Referral.objects.create(
        case=case,
        from_organisation=organisation,
        to_organisation=offering.organisation,
        service=offering.service,
        need="پیگیری ثبت‌نام در مدرسه؛ خانواده چند بار مراجعه کرده است",
        consent=case.consents.filter(withdrawn_at__isnull=True).first(),
        consent_override_reason="" if case.consents.exists() else "ثبت پیش از سامانه",
        sent_by=sender,
        sent_at=sent_at,
        answer_due_at=answer_due_at,
        reminder_sent_at=answer_due_at + datetime.timedelta(hours=14),
        escalated_at=answer_due_at
        + datetime.timedelta(days=settings.REFERRAL_ESCALATION_DAYS, hours=14),
    )

    # 2. Accepted twenty-seven days ago: the service is due in three days.
    case = open_cases[1]
    answered_at = now - datetime.timedelta(days=offering.service.completion_days - 3)
    Referral.objects.create(
        case=case,
        from_organisation=organisation,
        to_organisation=offering.organisation,
        service=offering.service,
        state=ReferralState.ACCEPTED,
        need="نیاز به خدمات ارجاعی",
        consent=case.consents.filter(withdrawn_at__isnull=True).first(),
        consent_override_reason="" if case.consents.exists() else "ثبت پیش از سامانه",
        sent_by=sender,
        sent_at=answered_at - datetime.timedelta(days=2),
        answer_due_at=answered_at
        - datetime.timedelta(days=2)
        + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS),
        answered_by=receiver_staff[0].user if receiver_staff else None,
        answered_at=answered_at,
        complete_by=today + datetime.timedelta(days=3),
    )

    # 3. Two letters: one naming the child (the consent covers it), one without.
    manager = _first(staff, Role.ORG_MANAGER)
    named = open_cases[2]
    consent = named.consents.filter(withdrawn_at__isnull=True).first()
    if consent is not None and ConsentScope.EXTERNAL not in consent.scope:
        consent.scope = [*consent.scope, ConsentScope.EXTERNAL]
        consent.save(update_fields=["scope"])
    letter_create(
        by=manager,
        case=named,
        data={
            "recipient": "اداره آموزش و پرورش منطقه ۱۲ تهران",
            "subject": "درخواست ثبت‌نام کودک در مدرسه",
            "body": LETTER_BODY,
            "attachments": "رونوشت کارت آمایش",
        },
    )
    letter_create(
        by=manager,
        case=open_cases[3],
        data={
            "recipient": "اداره کل بهزیستی استان تهران",
            "subject": "معرفی کودک برای دریافت خدمات حمایتی",
            "body": "خواهشمند است کودک معرفی‌شده را برای دریافت خدمات حمایتی و مشاوره خانواده "
            "پذیرش فرمایید. هماهنگی از طریق مددکار این سازمان انجام می‌شود.",
            "attachments": "",
        },
    )
