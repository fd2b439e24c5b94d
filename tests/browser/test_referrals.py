"""Issue 4 referrals in the browser: NGO A's caseworker refers a child to NGO B for schooling; B's
caseworker finds it in the inbox, sees only what it shares, accepts it and records the outcome;
A reads the outcome on its case."""

import datetime
import re

import pytest
from django.utils import timezone

from children import services
from children.models import Referral
from children.models.choices import ConsentGiver, ConsentScope
from core.permissions import Role
from ngos.models import ServiceOffering
from ngos.reference import ensure_services
from tests.browser.children import amirhossein
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser

NEED = "ثبت‌نام در کلاس سوادآموزی؛ دو سال است مدرسه نمی‌رود"
OUTCOME = "در کلاس سوادآموزی پایه اول ثبت‌نام شد و هفته‌ای سه روز می‌آید"


@pytest.fixture
def cast(transactional_db):
    tehran = province("tehran")
    education = ensure_services()["education"]
    org_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    org_b = OrganisationFactory(code="NGOB", name_fa="خانه کودک مهرآفرین", home_province=tehran)
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    officer = member("officer", ministry, Role.MINISTRY_OFFICER)
    org_b.verified_at = timezone.now()
    org_b.verified_by = officer
    org_b.save()
    ServiceOffering.objects.create(organisation=org_b, service=education, age_min=6, age_max=17)
    worker_a = member("fatemeh", org_a, Role.CASEWORKER)
    member("narges", org_b, Role.CASEWORKER)
    case = services.case_register(
        by=worker_a,
        organisation=org_a,
        data=amirhossein(),
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "مادر",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL],
        },
    )
    return {"case": case, "org_b": org_b}


def sign_out(page):
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_refer_answer_and_complete_across_two_organisations(page, cast, screenshot):
    case = cast["case"]

    # 1. A's caseworker refers the child to B for schooling.
    sign_in(page, "fatemeh")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_test_id("refer").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/refer/"))
    assert page.get_by_test_id("referral-consent").is_visible()
    page.select_option("select[name=service]", "education")
    page.click("form[data-testid=service-form] button[type=submit]")
    page.wait_for_selector("form[data-testid=referral-form]")
    page.check(f'input[name=to_organisation][value="{cast["org_b"].pk}"]')
    page.fill("textarea[name=need]", NEED)
    page.fill("textarea[name=contact_arrangements]", "از طریق مددکار ما در مرکز، شنبه‌ها ساعت ۱۰")
    screenshot(page, "1-refer-form")
    page.click("form[data-testid=referral-form] button[type=submit]")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    referral = Referral.objects.get()
    assert referral.state == "sent"
    assert "خانه کودک مهرآفرین" in page.get_by_test_id("referrals").inner_text()
    screenshot(page, "2-case-after-referring")
    sign_out(page)

    # 2. B's caseworker finds it in the inbox and sees only what the referral shares.
    sign_in(page, "narges")
    page.get_by_test_id("nav-referrals").click()
    page.wait_for_url(re.compile(r"/referrals/inbox/"))
    assert page.get_by_test_id("referral-row").count() == 1
    screenshot(page, "3-inbox")
    page.get_by_test_id("open-referral").click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    assert "امیرحسین" in page.get_by_test_id("referral-child").inner_text()
    assert NEED in page.get_by_test_id("referral-need").inner_text()
    html = page.content()
    for secret in (case.case_number, "غلامعباس", "0012345679", "09121234567", "خاوران"):
        assert secret not in html
    screenshot(page, "4-referral-as-receiver")

    # 3. B accepts, then records the outcome.
    page.get_by_test_id("accept").click()
    page.wait_for_selector("[data-testid=referral-complete-form]")
    page.fill("textarea[name=notes]", OUTCOME)
    screenshot(page, "5-accepted-record-outcome")
    page.get_by_test_id("complete").click()
    page.wait_for_url(re.compile(r"/referrals/inbox/"))
    referral.refresh_from_db()
    assert referral.state == "completed"
    # The referral is over: B no longer sees the child's name, and its page is a 404.
    assert "امیرحسین" not in page.get_by_test_id("referral-table").inner_text()
    screenshot(page, "6-inbox-after-completion")
    assert page.goto(f"/referrals/{referral.pk}/").status == 404
    sign_out(page)

    # 4. A reads the outcome on its case: the referrals card and the timeline.
    sign_in(page, "fatemeh")
    page.goto(f"/cases/{case.pk}/")
    assert OUTCOME in page.get_by_test_id("referral-outcome").inner_text()
    assert OUTCOME in page.get_by_test_id("timeline").inner_text()
    screenshot(page, "7-case-with-outcome")


def test_receiver_reads_and_declines_a_referral_on_a_phone(phone_page, cast, screenshot):
    page = phone_page
    case = cast["case"]
    referral = services.referral_send(
        by=case.assigned_to,
        case=case,
        to_organisation=cast["org_b"],
        service=ensure_services()["education"],
        data={"need": NEED, "contact_arrangements": "", "sender_note": ""},
    )
    sign_in(page, "narges")
    page.goto("/referrals/inbox/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-inbox-phone")
    page.goto(f"/referrals/{referral.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("[data-testid=referral-answer-forms] summary").click()
    page.get_by_test_id("decline").click()  # no reason: the error shows beside the field
    page.wait_for_selector(".invalid-feedback")
    referral.refresh_from_db()
    assert referral.state == "sent"
    screenshot(page, "2-decline-without-reason-phone")
    page.fill("textarea[name=reason]", "ظرفیت کلاس این فصل پر است")
    page.get_by_test_id("decline").click()
    page.wait_for_url(re.compile(r"/referrals/inbox/"))
    referral.refresh_from_db()
    assert referral.state == "declined"
