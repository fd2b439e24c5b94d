"""Approvals: telling an organisation's approvers that something waits, and countersigning a
referral sent on a consent override.

The mail carries counts and a link to the queue on "My work", never a child's name or case
number: mailboxes are not as safe as the app. It is queued when the request commits, so a
request that rolls back mails nobody.

Four eyes (docs/adr/0038): a closure and a consent override are approved by an approver (a
manager, or the organisation's named second approver) other than the person who asked. The
services refuse it and database constraints refuse it again.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, outbox
from core.exceptions import ActionNotAllowed, InvalidState
from core.mail import send_templated_mail, site_url
from core.models import User
from core.permissions import Perm, check_permission
from ngos.selectors import approvers_of

from ..models import Referral, TimelineEntry
from ..models.choices import REFERRAL_OPEN_STATES
from ..selectors.approvals import decidable_counts

CLOSURE = "closure"
CONSENT_OVERRIDE = "consent_override"
KINDS = (CLOSURE, CONSENT_OVERRIDE)

SELF_APPROVAL_CLOSURE = _(
    "You asked to close this case, so another manager or the organisation's second approver "
    "must approve it."
)
SELF_APPROVAL_OVERRIDE = _(
    "You sent this referral without consent, so another manager or the organisation's second "
    "approver must approve the override."
)


def approval_arrived(*, organisation_id: int, kind: str, by_id: int | None) -> None:
    """Queue the mail to `organisation_id`'s managers once the caller's transaction commits."""
    from ..tasks import send_approval_mail

    outbox.enqueue(send_approval_mail, organisation_id, kind, by_id)


def approval_mail(*, organisation_id: int, kind: str, by_id: int | None = None) -> int:
    """Mail each approver of `organisation_id` (but the one who acted) that a `kind` item arrived.

    Returns how many messages went out. Each manager's counts are their own queue's, read when
    the mail is built: an item decided in the meantime is no longer counted.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    url = site_url(reverse("children:my_work") + "#approvals")
    sent = 0
    managers = approvers_of(organisation=organisation_id).exclude(email="")
    if by_id is not None:
        managers = managers.exclude(pk=by_id)
    for manager in managers:
        counts = decidable_counts(user=manager)
        if not any(counts.values()):
            continue  # decided before the mail went out
        send_templated_mail(
            to=manager.email,
            template="children/email/approval",
            language=manager.language,
            context={"manager": manager, "kind": kind, "counts": counts, "url": url},
        )
        sent += 1
    return sent


@transaction.atomic
def consent_override_approve(*, by: User, referral: Referral) -> Referral:
    """Countersign a referral its organisation sent without consent (AC-05, docs/adr/0038).

    Only an approver of the sending organisation other than the sender, once, while the referral
    is open. Writes a line on the case's timeline and an audit row about the case.
    """
    check_permission(
        by,
        Perm.CONSENT_OVERRIDE_APPROVE,
        referral.from_organisation_id,
        message=_("Only a manager or the second approver of the organisation can approve this."),
    )
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("case").get(pk=referral.pk)
    )
    if referral.consent_id is not None or not referral.consent_override_reason:
        raise InvalidState(_("This referral was sent with consent; there is nothing to approve."))
    if referral.override_approved_at is not None:
        raise InvalidState(_("This override has already been approved."))
    if referral.state not in REFERRAL_OPEN_STATES:
        raise InvalidState(_("This referral is no longer open."))
    if referral.sent_by_id == by.pk:
        # The database refuses it too (referral_override_approved_by_another).
        raise ActionNotAllowed(SELF_APPROVAL_OVERRIDE)
    referral.override_approved_by = by
    referral.override_approved_at = timezone.now()
    referral.save(update_fields=["override_approved_by", "override_approved_at"])
    TimelineEntry.objects.create(
        case=referral.case,
        kind=TimelineEntry.Kind.STATUS,
        actor=by,
        detail={"referral": referral.pk, "override": "approved"},
    )
    audit.record(
        audit.Action.UPDATE,
        user=by,
        obj=referral.case,
        detail={"referral": referral.pk, "override": "approved"},
    )
    return referral
