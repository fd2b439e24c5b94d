"""Referrals (ارجاع) from one organisation to another, and the reminders of overdue answers.

Every change runs in one transaction that locks the referral row, refuses (ADR 0013) a person
who may not act with `ActionNotAllowed`, a step the state does not allow with `InvalidState`
and missing input with `ValidationError`, timestamps the change, writes a line on the sending
organisation's case timeline and an audit row about the case (LG-01).

The timeline reuses `TimelineEntry.Kind.STATUS` with `{"referral": pk, "state": ...}` in its
detail, so referral lines need no new choice (and no migration); the case page renders them.
Audit rows hold ids and states only, never the free text a caseworker typed about the child.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, outbox
from core.exceptions import ActionNotAllowed, InvalidState
from core.mail import send_templated_mail, site_url
from core.models import User
from core.permissions import Perm, check_permission, has_permission
from core.persian import clean_text
from ngos.models import Organisation, Service
from ngos.selectors import managers_of

from ..models import Case, Consent, Referral, TimelineEntry
from ..models.choices import REFERRAL_OPEN_STATES, CaseStatus, ConsentScope, ReferralState
from . import approvals
from .workflow import advance_status

Action = audit.Action


class ReferralConsentRequired(InvalidState):
    """No active consent covers referral, and no allowed override was given (AC-05)."""


# --- Who may act ------------------------------------------------------------------------------


def _organisation_id(user: User) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    return membership.organisation_id if membership is not None else None


def _require_receiver(by: User, referral: Referral) -> None:
    if _organisation_id(by) != referral.to_organisation_id or not has_permission(
        by, Perm.REFERRAL_ANSWER, organisation=referral.to_organisation_id
    ):
        raise ActionNotAllowed(
            _("Only the organisation the child was referred to can answer this referral.")
        )


def _require_sender(by: User, referral: Referral) -> None:
    if _organisation_id(by) != referral.from_organisation_id or not has_permission(
        by, Perm.REFERRAL_SEND, organisation=referral.from_organisation_id
    ):
        raise ActionNotAllowed(_("Only the organisation that sent this referral can withdraw it."))


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "to_organisation", "from_organisation", "service")
        .get(pk=referral.pk)
    )


def _record_change(referral: Referral, by: User | None, **extra: Any) -> None:
    """The timeline line on the sender's case and the audit row, for the referral's new state."""
    detail = {"referral": referral.pk, "state": referral.state}
    TimelineEntry.objects.create(
        case=referral.case, kind=TimelineEntry.Kind.STATUS, actor=by, detail={**detail, **extra}
    )
    audit_detail = dict(detail)
    if "sharing_ended" in extra:
        audit_detail["sharing_ended"] = extra["sharing_ended"]
    audit.record(Action.UPDATE, user=by, obj=referral.case, detail=audit_detail)


def _text(value: str | None) -> str:
    return clean_text(value or "", multiline=True).strip()


# --- Sending ----------------------------------------------------------------------------------


def referral_consent_for(case: Case) -> Consent | None:
    """The active consent of `case` that covers sharing in a referral, newest first, or None."""
    return (
        Consent.objects.filter(
            case=case, withdrawn_at__isnull=True, scope__contains=[ConsentScope.REFERRAL]
        )
        .order_by("-given_on", "-id")
        .first()
    )


@transaction.atomic
def referral_send(
    *,
    by: User,
    case: Case,
    to_organisation: Organisation,
    service: Service,
    data: Mapping[str, Any],
    consent_override_reason: str = "",
) -> Referral:
    """Refer `case` to `to_organisation` for `service`; returns the new Referral.

    `data` holds what the referral shares besides the child's name, age and sex: `need`
    (required), `contact_arrangements` and `sender_note`. The receiver must accept referrals
    (not suspended) and offer the service in the child's province, and is never the sender.
    Needs an active consent covering referral, which the referral keeps; without one, a user with
    the consent-override permission may refer with a reason, which is audited (AC-05).
    """
    # Lock the case: a double submit waits here and then finds the first referral open.
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.pk)
    )
    check_permission(
        by,
        Perm.REFERRAL_SEND,
        case.organisation_id,
        message=_("You cannot refer this organisation's cases."),
    )
    if case.is_closed:
        raise InvalidState(_("A closed case cannot be referred. Reopen it first."))
    if to_organisation.pk == case.organisation_id:
        raise ValidationError(
            _("Choose another organisation: a case is not referred to its own organisation.")
        )
    # Read the receiver's status as it is now, not as the caller loaded it.
    receiver = Organisation.objects.filter(pk=to_organisation.pk).first()
    if receiver is None or not receiver.can_receive_referrals:
        raise InvalidState(_("This organisation is suspended and receives no referrals."))
    offers = (
        Organisation.objects.filter(pk=receiver.pk)
        .offering(service)
        .operating_in(case.province_id)
        .exists()
    )
    if not offers:
        raise ValidationError(
            _("This organisation does not offer this service in the child's province.")
        )
    need = _text(data.get("need"))
    if not need:
        raise ValidationError(_("Describe the need the referral is for."), code="required")
    duplicate = Referral.objects.filter(
        case=case, to_organisation=receiver, service=service, state__in=REFERRAL_OPEN_STATES
    ).exists()
    if duplicate:
        raise InvalidState(
            _("This child already has an open referral to this organisation for this service.")
        )

    # Lock the consent so a withdrawal at the same moment either comes first (and we refuse) or
    # waits for this referral and then ends it.
    consent = (
        Consent.objects.select_for_update()
        .filter(case=case, withdrawn_at__isnull=True, scope__contains=[ConsentScope.REFERRAL])
        .order_by("-given_on", "-id")
        .first()
    )
    override = ""
    if consent is None:
        override = _text(consent_override_reason)
        if not override or not has_permission(by, Perm.CONSENT_OVERRIDE):
            # Beside the override reason when the form has it, else above the form.
            raise ReferralConsentRequired(
                {
                    "consent_override_reason": _(
                        "There is no recorded consent to share this child's details in a "
                        "referral. Record the consent first; a manager may refer without it, "
                        "giving the reason."
                    )
                }
            )

    sent_at = timezone.now()
    referral = Referral.objects.create(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=receiver,
        service=service,
        need=need,
        contact_arrangements=_text(data.get("contact_arrangements")),
        sender_note=_text(data.get("sender_note")),
        consent=consent,
        consent_override_reason=override,
        sent_by=by,
        sent_at=sent_at,
        answer_due_at=Referral.due_from(sent_at),
    )
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        at=sent_at,
        detail={"referral": referral.pk, "state": ReferralState.SENT},
    )
    detail = {
        "referral": referral.pk,
        "state": ReferralState.SENT,
        "to_organisation": receiver.pk,
        "service": service.code,
    }
    if consent is not None:
        detail["consent"] = consent.pk
    else:
        detail["consent_override_reason"] = override
        approvals.approval_arrived(
            organisation_id=case.organisation_id, kind=approvals.CONSENT_OVERRIDE, by_id=by.pk
        )
    audit.record(Action.UPDATE, user=by, obj=case, detail=detail)
    return referral


# --- Answering and closing --------------------------------------------------------------------


@transaction.atomic
def referral_accept(*, by: User, referral: Referral) -> Referral:
    """The receiving organisation takes the referral on. Only while it is sent."""
    referral = _locked(referral)
    _require_receiver(by, referral)
    if referral.state != ReferralState.SENT or referral.sharing_ended_at is not None:
        raise InvalidState(
            _("Only a referral waiting for an answer can be accepted. This one is %(state)s.")
            % {"state": referral.get_state_display()}
        )
    referral.state = ReferralState.ACCEPTED
    referral.answered_by = by
    referral.answered_at = timezone.now()
    # The deadline for the service, from the service type's days as they are today (ADR 0039).
    referral.complete_by = timezone.localdate(referral.answered_at) + datetime.timedelta(
        days=referral.service.completion_days
    )
    referral.save(update_fields=["state", "answered_by", "answered_at", "complete_by"])
    _record_change(referral, by)
    # A service has started for the child: the sender's case moves to "services in progress".
    advance_status(referral.case, CaseStatus.IN_PROGRESS, by)
    return referral


@transaction.atomic
def referral_decline(*, by: User, referral: Referral, reason: str) -> Referral:
    """The receiving organisation says no, with the reason the sender reads. Only while sent."""
    referral = _locked(referral)
    _require_receiver(by, referral)
    if referral.state != ReferralState.SENT or referral.sharing_ended_at is not None:
        raise InvalidState(
            _("Only a referral waiting for an answer can be declined. This one is %(state)s.")
            % {"state": referral.get_state_display()}
        )
    reason = _text(reason)
    if not reason:
        raise ValidationError(_("Give the reason for declining."), code="required")
    now = timezone.now()
    referral.state = ReferralState.DECLINED
    referral.decline_reason = reason
    referral.answered_by = referral.closed_by = by
    referral.answered_at = referral.closed_at = now
    referral.save(
        update_fields=[
            "state",
            "decline_reason",
            "answered_by",
            "answered_at",
            "closed_by",
            "closed_at",
        ]
    )
    _record_change(referral, by, reason=reason)
    return referral


@transaction.atomic
def referral_complete(*, by: User, referral: Referral, completed: bool, notes: str) -> Referral:
    """The receiver records the outcome of an accepted referral: completed or not, with notes.

    The notes flow back to the sender's case (its timeline and referrals card); the receiver
    stops seeing the referral from now on (AC-04).
    """
    referral = _locked(referral)
    _require_receiver(by, referral)
    if referral.state != ReferralState.ACCEPTED or referral.sharing_ended_at is not None:
        raise InvalidState(
            _("Only an accepted referral can be completed. This one is %(state)s.")
            % {"state": referral.get_state_display()}
        )
    notes = _text(notes)
    if not notes:
        raise ValidationError(
            _("Say what was done, for the organisation that referred the child."), code="required"
        )
    referral.state = ReferralState.COMPLETED if completed else ReferralState.NOT_COMPLETED
    referral.outcome_notes = notes
    referral.closed_by = by
    referral.closed_at = timezone.now()
    referral.save(update_fields=["state", "outcome_notes", "closed_by", "closed_at"])
    _record_change(referral, by, notes=notes)
    return referral


@transaction.atomic
def referral_withdraw(*, by: User, referral: Referral, reason: str) -> Referral:
    """The sender takes the referral back while it is open; the receiver loses sight of it."""
    referral = _locked(referral)
    _require_sender(by, referral)
    if referral.state not in REFERRAL_OPEN_STATES:
        raise InvalidState(
            _("Only an open referral can be withdrawn. This one is %(state)s.")
            % {"state": referral.get_state_display()}
        )
    reason = _text(reason)
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing the referral."), code="required")
    referral.state = ReferralState.WITHDRAWN
    referral.withdrawn_reason = reason
    referral.closed_by = by
    referral.closed_at = timezone.now()
    referral.save(update_fields=["state", "withdrawn_reason", "closed_by", "closed_at"])
    _record_change(referral, by, reason=reason)
    return referral


@transaction.atomic
def referrals_end_sharing_for_consent(*, by: User | None, consent: Consent) -> int:
    """A withdrawn consent ends every open referral of the child at once; returns how many.

    Runs inside `consent_withdraw`. When the withdrawn consent covered referral, or a referral
    relied on it, each open referral of the case is withdrawn and its `sharing_ended_at` set, so
    the receiving organisations' next request is a 404. A consent for something else (photos
    only, say) ends nothing.
    """
    open_referrals = list(
        Referral.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(case_id=consent.case_id, state__in=REFERRAL_OPEN_STATES)
        .order_by("pk")
    )
    relied_on = any(referral.consent_id == consent.pk for referral in open_referrals)
    if ConsentScope.REFERRAL not in consent.scope and not relied_on:
        return 0
    now = consent.withdrawn_at or timezone.now()
    ended = 0
    for referral in open_referrals:
        referral.state = ReferralState.WITHDRAWN
        referral.sharing_ended_at = now
        referral.closed_by = by
        referral.closed_at = now
        referral.save(update_fields=["state", "sharing_ended_at", "closed_by", "closed_at"])
        _record_change(referral, by, sharing_ended="consent_withdrawn")
        ended += 1
    return ended


# --- Reminders of overdue answers -------------------------------------------------------------


def referral_send_overdue_reminders(now: datetime.datetime | None = None) -> int:
    """Remind each receiving organisation's managers of referrals past their answer date.

    Each overdue referral is reminded about once: `reminder_sent_at` is set in the same
    transaction that queues the mail (after commit), so a second run, or a duplicate delivery of
    the job, sends nothing more. One message per organisation and manager, with a count and a
    link to the inbox, never a child's name or details. Returns how many referrals were included.
    """
    from ..tasks import send_referral_reminder_mail

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Referral.objects.overdue(now=now)
            .filter(reminder_sent_at__isnull=True, sharing_ended_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("to_organisation_id", "pk")
            .values_list("pk", "to_organisation_id")
        )
        if not due:
            return 0
        Referral.objects.filter(pk__in=[pk for pk, _org in due]).update(reminder_sent_at=now)
        by_organisation: dict[int, list[int]] = {}
        for pk, organisation_id in due:
            by_organisation.setdefault(organisation_id, []).append(pk)
        for organisation_id, referral_ids in by_organisation.items():
            outbox.enqueue(send_referral_reminder_mail, organisation_id, referral_ids)
    return len(due)


def referral_reminder_mail(*, organisation_id: int, referral_ids: Iterable[int]) -> int:
    """Mail the managers of `organisation_id` about those of `referral_ids` still unanswered.

    Called by the mail task after the reminder run commits; returns how many messages went out.
    """
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    count = Referral.objects.filter(
        pk__in=referral_ids, to_organisation_id=organisation_id, state=ReferralState.SENT
    ).count()
    if not count:
        return 0  # answered between the run and the mail: nothing to remind
    inbox_url = site_url(reverse("children:referral_inbox") + "?overdue=true")
    sent = 0
    for manager in managers_of(organisation=organisation):
        context = {
            "manager": manager,
            "organisation": organisation,
            "count": count,
            "days": settings.REFERRAL_ANSWER_DAYS,
            "inbox_url": inbox_url,
        }
        send_templated_mail(
            to=manager.email,
            template="children/referrals/email/reminder",
            language=manager.language,
            context=context,
        )
        sent += 1
    return sent


# --- Escalation to the sender (docs/adr/0039) -------------------------------------------------


def referral_escalate_unanswered(now: datetime.datetime | None = None) -> int:
    """Tell each sending organisation's managers of referrals still unanswered
    REFERRAL_ESCALATION_DAYS after their answer date, when the receiver was already reminded.

    The second step after `referral_send_overdue_reminders`. Each referral is escalated once:
    `escalated_at` is set in the transaction that queues the mail through the outbox, so a second
    run sends nothing more. The mail holds a count and a link, never a child's name. Returns how
    many referrals were escalated.
    """
    from ..tasks import send_referral_escalation_mail

    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Referral.objects.escalation_due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("from_organisation_id", "pk")
            .values_list("pk", "from_organisation_id")
        )
        if not due:
            return 0
        Referral.objects.filter(pk__in=[pk for pk, _org in due]).update(escalated_at=now)
        by_organisation: dict[int, list[int]] = {}
        for pk, organisation_id in due:
            by_organisation.setdefault(organisation_id, []).append(pk)
        for organisation_id, referral_ids in by_organisation.items():
            outbox.enqueue(send_referral_escalation_mail, organisation_id, referral_ids)
    return len(due)


def referral_escalation_mail(*, organisation_id: int, referral_ids: Iterable[int]) -> int:
    """Mail the managers of the sending organisation `organisation_id` about those of
    `referral_ids` still unanswered; returns how many messages went out."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    count = Referral.objects.filter(
        pk__in=referral_ids, from_organisation_id=organisation_id, state=ReferralState.SENT
    ).count()
    if not count:
        return 0  # answered or withdrawn between the run and the mail
    url = site_url(reverse("children:my_work") + "#escalated-referrals")
    sent = 0
    for manager in managers_of(organisation=organisation):
        send_templated_mail(
            to=manager.email,
            template="children/referrals/email/escalation",
            language=manager.language,
            context={
                "manager": manager,
                "organisation": organisation,
                "count": count,
                "days": settings.REFERRAL_ANSWER_DAYS + settings.REFERRAL_ESCALATION_DAYS,
                "url": url,
            },
        )
        sent += 1
    return sent
