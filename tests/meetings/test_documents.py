"""Attachments (FU-01): PDF, DOCX and images only, by name and content; size-limited; stored
under generated names; served through the access-checked view with a sanitised name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.validators import DOCUMENT_MAX_BYTES, document_content_type, safe_download_name

from .conftest import docx_upload, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile("evil.pdf", b"MZ\x90\x00binary"),
        lambda: SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a jpeg"),
        lambda: SimpleUploadedFile("macro.docx", b"PK\x03\x04 not really a zip"),
        lambda: SimpleUploadedFile("script.html", b"<script>alert(1)</script>"),
        lambda: SimpleUploadedFile("report.exe", b"%PDF-1.4\n"),
        lambda: SimpleUploadedFile("empty.pdf", b""),
    ],
)
def test_wrong_or_renamed_files_are_refused(upload):
    with pytest.raises(ValidationError):
        document_content_type(upload())


def test_accepted_formats():
    assert document_content_type(pdf_upload()) == "application/pdf"
    assert document_content_type(docx_upload()).endswith("wordprocessingml.document")
    png = SimpleUploadedFile("a.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    assert document_content_type(png) == "image/png"


def test_oversize_file_is_refused():
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * DOCUMENT_MAX_BYTES)
    with pytest.raises(ValidationError) as error:
        document_content_type(big)
    assert error.value.code == "too_large"


def test_stored_name_is_generated_and_download_name_sanitised(
    client_as, min_officer, mgr_a, meeting
):
    upload = pdf_upload('../../etc/"گزارش"\r\n.pdf')
    document = services.meeting_attach_document(by=min_officer, meeting=meeting, file=upload)
    assert document.file.name.startswith("meeting-documents/")
    assert "گزارش" not in document.file.name and ".." not in document.file.name
    response = client_as(mgr_a).get(reverse("meetings:document_download", args=[document.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "../" not in disposition
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("uploaded", "expected"),
    [
        ("a/b\\c.pdf", "c.pdf"),  # no path, of either kind
        ('"; x=.pdf', "x_.pdf"),  # no quote, ; or = to add a parameter to the header
        ("a\r\nb.pdf", "a_b.pdf"),  # no line break to add a header
        ("a<b>|c*d?.pdf", "a_b_c_d_.pdf"),
        ("..hidden.pdf", "hidden.pdf"),  # no leading dots
        ("...", "document"),
        ("", "document"),
        (None, "document"),
        ("صورت‌جلسه (نهایی).docx", "صورت‌جلسه (نهایی).docx"),  # Persian, ZWNJ and brackets kept
        ("x" * 200 + ".pdf", "x" * 110 + ".pdf"),  # cut, the extension kept
        ("x" * 200, "x" * 120),
    ],
)
def test_safe_download_name(uploaded, expected):
    assert safe_download_name(uploaded) == expected


def test_upload_view_refuses_a_renamed_binary(client_as, min_officer, meeting):
    client = client_as(min_officer)
    response = client.post(
        reverse("meetings:meeting_document_add", args=[meeting.pk]),
        {"document": SimpleUploadedFile("minutes.pdf", b"\x7fELF binary")},
    )
    assert response.status_code == 302
    assert not meeting.documents.exists()


def test_progress_with_attachment(client_as, mgr_a, resolution):
    client = client_as(mgr_a)
    client.post(
        reverse("meetings:resolution_progress", args=[resolution.pk]),
        {"text": "گزارش پیوست شد", "document": docx_upload()},
    )
    update = resolution.progress_updates.get()
    assert update.documents.get().original_name == "minutes.docx"
