"""Issue 6 in the browser: the working group's secretary records a meeting with attendance,
statements and two resolutions; a member NGO's manager posts progress on the resolution it
leads; an overdue resolution from an earlier meeting stands out on the tracker."""

import datetime
import re

import jdatetime
import pytest
from django.utils import timezone

from core.permissions import Role
from core.persian import to_persian_digits
from meetings import services
from meetings.models import Meeting, Resolution
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.browser

OVERDUE_TEXT = "ارسال آمار کودکان کار تحت پوشش به دبیرخانه کارگروه"
FIRST = "تهیه فهرست خدمات آموزشی سازمان‌های مردم‌نهاد عضو برای کودکان بازمانده از تحصیل"
SECOND = "هماهنگی با آموزش و پرورش برای ثبت‌نام کودکان فاقد مدرک"
PROGRESS = "فهرست خدمات ۱۲ سازمان جمع‌آوری شد و پیش‌نویس آن پیوست است."


def jalali(day):
    j = jdatetime.date.fromgregorian(date=day)
    return to_persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


@pytest.fixture
def cast(transactional_db):
    ministry = OrganisationFactory(
        code="MOI", name_fa="وزارت کشور – سازمان امور اجتماعی", kind="ministry"
    )
    ngo_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار")
    ngo_b = OrganisationFactory(code="NGOB", name_fa="جمعیت حامیان کودکان مشهد")
    secretary = member(
        "secretary", ministry, Role.MINISTRY_OFFICER, title="کارشناس مشارکت‌های اجتماعی"
    )
    secretary.first_name, secretary.last_name = "علی", "اکبری"
    secretary.save()
    member("zahra", ngo_a, Role.ORG_MANAGER)
    group = services.working_group_create(
        by=secretary,
        title_fa="کارگروه جلب مشارکت سازمان‌های مردم‌نهاد",
        topic="کودکان کار و خیابان",
        convening_organisation=ministry,
        secretary=secretary,
        member_organisations=[ngo_a, ngo_b],
    )
    today = timezone.localdate()
    earlier = services.meeting_record(
        by=secretary,
        group=group,
        held_on=today - datetime.timedelta(days=60),
        place="وزارت کشور",
        attendees=[{"name": "علی اکبری", "organisation": ministry, "is_chair": True}],
    )
    overdue = services.resolution_add(
        by=secretary,
        meeting=earlier,
        text=OVERDUE_TEXT,
        kind=Resolution.Kind.DATA_REQUEST,
        due_date=today - datetime.timedelta(days=10),
        lead=ngo_b,
    )
    return {
        "group": group,
        "ministry": ministry,
        "ngo_a": ngo_a,
        "ngo_b": ngo_b,
        "overdue": overdue,
    }


def sign_out(page):
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_secretary_records_meeting_and_member_posts_progress(page, cast, screenshot):
    today = timezone.localdate()
    group = cast["group"]

    # 1. The secretary records meeting 2 with attendance and an agenda.
    sign_in(page, "secretary")
    page.get_by_test_id("nav-meetings").click()
    page.get_by_test_id(f"group-{group.pk}").click()
    page.get_by_test_id("new-meeting").click()
    form = page.get_by_test_id("meeting_form")
    assert form.locator("input[name=number]").input_value() in ("2", "۲")
    form.locator("input[name=held_on]").fill(jalali(today))
    form.locator("input[name=starts_at]").fill("۱۰:۳۰")
    form.locator("input[name=place]").fill("وزارت کشور، تالار شهید کلانتری")
    form.locator("textarea[name=agenda]").fill(
        "خدمات آموزشی برای کودکان کار\nثبت‌نام کودکان فاقد مدرک"
    )
    rows = [
        ("علی اکبری", "کارشناس مشارکت‌های اجتماعی", cast["ministry"], "present", "", True),
        ("زهرا احمدی", "مدیرعامل", cast["ngo_a"], "present", "", False),
        ("محمدرضا حسینی", "مدیرعامل", cast["ngo_b"], "represented", "نرگس محمدی", False),
        ("نماینده آموزش و پرورش", "", None, "absent", "", False),
    ]
    for index, (name, title, organisation, presence, deputy, chair) in enumerate(rows):
        row = page.get_by_test_id(f"attendee-{index}")
        row.locator(f"input[name=attendees-{index}-name]").fill(name)
        row.locator(f"input[name=attendees-{index}-title]").fill(title)
        if organisation:
            row.locator(f"select[name=attendees-{index}-organisation]").select_option(
                label=organisation.name_fa
            )
        row.locator(f"select[name=attendees-{index}-presence]").select_option(presence)
        row.locator(f"input[name=attendees-{index}-represented_by]").fill(deputy)
        if chair:
            row.locator(f"input[name=attendees-{index}-is_chair]").check()
    screenshot(page, "1-meeting-form")
    page.get_by_test_id("save-meeting").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(working_group=group, number=2)
    assert meeting.attendees.count() == 4
    assert meeting.attendees.get(name="محمدرضا حسینی").represented_by == "نرگس محمدی"
    assert meeting.chair.name == "علی اکبری"

    # 2. The minutes: two statements by speakers on agenda items, then approval.
    page.get_by_test_id("edit-minutes").click()
    statements = [
        (
            "علی اکبری",
            "خدمات آموزشی برای کودکان کار",
            "از سازمان‌های عضو می‌خواهیم فهرست خدمات آموزشی خود را اعلام کنند.",
        ),
        (
            "زهرا احمدی",
            "ثبت‌نام کودکان فاقد مدرک",
            "بیشتر کودکانی که ما می‌بینیم فاقد مدرک‌اند و مدرسه آنها را نمی‌پذیرد.",
        ),
    ]
    for index, (speaker, item, text) in enumerate(statements):
        row = page.get_by_test_id(f"statement-{index}")
        row.locator(f"select[name=statements-{index}-speaker]").select_option(label=speaker)
        row.locator(f"select[name=statements-{index}-agenda_item]").select_option(label=item)
        row.locator(f"textarea[name=statements-{index}-text]").fill(text)
    page.locator("textarea[name=summary]").fill("مقرر شد فهرست خدمات آموزشی تهیه شود.")
    page.get_by_test_id("save-approve").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert meeting.minutes_versions.get().status == "approved"
    assert "edit-minutes" not in page.content()

    # 3. Two resolutions: one led by NGO A, one by the ministry with NGO B supporting.
    due = jalali(today + datetime.timedelta(days=30))
    page.get_by_test_id("add-resolution").click()
    form = page.get_by_test_id("resolution_form")
    form.locator("textarea[name=text]").fill(FIRST)
    form.locator("select[name=kind]").select_option("programme")
    form.locator("input[name=due_date]").fill(due)
    form.locator("select[name=lead]").select_option(label=cast["ngo_a"].name_fa)
    form.locator("select[name=supporting]").select_option(label=[cast["ngo_b"].name_fa])
    with page.expect_navigation():
        page.get_by_test_id("save-resolution-more").click()
    screenshot(page, "2a-second-resolution")
    assert meeting.resolutions.count() == 1
    form = page.get_by_test_id("resolution_form")
    form.locator("textarea[name=text]").fill(SECOND)
    form.locator("select[name=kind]").select_option("coordination")
    form.locator("input[name=due_date]").fill(due)
    form.locator("select[name=lead]").select_option(label=cast["ministry"].name_fa)
    form.locator("select[name=supporting]").select_option(label=[cast["ngo_b"].name_fa])
    page.get_by_test_id("save-resolution").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert meeting.resolutions.count() == 2
    screenshot(page, "2-meeting-detail")
    sign_out(page)

    # 4. NGO A's manager posts progress, with a document, on the resolution it leads.
    sign_in(page, "zahra")
    page.get_by_test_id("nav-meetings").click()
    page.get_by_role("link", name=re.compile("Resolution tracker|پیگیری مصوبات")).click()
    page.get_by_role("link", name=re.compile(FIRST[:20])).click()
    form = page.get_by_test_id("progress_form")
    form.locator("textarea[name=text]").fill(PROGRESS)
    form.locator("input[name=document]").set_input_files(
        files=[
            {
                "name": "فهرست-خدمات.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%demo\n",
            }
        ]
    )
    page.get_by_test_id("post-progress").click()
    page.wait_for_url(re.compile(r"/resolutions/\d+/$"))
    assert PROGRESS in page.get_by_test_id("progress-updates").inner_text()
    first = meeting.resolutions.get(text=FIRST)
    assert first.status == Resolution.Status.IN_PROGRESS
    assert first.progress_updates.get().documents.count() == 1
    screenshot(page, "3-progress")

    # 5. The overdue resolution of the earlier meeting stands out on the tracker.
    page.goto("/meetings/tracker/")
    overdue_row = page.get_by_test_id(f"resolution-{cast['overdue'].pk}")
    assert "table-danger" in (overdue_row.get_attribute("class") or "")
    assert OVERDUE_TEXT[:20] in overdue_row.inner_text()
    assert page.get_by_test_id("tracker-counts").is_visible()
    page.wait_for_function(
        "() => document.getElementById('tracker-chart') && "
        "window.Chart && window.Chart.getChart('tracker-chart')"
    )
    screenshot(page, "4-tracker")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.get_by_test_id("tracker-counts").is_visible()
    screenshot(page, "5-tracker-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("select[name=status]", "overdue")
    page.get_by_role("button", name=re.compile("Filter|فیلتر|پالایش")).click()
    assert page.locator("[data-testid^=resolution-]").count() == 1
