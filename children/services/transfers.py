"""Transferring a case to another organisation (انتقال پرونده), docs/adr/0037.

The sending organisation's managers ask (`transfer_request`) and may withdraw while it waits;
the receiving organisation's managers accept, choosing the caseworker, or decline with a reason.
On acceptance the case row changes organisation and takes a number from the receiver's
numbering; everything hanging off the case (timeline, notes, consents, assessments, plan,
follow-ups, encounters' links) moves with it because it hangs off the case. What the sender keeps
is a `TransferSummary` snapshot.

Every change runs in one transaction, refuses (ADR 0013) a person who may not act with
`ActionNotAllowed`, a step the state does not allow with `InvalidState` and missing input with
`ValidationError`, writes a timeline line on the case and an audit row about it (LG-01). Audit
rows hold ids and states only, never the text typed about the child.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, outbox
from core.exceptions import ActionNotAllowed, InvalidState
from core.mail import send_templated_mail, site_url
from core.models import User
from core.permissions import Perm, check_permission, has_permission
from core.persian import clean_text
from ngos.models import Organisation
from ngos.selectors import managers_of

from ..models import (
    Case,
    CaseTransfer,
    ClosureRequest,
    Consent,
    FollowUp,
    Household,
    PlanAction,
    Referral,
    TimelineEntry,
    TransferState,
    TransferSummary,
)
from ..models.choices import (
    OPEN_STATUSES,
    REFERRAL_OPEN_STATES,
    ConsentScope,
    FollowUpStatus,
    PlanStatus,
    ReferralState,
)
from .case_numbers import next_case_number

Action = audit.Action


class TransferConsentRequired(InvalidState):
    """No active consent of the child covers transferring the case (docs/adr/0037)."""


def _text(value: str | None) -> str:
    return clean_text(value or "", multiline=True).strip()


def _organisation_id(user: User) -> int | None:
    membership = getattr(user, "membership_or_none", None)
    return membership.organisation_id if membership is not None else None


def _record(transfer: CaseTransfer, by: User | None, state: str, **extra: Any) -> None:
    """The timeline line on the case and the audit row about it, for the transfer's new state."""
    detail = {"transfer": transfer.pk, "state": state}
    TimelineEntry.objects.create(
        case_id=transfer.case_id,
        kind=TimelineEntry.Kind.TRANSFER,
        actor=by,
        detail={**detail, **extra.pop("timeline", {})},
    )
    audit.record(
        Action.UPDATE,
        user=by,
        object_type="children.case",
        object_id=str(transfer.case_id),
        detail={**detail, **extra},
    )


def _locked(transfer: CaseTransfer) -> CaseTransfer:
    return (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("case", "from_organisation", "to_organisation", "consent")
        .get(pk=transfer.pk)
    )


def transfer_consent_for(case: Case) -> Consent | None:
    """The active consent of `case` that covers transferring it, newest first, or None."""
    return (
        Consent.objects.filter(
            case=case, withdrawn_at__isnull=True, scope__contains=[ConsentScope.TRANSFER]
        )
        .order_by("-given_on", "-id")
        .first()
    )


def can_receive_transfers(organisation: Organisation) -> bool:
    """An organisation that works with children and is not suspended (the ministry holds none)."""
    return organisation.kind != Organisation.Kind.MINISTRY and organisation.can_receive_referrals


# --- Asking -----------------------------------------------------------------------------------


@transaction.atomic
def transfer_request(
    *, by: User, case: Case, to_organisation: Organisation, reason: str
) -> CaseTransfer:
    """Ask `to_organisation` to take `case` over; returns the pending CaseTransfer.

    Only a manager of the case's organisation (`Perm.CASE_TRANSFER`), only for an open case
    with no closure awaiting approval and no other transfer waiting, and only with an active
    consent covering transfer, which the request keeps.
    """
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.pk)
    )
    check_permission(
        by,
        Perm.CASE_TRANSFER,
        case.organisation_id,
        message=_("Only a manager of the organisation that holds the case can transfer it."),
    )
    if case.is_closed:
        raise InvalidState(_("A closed case cannot be transferred. Reopen it first."))
    if to_organisation.pk == case.organisation_id:
        raise ValidationError(
            {"to_organisation": _("Choose another organisation: the case is already yours.")}
        )
    receiver = Organisation.objects.filter(pk=to_organisation.pk).first()
    if receiver is None or not can_receive_transfers(receiver):
        raise ValidationError({"to_organisation": _("This organisation cannot receive cases now.")})
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    if CaseTransfer.objects.filter(case=case, state=TransferState.PENDING).exists():
        raise InvalidState(_("This case already has a transfer waiting for an answer."))
    if ClosureRequest.objects.filter(case=case, state=ClosureRequest.State.PENDING).exists():
        raise InvalidState(
            _("A closure of this case is awaiting approval. Decide it before transferring.")
        )
    # Locked, so a withdrawal at the same moment comes first (and we refuse) or waits and ends it.
    consent = (
        Consent.objects.select_for_update()
        .filter(case=case, withdrawn_at__isnull=True, scope__contains=[ConsentScope.TRANSFER])
        .order_by("-given_on", "-id")
        .first()
    )
    if consent is None:
        raise TransferConsentRequired(
            _(
                "There is no recorded consent to transfer this child's case. Record the "
                "child's or guardian's consent to the transfer first."
            )
        )
    transfer = CaseTransfer.objects.create(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=receiver,
        reason=reason,
        consent=consent,
        requested_by=by,
        previous_case_number=case.case_number,
    )
    _record(
        transfer,
        by,
        TransferState.PENDING,
        to_organisation=receiver.pk,
        consent=consent.pk,
        timeline={"to": receiver.pk},
    )
    from ..tasks import send_transfer_arrived_mail

    # Sent once the request commits; a request that rolls back mails nobody.
    outbox.enqueue(send_transfer_arrived_mail, transfer.pk)
    return transfer


def transfer_arrived_mail(*, transfer_id: int) -> int:
    """Mail the receiving organisation's managers that a transfer waits, while it still does.

    The mail names the organisation that asks and links to the list, never the child. Called by
    the mail task after the request commits; returns how many messages went out.
    """
    transfer = (
        CaseTransfer.objects.filter(pk=transfer_id, state=TransferState.PENDING)
        .select_related("from_organisation", "to_organisation")
        .first()
    )
    if transfer is None:
        return 0
    list_url = site_url(reverse("children:transfers_received") + "?state=pending")
    sent = 0
    for manager in managers_of(organisation=transfer.to_organisation):
        send_templated_mail(
            to=manager.email,
            template="children/transfers/email/arrived",
            language=manager.language,
            context={"manager": manager, "transfer": transfer, "list_url": list_url},
        )
        sent += 1
    return sent


@transaction.atomic
def transfer_withdraw(*, by: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The sender takes back a request still waiting; the receiver loses sight of it."""
    transfer = _locked(transfer)
    if _organisation_id(by) != transfer.from_organisation_id or not has_permission(
        by, Perm.CASE_TRANSFER, organisation=transfer.from_organisation_id
    ):
        raise ActionNotAllowed(_("Only the organisation that asked can withdraw this transfer."))
    if not transfer.is_pending:
        raise InvalidState(
            _("Only a transfer waiting for an answer can be withdrawn. This one is %(state)s.")
            % {"state": transfer.get_state_display()}
        )
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the transfer.")})
    transfer.state = TransferState.WITHDRAWN
    transfer.withdrawn_reason = reason
    transfer.answered_by = by
    transfer.answered_at = timezone.now()
    transfer.save(update_fields=["state", "withdrawn_reason", "answered_by", "answered_at"])
    _record(transfer, by, TransferState.WITHDRAWN)
    return transfer


def _require_receiver(by: User, transfer: CaseTransfer) -> None:
    if _organisation_id(by) != transfer.to_organisation_id or not has_permission(
        by, Perm.CASE_TRANSFER, organisation=transfer.to_organisation_id
    ):
        raise ActionNotAllowed(
            _("Only a manager of the organisation asked to take the case can answer.")
        )


def _require_waiting(transfer: CaseTransfer) -> None:
    if not transfer.is_pending or transfer.consent.withdrawn_at is not None:
        raise InvalidState(
            _("Only a transfer waiting for an answer can be answered. This one is %(state)s.")
            % {"state": transfer.get_state_display()}
        )


@transaction.atomic
def transfer_decline(*, by: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The receiver says no, with the reason the sender reads. The case stays where it is."""
    transfer = _locked(transfer)
    _require_receiver(by, transfer)
    _require_waiting(transfer)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for declining.")})
    transfer.state = TransferState.DECLINED
    transfer.decline_reason = reason
    transfer.answered_by = by
    transfer.answered_at = timezone.now()
    transfer.save(update_fields=["state", "decline_reason", "answered_by", "answered_at"])
    _record(transfer, by, TransferState.DECLINED, timeline={"reason": reason})
    return transfer


# --- Accepting: the case moves ----------------------------------------------------------------


@transaction.atomic
def transfer_accept(*, by: User, transfer: CaseTransfer, assigned_to: User) -> CaseTransfer:
    """The receiver takes the case: it becomes theirs, with a number from their numbering.

    In the same transaction: the sender's `TransferSummary` is written from the case as it was;
    the case changes organisation, number and caseworker; its pending follow-ups and open plan
    actions go to the new caseworker; its open referrals are withdrawn (their receivers stop
    seeing the child; the new organisation refers again if it needs to); a closure still awaiting
    the sender's approval is sent back; the case leaves the sender's household record (it keeps
    its copy of the family's answers). The sender's next request for the case is a 404.
    """
    transfer = _locked(transfer)
    _require_receiver(by, transfer)
    _require_waiting(transfer)
    case = Case.objects.select_for_update(of=("self",)).get(pk=transfer.case_id)
    if case.organisation_id != transfer.from_organisation_id or case.status not in OPEN_STATUSES:
        raise InvalidState(_("The case is no longer open at the organisation that asked."))
    membership = getattr(assigned_to, "membership_or_none", None)
    if (
        membership is None
        or membership.organisation_id != transfer.to_organisation_id
        or not assigned_to.is_active
        or not has_permission(assigned_to, Perm.CASE_EDIT)
    ):
        raise ValidationError(
            {"assigned_to": _("Choose an active caseworker of your organisation.")}
        )
    now = timezone.now()
    receiver = transfer.to_organisation
    TransferSummary.objects.create(
        organisation_id=transfer.from_organisation_id,
        transfer=transfer,
        case_number=case.case_number,
        given_name=case.given_name,
        family_initial=case.family_name[:1],
        registered_on=case.registered_on,
        requested_at=transfer.requested_at,
        transferred_at=now,
        reason=transfer.reason,
        receiver_name=receiver.name_fa,
        requested_by_id=transfer.requested_by_id,
        last_caseworker_id=case.assigned_to_id,
    )
    ended_referrals = _end_open_referrals(case, by, now)
    _return_pending_closure(case, by, now)
    _leave_household(case, by)

    new_number = next_case_number(receiver, timezone.localdate())
    Case.objects.filter(pk=case.pk).update(
        organisation=receiver,
        case_number=new_number,
        assigned_to=assigned_to,
        version=F("version") + 1,
        updated_at=now,
    )
    followups = FollowUp.objects.filter(case=case, status=FollowUpStatus.SCHEDULED).update(
        responsible=assigned_to
    )
    # Every follow-up goes with the case, done ones too: its history is the receiver's now.
    FollowUp.objects.filter(case=case).update(organisation=receiver)
    actions = PlanAction.objects.filter(
        goal__case=case, status__in=[PlanStatus.PLANNED, PlanStatus.IN_PROGRESS]
    ).update(responsible=assigned_to)

    transfer.state = TransferState.ACCEPTED
    transfer.answered_by = by
    transfer.answered_at = now
    transfer.assigned_to = assigned_to
    transfer.new_case_number = new_number
    transfer.save(
        update_fields=["state", "answered_by", "answered_at", "assigned_to", "new_case_number"]
    )
    _record(
        transfer,
        by,
        TransferState.ACCEPTED,
        from_organisation=transfer.from_organisation_id,
        to_organisation=receiver.pk,
        assigned_to=assigned_to.pk,
        previous_case_number=transfer.previous_case_number,
        case_number=new_number,
        follow_ups_reassigned=followups,
        plan_actions_reassigned=actions,
        referrals_withdrawn=ended_referrals,
        timeline={"from": transfer.from_organisation_id},
    )
    return transfer


def _end_open_referrals(case: Case, by: User, now: Any) -> int:
    open_referrals = list(
        Referral.objects.select_for_update(of=("self",))
        .filter(case=case, state__in=REFERRAL_OPEN_STATES)
        .order_by("pk")
    )
    for referral in open_referrals:
        referral.state = ReferralState.WITHDRAWN
        referral.sharing_ended_at = now
        referral.closed_by = by
        referral.closed_at = now
        referral.withdrawn_reason = str(_("The case was transferred to another organisation."))
        referral.save(
            update_fields=[
                "state",
                "sharing_ended_at",
                "closed_by",
                "closed_at",
                "withdrawn_reason",
            ]
        )
        TimelineEntry.objects.create(
            case=case,
            kind=TimelineEntry.Kind.STATUS,
            actor=by,
            at=now,
            detail={"referral": referral.pk, "state": referral.state},
        )
    return len(open_referrals)


def _return_pending_closure(case: Case, by: User, now: Any) -> None:
    ClosureRequest.objects.filter(case=case, state=ClosureRequest.State.PENDING).update(
        state=ClosureRequest.State.RETURNED,
        decided_by=by,
        decided_at=now,
        comment=str(_("The case was transferred to another organisation.")),
    )


def _leave_household(case: Case, by: User) -> None:
    """The sender's household record stays the sender's: the moved case leaves it."""
    if case.household_id is None:
        return
    household = Household.objects.select_for_update().get(pk=case.household_id)
    Case.objects.filter(pk=case.pk).update(household=None)
    TimelineEntry.objects.create(
        case=case, kind=TimelineEntry.Kind.FAMILY, actor=by, detail={"family": "left"}
    )
    if not household.cases.exists():
        audit.record(Action.DELETE, user=by, obj=household, organisation=household.organisation_id)
        household.delete()


# --- Consent withdrawn ------------------------------------------------------------------------


def transfers_end_for_consent(*, by: User | None, consent: Consent) -> int:
    """A withdrawn consent ends the transfer waiting on it: withdrawn, so the receiver's next
    request is a 404. Runs inside `consent_withdraw`; returns how many ended."""
    waiting = list(
        CaseTransfer.objects.select_for_update(of=("self",)).filter(
            consent=consent, state=TransferState.PENDING
        )
    )
    for transfer in waiting:
        transfer.state = TransferState.WITHDRAWN
        transfer.withdrawn_reason = str(_("The consent to the transfer was withdrawn."))
        transfer.answered_by = by
        transfer.answered_at = consent.withdrawn_at or timezone.now()
        transfer.save(update_fields=["state", "withdrawn_reason", "answered_by", "answered_at"])
        _record(transfer, by, TransferState.WITHDRAWN, consent_withdrawn=consent.pk)
    return len(waiting)
