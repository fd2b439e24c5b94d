"""The founding meeting's minutes as a PDF: Persian text, Jalali date and page numbers come out
right (extracted from the PDF itself)."""

import io
import unicodedata

import pytest
from django.urls import reverse

from demo.people import seed_people
from meetings.demo import GROUP_TITLE, seed_meetings
from meetings.models import Meeting
from meetings.pdf import render_minutes_pdf

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_people()
    return seed_meetings()


def _text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Presentation forms (shaped letters) back to plain letters, as a reader would search them.
    return unicodedata.normalize("NFKC", text), len(reader.pages)


def _squash(text):
    return "".join(text.split()).replace("\u200c", "")


def test_founding_minutes_pdf_has_correct_persian(demo):
    meeting = Meeting.objects.get(working_group=demo, number=1)
    minutes = meeting.minutes_versions.get(status="approved")
    text, pages = _text(render_minutes_pdf(minutes))
    flat = _squash(text)
    for expected in [
        "صورتجلسه",
        "آقای اکبری",
        "آقای عابدینی",
        "آقای عندلیبیان",
        "معاون مشارکت‌های اجتماعی",
        "آیین‌نامه اجرایی مصوبات شورای اجتماعی کشور",
        "وزارت تعاون، کار و رفاه اجتماعی",
        "سازمان بهزیستی کشور",
        "امضا",
        "صفحه ۱ از",
    ]:
        assert _squash(expected) in flat, expected
    assert pages >= 1
    # Digits in right-to-left lines come out of text extraction in either order.
    assert "۱۳۹۶/۱۰/۰۷" in flat or "۱۳۹۶/۱۰/۰۷"[::-1] in flat
    assert "ي" not in text and "ك" not in text  # Arabic letters never stand in for Persian


def test_pdf_view_serves_approved_minutes(demo, client_as):
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="manager.a")
    meeting = Meeting.objects.get(working_group=demo, number=1)
    response = client_as(manager).get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_demo_holds_the_founding_meeting(demo):
    assert demo.title_fa == GROUP_TITLE
    meeting = Meeting.objects.get(working_group=demo, number=1)
    assert meeting.held_on.isoformat() == "2017-12-28"
    bylaw = meeting.resolutions.get(kind="bylaw")
    assert bylaw.lead.code == "MOI"
    assert sorted(o.code for o in bylaw.supporting) == ["MCLS", "SWO"]
    assert demo.meetings.get(number=2).resolutions.overdue().exists()
    assert seed_meetings() is None  # idempotent


def test_long_minutes_are_built_in_the_background_once(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    from meetings import pdf

    monkeypatch.setattr(pdf, "LONG_MINUTES_STATEMENTS", 0)
    minutes = Meeting.objects.get(working_group=demo, number=1).minutes_versions.get(
        status="approved"
    )
    # The first request queues the build (run in-process here, once the request's work is
    # committed: the outbox sends after commit) and answers "being prepared".
    with django_capture_on_commit_callbacks(execute=True):
        assert pdf.minutes_pdf_for_request(minutes) is None
    stored = pdf.minutes_pdf_for_request(minutes)
    assert stored.startswith(b"%PDF")
    # A rerun of the job replaces the file rather than adding a second one.
    assert pdf.minutes_pdf_store(minutes.pk) == pdf.stored_name(minutes)
