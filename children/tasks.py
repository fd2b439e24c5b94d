"""Celery tasks for case work. Thin: each calls one service, which is safe to run twice."""

from celery import shared_task

from core.mail import MAIL_RETRY

from .services import followups


@shared_task
def mark_overdue_follow_ups():
    return followups.followups_mark_overdue()


@shared_task
def send_daily_digests():
    return followups.digests_send()


# --- Referrals ----------------------------------------------------------------------------------


@shared_task
def send_referral_reminders():
    """Remind receiving organisations' managers of referrals past their answer date (daily)."""
    from .services.referrals import referral_send_overdue_reminders

    return referral_send_overdue_reminders()


@shared_task(bind=True, **MAIL_RETRY)
def send_referral_reminder_mail(self, organisation_id, referral_ids):
    """One organisation's reminder mail, queued after the reminder run commits."""
    from .services.referrals import referral_reminder_mail

    return referral_reminder_mail(organisation_id=organisation_id, referral_ids=referral_ids)


@shared_task
def escalate_referrals():
    """Tell sending organisations' managers of referrals still unanswered (daily, ADR 0039)."""
    from .services.referrals import referral_escalate_unanswered

    return referral_escalate_unanswered()


@shared_task(bind=True, **MAIL_RETRY)
def send_referral_escalation_mail(self, organisation_id, referral_ids):
    """One sending organisation's escalation mail, queued after the escalation run commits."""
    from .services.referrals import referral_escalation_mail

    return referral_escalation_mail(organisation_id=organisation_id, referral_ids=referral_ids)


# --- Approvals ----------------------------------------------------------------------------------


@shared_task(bind=True, **MAIL_RETRY)
def send_approval_mail(self, organisation_id, kind, by_id=None):
    """Tell the organisation's managers that a closure or a consent override waits for them."""
    from .services.approvals import approval_mail

    return approval_mail(organisation_id=organisation_id, kind=kind, by_id=by_id)


# --- Retention ----------------------------------------------------------------------------------


@shared_task
def anonymise_expired_cases():
    """The retention rule (RT-01), nightly; only a dry run until RETENTION_ANONYMISE is on."""
    from .services.retention import retention_job

    return retention_job()


# --- Child labour and the law ----------------------------------------------------------------


@shared_task
def recheck_labour_flags():
    """The Labour Law flags of the children who crossed 15 or 18 (daily, docs/adr/0035)."""
    from .services.labour import labour_flags_recheck_due

    return labour_flags_recheck_due()


# --- Transfers (docs/adr/0037) ------------------------------------------------------------------


@shared_task(bind=True, **MAIL_RETRY)
def send_transfer_arrived_mail(self, transfer_id):
    """Tell the receiving organisation's managers that a case transfer waits for their answer."""
    from .services.transfers import transfer_arrived_mail

    return transfer_arrived_mail(transfer_id=transfer_id)


# --- The duty to report (docs/adr/0036-duty-to-report.md) ---------------------------------------


@shared_task
def escalate_report_alerts():
    """Escalate duty-to-report alerts unacknowledged after 24 hours (every 15 minutes)."""
    from .services.duty import report_alerts_escalate

    return report_alerts_escalate()


@shared_task(bind=True, **MAIL_RETRY)
def send_report_alert_mail(self, organisation_id, kind, to_ids):
    """Tell managers that a duty-to-report alert waits for their decision (counts only)."""
    from .services.duty import report_alert_mail

    return report_alert_mail(organisation_id=organisation_id, kind=kind, to_ids=to_ids)
