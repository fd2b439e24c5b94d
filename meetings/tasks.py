"""Mail and periodic jobs for working groups. Thin: each task takes ids and calls a service or
sends one message; the services decide what is due, so a rerun sends nothing new."""

from celery import shared_task
from django.urls import reverse

from core.mail import MAIL_RETRY, send_templated_mail, site_url
from ngos.selectors import managers_of


@shared_task
def send_overdue_resolution_reminders():
    """Daily: queue one reminder per overdue resolution not yet reminded for its due date."""
    from .services import resolutions_send_overdue_reminders

    return resolutions_send_overdue_reminders()


@shared_task(bind=True, **MAIL_RETRY)
def send_overdue_reminder(self, resolution_id):
    """Tell the lead organisation's managers that a resolution is past its due date."""
    from .models import Resolution

    resolution = (
        Resolution.objects.select_related("meeting__working_group")
        .prefetch_related("responsibilities__organisation")
        .filter(pk=resolution_id)
        .first()
    )
    if resolution is None or resolution.status not in Resolution.OPEN_STATUSES:
        return 0
    lead = resolution.lead
    if lead is None:
        return 0
    url = site_url(reverse("meetings:resolution_detail", args=[resolution.pk]))
    managers = list(managers_of(organisation=lead))
    for manager in managers:
        send_templated_mail(
            to=manager.email,
            template="meetings/email/overdue",
            language=manager.language,
            context={
                "manager": manager,
                "resolution": resolution,
                "organisation": lead,
                "url": url,
            },
        )
    return len(managers)


@shared_task(bind=True, max_retries=2)
def build_minutes_pdf(self, minutes_id):
    """Render long approved minutes to PDF in the background and keep the file."""
    from .pdf import minutes_pdf_store

    return minutes_pdf_store(minutes_id)
