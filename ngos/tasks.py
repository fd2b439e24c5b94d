"""Mail and housekeeping for organisations. Thin: each task takes ids, reads the rows it needs
and does one thing; running one twice sends the same message again and changes nothing else."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.mail import MAIL_RETRY, send_templated_mail, site_url
from core.models import AuditEvent

from .tokens import INVITATION_VALID_FOR, invitation_tokens


def invitation_link(user):
    """The one-time link an invited person opens to choose a password."""
    path = reverse(
        "ngos:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return site_url(path)


@shared_task(bind=True, **MAIL_RETRY)
def send_invitation(self, membership_id):
    from .models import Membership

    membership = (
        Membership.objects.select_related("user", "organisation", "invited_by")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        return
    user = membership.user
    if not user.is_active or user.has_usable_password() or not user.email:
        return  # accepted or deactivated meanwhile: nothing to send
    send_templated_mail(
        to=user.email,
        template="ngos/email/invitation",
        language=user.language,
        context={
            "user": user,
            "membership": membership,
            "organisation": membership.organisation,
            "invited_by": membership.invited_by,
            "link": invitation_link(user),
            "valid_hours": int(INVITATION_VALID_FOR.total_seconds() // 3600),
            "site_url": settings.SITE_URL,
        },
    )


@shared_task(bind=True, **MAIL_RETRY)
def send_organisation_notice(self, audit_event_id):
    """Tell an organisation's managers that it was verified, suspended or reinstated."""
    from .models import Organisation
    from .selectors import managers_of

    event = AuditEvent.objects.filter(pk=audit_event_id, object_type="ngos.organisation").first()
    if event is None:
        return
    organisation = Organisation.objects.filter(pk=event.object_id).first()
    if organisation is None:
        return
    for manager in managers_of(organisation=organisation):
        send_templated_mail(
            to=manager.email,
            template="ngos/email/verification",
            language=manager.language,
            context={
                "manager": manager,
                "organisation": organisation,
                "kind": event.detail.get("event"),
                "note": event.detail.get("note", ""),
                "reason": event.detail.get("reason", ""),
                "at": event.at,
                "site_url": settings.SITE_URL,
                "profile_url": site_url(reverse("ngos:detail", args=[organisation.pk])),
            },
        )


@shared_task
def end_user_sessions(user_id):
    """Delete every session of a deactivated user now, rather than at their next request.

    Database sessions are not indexed by user, so this reads the live ones; it runs after the
    deactivation commits, outside the request.
    """
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or user.is_active:
        return 0
    ended = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
