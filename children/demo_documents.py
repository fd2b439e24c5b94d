"""Demo documents: every open demo case gets the documents its documentation status suggests,
some expiring within DOCUMENT_EXPIRY_DAYS, some expired, a few with a scan; and the policy change
on census slips the ministry recorded (docs/adr/0034-documents-and-policy-changes.md)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .demo import PLACES
from .models import Case, CaseDocument, DocumentPolicyChange, DocumentType
from .models.choices import OPEN_STATUSES, Documentation, Nationality
from .services import documents as services

# A one-page PDF: the demo's stand-in for a photographed card.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Days from today to the expiry of the documents that expire, in turn: soon, later, gone.
EXPIRY_OFFSETS = [12, 25, 48, 150, 300, -20, 400, 700]


def seed_documents(stdout=None):
    """Idempotent: does nothing when a demo case already has a document."""
    cases = Case.objects.filter(organisation__code__in=PLACES, status__in=OPEN_STATUSES).order_by(
        "pk"
    )
    if CaseDocument.objects.filter(case__in=cases).exists():
        return 0
    rng = random.Random(1405)  # noqa: S311 - demo numbers, not secrets
    today = timezone.localdate()
    added = 0
    for index, case in enumerate(cases):
        for kind, expires in _documents_of(case, index, today):
            scan = None
            if index % 9 == 0:
                scan = SimpleUploadedFile("scan.pdf", SCAN, content_type="application/pdf")
            number = case.id_number if kind == DocumentType.NATIONAL_CARD else _number(rng, kind)
            services.document_add(
                by=case.assigned_to,
                case=case,
                data={
                    "type": kind,
                    "number": number,
                    "issued_on": expires - datetime.timedelta(days=365) if expires else None,
                    "expires_on": expires,
                    "note": "",
                },
                scan=scan,
            )
            added += 1
    _census_slip_change(today)
    if stdout:
        stdout.write(f"Demo documents: {added}")
    return added


def _documents_of(case, index, today):
    offset = EXPIRY_OFFSETS[index % len(EXPIRY_OFFSETS)]
    expires = today + datetime.timedelta(days=offset)
    if case.documentation == Documentation.NATIONAL_ID:
        return [(DocumentType.NATIONAL_CARD, None)]
    if case.documentation == Documentation.AMAYESH:
        return [(DocumentType.AMAYESH, expires)]
    if case.documentation == Documentation.PASSPORT:
        return [(DocumentType.PASSPORT_VISA, expires)]
    if case.nationality == Nationality.AFGHAN and index % 2 == 0:
        return [
            (DocumentType.CENSUS_SLIP, None),
            (DocumentType.EDUCATION_SLIP, today + datetime.timedelta(days=abs(offset))),
        ]
    return []


def _number(rng, kind):
    prefix = {DocumentType.AMAYESH: "AM", DocumentType.PASSPORT_VISA: "P"}.get(kind, "")
    return f"{prefix}{rng.randrange(10_000_000, 99_999_999)}"


def _census_slip_change(today):
    officer = get_user_model().objects.filter(username="ministry").first()
    if officer is None or DocumentPolicyChange.objects.exists():
        return
    services.document_policy_record(
        by=officer,
        type=DocumentType.CENSUS_SLIP,
        invalid_from=today - datetime.timedelta(days=45),
        note=(
            "برگه‌های سرشماری اتباع از این تاریخ اعتبار اقامتی ندارند؛ "
            "دارندگان برای تعیین تکلیف به دفاتر کفالت مراجعه کنند."
        ),
    )
