"""A working group convened by the ministry with organisation A as a member (B is not), one
meeting with two attendees and an agenda item, and a resolution led by A."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import Resolution
from tests.factories import MeetingFactory, ResolutionFactory, WorkingGroupFactory

MEETING_DAY = datetime.date(2017, 12, 28)


@pytest.fixture
def group(min_officer, ministry, org_a):
    return WorkingGroupFactory(
        title_fa="کارگروه جلب مشارکت سازمان‌های مردم‌نهاد",
        title_en="Working group on NGO participation",
        topic="کودکان کار",
        convening_organisation=ministry,
        member_organisations=[org_a],
        created_by=min_officer,
    )


@pytest.fixture
def meeting(group, min_officer, ministry, org_a):
    return MeetingFactory(
        working_group=group,
        held_on=MEETING_DAY,
        place="وزارت کشور",
        recorded_by=min_officer,
        attendees=[
            {
                "name": "اکبری",
                "title": "معاون مشارکت‌های اجتماعی",
                "organisation": ministry,
                "is_chair": True,
            },
            {"name": "نماینده انجمن الف", "title": "مدیرعامل", "organisation": org_a},
        ],
        agenda=["آیین‌نامه همکاری با سازمان‌های مردم‌نهاد"],
    )


@pytest.fixture
def resolution(meeting, min_officer, org_a, ministry):
    return ResolutionFactory(
        meeting=meeting,
        text="تهیه پیش‌نویس آیین‌نامه",
        kind=Resolution.Kind.BYLAW,
        due_date=MEETING_DAY + datetime.timedelta(days=90),
        created_by=min_officer,
        lead=org_a,
        supporting=[ministry],
    )


def pdf_upload(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def docx_upload(name="minutes.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())
