"""Telling an organisation's managers that something waits for their approval.

The mail carries counts and a link to the queue on "My work", never a child's name or case
number: mailboxes are not as safe as the app. It is queued when the request commits, so a
request that rolls back mails nobody.
"""

from django.urls import reverse

from core import outbox
from core.mail import send_templated_mail, site_url
from ngos.selectors import managers_of

from ..selectors.approvals import consent_overrides_open, pending_closures

CLOSURE = "closure"
CONSENT_OVERRIDE = "consent_override"
KINDS = (CLOSURE, CONSENT_OVERRIDE)


def approval_arrived(*, organisation_id: int, kind: str, by_id: int | None) -> None:
    """Queue the mail to `organisation_id`'s managers once the caller's transaction commits."""
    from ..tasks import send_approval_mail

    outbox.enqueue(send_approval_mail, organisation_id, kind, by_id)


def approval_mail(*, organisation_id: int, kind: str, by_id: int | None = None) -> int:
    """Mail each manager of `organisation_id` (but the one who acted) that a `kind` item arrived.

    Returns how many messages went out. Each manager's counts are their own queue's, read when
    the mail is built: an item decided in the meantime is no longer counted.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    url = site_url(reverse("children:my_work") + "#approvals")
    sent = 0
    managers = managers_of(organisation=organisation_id)
    if by_id is not None:
        managers = managers.exclude(pk=by_id)
    for manager in managers:
        counts = {
            "closures": pending_closures(user=manager).count(),
            "overrides": consent_overrides_open(user=manager).count(),
        }
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
