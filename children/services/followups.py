"""Follow-ups: scheduling, recording the outcome, rescheduling; the daily overdue and digest jobs."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import InvalidState
from core.mail import send_templated_mail, site_url
from core.models import User
from core.permissions import Perm, check_permission, roles_with
from core.persian import clean_text

from ..models import Case, DigestSent, FollowUp, Referral, TimelineEntry
from ..models.choices import FollowUpStatus
from ..selectors.approvals import consent_overrides_open, decidable_counts
from ..selectors.documents import digest_counts as document_digest_counts
from ..selectors.duty import digest_report_alert_counts
from ..selectors.plan_actions import plan_actions_digest_counts
from ..selectors.referral_deadlines import referral_deadline_counts

Action = audit.Action


@transaction.atomic
def followup_schedule(
    *, by: User, case: Case, due_on: datetime.date, kind: str, responsible: User
) -> FollowUp:
    check_permission(by, Perm.FOLLOWUP_MANAGE, case.organisation_id)
    followup = FollowUp.objects.create(
        case=case, due_on=due_on, kind=kind, responsible=responsible, created_by=by
    )
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        detail={"follow_up": followup.pk, "due_on": str(due_on)},
    )
    audit.record(Action.UPDATE, user=by, obj=case, detail={"follow_up_scheduled": followup.pk})
    return followup


def _close(followup: FollowUp, status: str, outcome: str) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if locked.status != FollowUpStatus.SCHEDULED:
        raise InvalidState(_("This follow-up already has an outcome."))
    locked.status = status
    locked.outcome = clean_text(outcome, multiline=True)
    locked.completed_at = timezone.now()
    return locked


@transaction.atomic
def followup_record(*, by: User, followup: FollowUp, done: bool, outcome: str) -> FollowUp:
    """Done (the child was seen or reached) or missed, with what happened."""
    check_permission(by, Perm.FOLLOWUP_MANAGE, followup.case.organisation_id)
    followup = _close(followup, FollowUpStatus.DONE if done else FollowUpStatus.MISSED, outcome)
    followup.save(update_fields=["status", "outcome", "completed_at"])
    if done:
        Case.objects.filter(pk=followup.case_id).update(last_contact_on=timezone.localdate())
    TimelineEntry.objects.create(
        case_id=followup.case_id,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        detail={"follow_up": followup.pk, "outcome": followup.status},
    )
    audit.record(
        Action.UPDATE,
        user=by,
        obj=followup.case,
        detail={"follow_up": followup.pk, "status": followup.status},
    )
    return followup


@transaction.atomic
def followup_reschedule(
    *, by: User, followup: FollowUp, due_on: datetime.date, reason: str = ""
) -> FollowUp:
    check_permission(by, Perm.FOLLOWUP_MANAGE, followup.case.organisation_id)
    old = _close(followup, FollowUpStatus.RESCHEDULED, reason)
    new = FollowUp.objects.create(
        case_id=old.case_id,
        due_on=due_on,
        kind=old.kind,
        responsible=old.responsible,
        created_by=by,
    )
    old.rescheduled_to = new
    old.save(update_fields=["status", "outcome", "completed_at", "rescheduled_to"])
    audit.record(
        Action.UPDATE, user=by, obj=old.case, detail={"follow_up": old.pk, "rescheduled_to": new.pk}
    )
    return new


def followups_mark_overdue(*, today: datetime.date | None = None) -> int:
    """Stamp the first day each pending follow-up was found overdue; one UPDATE, safe to repeat."""
    today = today or timezone.localdate()
    return (
        FollowUp.objects.overdue(today)
        .filter(overdue_since__isnull=True)
        .update(overdue_since=today)
    )


def _digest_counts(user: User, today: datetime.date) -> dict[str, Any]:
    organisation_id = user.membership.organisation_id
    return {
        "due_today": FollowUp.objects.pending().filter(responsible=user, due_on=today).count(),
        "overdue": FollowUp.objects.overdue(today).filter(responsible=user).count(),
        "referrals_waiting": Referral.objects.awaiting_answer()
        .filter(to_organisation_id=organisation_id)
        .count(),
        "unseen": Case.objects.unseen(today)
        .filter(organisation_id=organisation_id, assigned_to=user)
        .count(),
        # Empty for a user who decides nothing: the queue is the manager's, less what the
        # manager asked for (another person approves those: docs/adr/0038).
        "closures_waiting": decidable_counts(user=user)["closures"],
        "overrides_open": consent_overrides_open(user=user).count(),
        **document_digest_counts(user, today),
        # Duty-to-report alerts waiting for this manager (docs/adr/0036-duty-to-report.md).
        **digest_report_alert_counts(user=user),
        **referral_deadline_counts(user=user, today=today),
        **plan_actions_digest_counts(user=user, today=today),
    }


def digests_send(*, today: datetime.date | None = None) -> int:
    """Send each caseworker with something to do one digest a day; a second run sends nothing.

    The mail carries counts and a link, never a child's name: mailboxes are not as safe as the app.
    """
    today = today or timezone.localdate()
    sent = 0
    users = (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=roles_with(Perm.CASE_EDIT))
        .select_related("membership")
    )
    for user in users:
        counts = _digest_counts(user, today)
        if not any(counts.values()) or not user.email:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today)
                transaction.on_commit(lambda user=user, counts=counts: _mail_digest(user, counts))  # type: ignore[misc]
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent


def _mail_digest(user: User, counts: dict[str, Any]) -> None:
    send_templated_mail(
        to=user.email,
        template="children/email/digest",
        language=user.language,
        html=False,
        context={
            "user": user,
            "counts": counts,
            "url": site_url("/my-work/"),
        },
    )
