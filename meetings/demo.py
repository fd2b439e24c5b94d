"""Demo working group for `seed_demo`: the founding meeting of the working group for attracting
NGO participation in preventing social harms (Thursday 1396/10/07, Ministry of Interior), its
speakers' statements and the bylaw resolution, and a later meeting with an overdue resolution.

The statements are written for the demo in plain words; they are not a transcript.
"""

import datetime

import jdatetime
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ngos.models import Organisation

from . import services
from .models import Resolution, WorkingGroup

GROUP_TITLE = "کارگروه جلب مشارکت سازمان‌های مردم‌نهاد در پیشگیری از آسیب‌های اجتماعی"


def _jalali(year, month, day):
    return jdatetime.date(year, month, day).togregorian()


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def seed_meetings(stdout=None):
    """Idempotent: does nothing when the demo working group exists or its organisations do not."""
    if WorkingGroup.objects.filter(title_fa=GROUP_TITLE).exists():
        return None
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__in=["MOI", "MCLS", "SWO", "NGO01", "NGO03"])
    }
    secretary = _user("ministry")
    if len(orgs) < 5 or secretary is None:
        return None
    with transaction.atomic():
        group = services.working_group_create(
            by=secretary,
            title_fa=GROUP_TITLE,
            title_en="Working group for attracting NGO participation in preventing social harms",
            topic="کودکان کار و خیابان",
            convening_organisation=orgs["MOI"],
            secretary=secretary,
            member_organisations=[orgs["MCLS"], orgs["SWO"], orgs["NGO01"], orgs["NGO03"]],
        )
        founding = _founding_meeting(group, secretary, orgs)
        later = _later_meeting(group, secretary, orgs)
    if stdout is not None:
        stdout.write(
            f"Working group {group.pk}: founding meeting {founding.pk}, later meeting {later.pk}"
        )
    return group


def _founding_meeting(group, secretary, orgs):
    meeting = services.meeting_record(
        by=secretary,
        group=group,
        number=1,
        held_on=_jalali(1396, 10, 7),  # Thursday 28 December 2017
        starts_at=datetime.time(10, 0),
        place="وزارت کشور، سازمان امور اجتماعی، تالار شهید کلانتری",
        attendees=[
            {
                "name": "آقای اکبری",
                "title": "معاون مشارکت‌های اجتماعی سازمان امور اجتماعی",
                "organisation": orgs["MOI"],
                "is_chair": True,
            },
            {
                "name": "آقای عابدینی",
                "title": "مدیرکل برنامه‌ریزی و توسعه نهادهای اجتماعی",
                "organisation": orgs["MOI"],
            },
            {
                "name": "آقای عندلیبیان",
                "title": "مدیرکل امور آسیب‌های اجتماعی معاونت اجتماعی",
                "organisation": orgs["MOI"],
            },
            {"name": "زهرا احمدی", "title": "مدیرعامل", "organisation": orgs["NGO01"]},
            {
                "name": "محمدرضا حسینی",
                "title": "مدیرعامل",
                "organisation": orgs["NGO03"],
                "presence": "represented",
                "represented_by": "نرگس محمدی",
            },
            {"name": "نماینده سازمان بهزیستی کشور", "title": "", "organisation": orgs["SWO"]},
            {
                "name": "نماینده وزارت تعاون، کار و رفاه اجتماعی",
                "title": "",
                "organisation": orgs["MCLS"],
                "presence": "absent",
            },
        ],
        agenda=[
            "معرفی اهداف کارگروه و وضعیت کودکان کار و خیابان",
            "سازوکار اجرای مصوبات شورای اجتماعی کشور درباره استفاده از کمک سازمان‌های مردم‌نهاد",
        ],
    )
    akbari, abedini, andalibian, ngo01, ngo03 = list(meeting.attendees.all())[:5]
    goals, council = list(meeting.agenda_items.all())
    statements = [
        {
            "speaker": akbari,
            "agenda_item": goals,
            "text": "هدف این کارگروه بهره‌گیری از ظرفیت سازمان‌های مردم‌نهاد در پیشگیری از "
            "آسیب‌های اجتماعی است. کودکان کار و خیابان از اولویت‌های جدی این حوزه‌اند و "
            "برنامه‌های دولتی بدون همکاری سازمان‌هایی که هر روز در میدان با این کودکان کار "
            "می‌کنند به نتیجه نمی‌رسد.",
        },
        {
            "speaker": abedini,
            "agenda_item": council,
            "text": "شورای اجتماعی کشور در مصوبات خود بر استفاده از کمک سازمان‌های مردم‌نهاد "
            "تأکید کرده است، اما سازوکار اجرایی آن هنوز نوشته نشده است. پیشنهاد می‌کنم "
            "آیین‌نامه اجرایی این مصوبات با مشارکت دستگاه‌های مسئول و نمایندگان سازمان‌های "
            "مردم‌نهاد تهیه شود.",
        },
        {
            "speaker": andalibian,
            "agenda_item": council,
            "text": "شورای اجتماعی کشور ساماندهی کودکان کار و خیابان را به وزارت تعاون، کار و "
            "رفاه اجتماعی و سازمان بهزیستی کشور سپرده است. هماهنگی این دو دستگاه با "
            "سازمان‌های مردم‌نهاد و ثبت یکپارچه اطلاعات کودکان، شرط موفقیت هر برنامه‌ای است.",
        },
        {
            "speaker": ngo01,
            "agenda_item": council,
            "text": "سازمان‌های مردم‌نهاد تجربه کار میدانی با کودکان را دارند، ولی در ارجاع "
            "کودکان به خدمات دولتی با مشکل روبه‌رو هستند. درخواست ما این است که در آیین‌نامه، "
            "نقش سازمان‌های مردم‌نهاد و روش ارجاع به‌روشنی تعریف شود.",
        },
        {
            "speaker": ngo03,
            "agenda_item": goals,
            "text": "در مشهد بسیاری از کودکان کار فاقد مدرک هستند؛ آیین‌نامه باید راه خدمت‌رسانی "
            "به این کودکان را هم پیش‌بینی کند.",
        },
    ]
    draft = services.minutes_save_draft(
        by=secretary,
        meeting=meeting,
        summary="کارگروه با حضور معاونان و مدیران وزارت کشور و نمایندگان سازمان‌های مردم‌نهاد "
        "تشکیل شد. حاضران بر ضرورت تدوین آیین‌نامه اجرایی مصوبات شورای اجتماعی کشور درباره "
        "استفاده از کمک سازمان‌های مردم‌نهاد توافق کردند.",
        statements=statements,
    )
    services.minutes_approve(by=secretary, minutes=draft)
    bylaw = services.resolution_add(
        by=secretary,
        meeting=meeting,
        text="تهیه پیش‌نویس آیین‌نامه اجرایی مصوبات شورای اجتماعی کشور درباره استفاده از "
        "کمک سازمان‌های مردم‌نهاد در پیشگیری از آسیب‌های اجتماعی و ساماندهی کودکان کار و خیابان",
        kind=Resolution.Kind.BYLAW,
        due_date=_jalali(1397, 1, 31),
        lead=orgs["MOI"],
        supporting=[orgs["MCLS"], orgs["SWO"]],
    )
    contacts = services.resolution_add(
        by=secretary,
        meeting=meeting,
        text="معرفی نماینده تام‌الاختیار هر دستگاه و سازمان مردم‌نهاد عضو به دبیرخانه کارگروه",
        kind=Resolution.Kind.COORDINATION,
        due_date=_jalali(1396, 10, 30),
        lead=orgs["MOI"],
        supporting=[orgs["NGO01"], orgs["NGO03"]],
    )
    services.resolution_mark_done(by=secretary, resolution=contacts)
    services.resolution_confirm(by=secretary, resolution=contacts)
    services.resolution_progress_post(
        by=secretary,
        resolution=bylaw,
        text="پیش‌نویس نخست آیین‌نامه با نظر وزارت کار و سازمان بهزیستی کشور آماده شد و برای "
        "نظرخواهی به سازمان‌های مردم‌نهاد عضو فرستاده شد.",
    )
    return meeting


def _later_meeting(group, secretary, orgs):
    today = timezone.localdate()
    meeting = services.meeting_record(
        by=secretary,
        group=group,
        held_on=today - datetime.timedelta(days=60),
        starts_at=datetime.time(9, 30),
        place="وزارت کشور، سازمان امور اجتماعی",
        attendees=[
            {
                "name": "علی اکبری",
                "title": "کارشناس مشارکت‌های اجتماعی",
                "organisation": orgs["MOI"],
                "is_chair": True,
            },
            {"name": "زهرا احمدی", "title": "مدیرعامل", "organisation": orgs["NGO01"]},
            {"name": "محمدرضا حسینی", "title": "مدیرعامل", "organisation": orgs["NGO03"]},
            {"name": "نماینده سازمان بهزیستی کشور", "organisation": orgs["SWO"]},
        ],
        agenda=["گزارش آمار کودکان تحت پوشش سازمان‌های مردم‌نهاد عضو"],
    )
    chair, ngo01, ngo03, _swo = list(meeting.attendees.all())
    draft = services.minutes_save_draft(
        by=secretary,
        meeting=meeting,
        summary="مقرر شد آمار کودکان تحت پوشش هر سازمان به تفکیک استان به دبیرخانه برسد.",
        statements=[
            {"speaker": chair, "text": "برای برنامه‌ریزی سال آینده به آمار دقیق نیاز داریم."},
            {"speaker": ngo01, "text": "آمار انجمن از سامانه قابل استخراج است."},
            {"speaker": ngo03, "text": "آمار مشهد تا پایان ماه آماده می‌شود."},
        ],
    )
    services.minutes_approve(by=secretary, minutes=draft)
    services.resolution_add(
        by=secretary,
        meeting=meeting,
        text="ارسال آمار کودکان کار تحت پوشش به تفکیک استان و نوع خدمت به دبیرخانه کارگروه",
        kind=Resolution.Kind.DATA_REQUEST,
        due_date=today - datetime.timedelta(days=20),
        lead=orgs["NGO01"],
        supporting=[orgs["NGO03"]],
    )
    services.resolution_add(
        by=secretary,
        meeting=meeting,
        text="برگزاری دوره آموزشی مشترک گشت میدانی برای مددکاران سازمان‌های مردم‌نهاد",
        kind=Resolution.Kind.PROGRAMME,
        due_date=today + datetime.timedelta(days=45),
        lead=orgs["SWO"],
        supporting=[orgs["NGO03"]],
    )
    return meeting
