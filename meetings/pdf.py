"""Approved minutes as a PDF in the official Persian layout, rendered by WeasyPrint.

The layout is right-to-left in Vazirmatn (core/pdf.py sets up the font and WeasyPrint), with the
Jalali date, page numbers in Persian digits (`counter(page, persian)`), the attendees table, the
statements, the resolutions and a signature block. WeasyPrint renders ~7 pages a second, so long
minutes are built in a Celery job and kept under a name made of ids: approved minutes never
change, so the file never goes stale.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core import outbox
from core.pdf import render_pdf

from .models import Minutes

# Minutes with more statements than this are built in the background.
LONG_MINUTES_STATEMENTS = 80


def minutes_context(minutes):
    meeting = minutes.meeting
    attendees = list(meeting.attendees.select_related("organisation"))
    return {
        "minutes": minutes,
        "meeting": meeting,
        "group": meeting.working_group,
        "attendees": attendees,
        "chair": next((a for a in attendees if a.is_chair), None),
        "agenda": list(meeting.agenda_items.all()),
        "statements": list(minutes.statements.select_related("speaker", "agenda_item")),
        "resolutions": list(meeting.resolutions.prefetch_related("responsibilities__organisation")),
        "secretary": meeting.working_group.secretary,
    }


def render_minutes_pdf(minutes):
    """The PDF bytes of `minutes`, always in Persian: the official record is Persian."""
    return render_pdf("meetings/minutes_pdf.html", minutes_context(minutes), language="fa")


def stored_name(minutes):
    return f"minutes-pdf/{minutes.meeting_id}-{minutes.pk}-v{minutes.version}.pdf"


def minutes_pdf_store(minutes_id):
    """Build and keep the PDF of approved minutes; a rerun replaces it with the same file."""
    minutes = Minutes.objects.select_related("meeting__working_group").filter(pk=minutes_id).first()
    if minutes is None or minutes.status == Minutes.Status.DRAFT:
        return None
    content = render_minutes_pdf(minutes)
    name = stored_name(minutes)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))
    return name


def minutes_pdf_for_request(minutes):
    """The PDF bytes now for ordinary minutes; for long ones the stored file, or None after
    queueing its build."""
    from .tasks import build_minutes_pdf

    if minutes.statements.count() <= LONG_MINUTES_STATEMENTS:
        return render_minutes_pdf(minutes)
    name = stored_name(minutes)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as file:
            return file.read()
    outbox.enqueue(build_minutes_pdf, minutes.pk)
    return None
