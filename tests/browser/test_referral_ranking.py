"""Issue 20 in the browser, on a 390 px phone: NGO A's caseworker refers a child, choosing from
the organisations ranked for the child (eligible with places first, the ineligible one last with
its warning), and the referral is sent (docs/adr/0039)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from children import services
from children.models import Referral
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.permissions import Role
from ngos.models import ServiceOffering
from ngos.reference import ensure_services
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db):
    tehran = province("tehran")
    education = ensure_services()["education"]
    org_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    roomy = OrganisationFactory(code="NGOB", name_fa="خانه کودک مهرآفرین", home_province=tehran)
    small = OrganisationFactory(code="NGOC", name_fa="مرکز آموزش امید", home_province=tehran)
    girls = OrganisationFactory(code="NGOD", name_fa="خانه دختران آفتاب", home_province=tehran)
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    officer = member("officer", ministry, Role.MINISTRY_OFFICER)
    roomy.verified_at = timezone.now()
    roomy.verified_by = officer
    roomy.save()
    ServiceOffering.objects.create(organisation=roomy, service=education, capacity_per_month=12)
    ServiceOffering.objects.create(organisation=small, service=education, capacity_per_month=2)
    ServiceOffering.objects.create(organisation=girls, service=education, sex="female")
    worker_a = member("fatemeh", org_a, Role.CASEWORKER)
    case = services.case_register(
        by=worker_a,
        organisation=org_a,
        data={
            "given_name": "امیرحسین",
            "family_name": "کریمی",
            "father_name": "غلامعباس",
            "sex": Sex.MALE,
            "birth_date": datetime.date(2014, 3, 25),
            "estimated_age": None,
            "nationality": Nationality.AFGHAN,
            "documentation": Documentation.AMAYESH,
            "id_number": "",
            "languages": ["dari"],
            "province": tehran,
            "city": "تهران",
            "district": "خاوران",
            "phone": "",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "مادر",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL],
        },
    )
    return {"case": case, "roomy": roomy, "small": small, "girls": girls}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_refer_from_the_ranked_list_on_a_phone(phone_page, cast, screenshot, language):
    page = phone_page
    case = cast["case"]
    sign_in(page, "fatemeh")
    if language == "en":
        page.get_by_test_id("language-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/cases/{case.pk}/refer/?service=education")
    options = page.get_by_test_id("ranked-option")
    expect(options).to_have_count(3)
    # Eligible with most places first; the girls-only house last, flagged, still selectable.
    for index, who in enumerate(["roomy", "small", "girls"]):
        expect(options.nth(index)).to_have_attribute("data-organisation", str(cast[who].pk))
    expect(options.nth(2)).to_have_attribute("data-eligible", "no")
    if language == "en":
        expect(options.nth(0).get_by_test_id("ranked-reason")).to_have_text(
            "eligible · 12 places left"
        )
        expect(options.nth(2).get_by_test_id("ranked-reason")).to_contain_text("not eligible: sex")
    else:
        expect(options.nth(0).get_by_test_id("ranked-reason")).to_contain_text("۱۲")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"ranked-{language}")

    # Sending without choosing says so beside the list.
    page.fill("textarea[name=need]", "ثبت‌نام در کلاس سوادآموزی")
    page.locator("form[data-testid=referral-form]").evaluate("form => form.noValidate = true")
    page.click("form[data-testid=referral-form] button[type=submit]")
    expect(page.locator("#id_to_organisation-error")).to_be_visible()

    page.get_by_test_id("ranked-option").nth(1).locator("input[type=radio]").check()
    page.click("form[data-testid=referral-form] button[type=submit]")
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    referral = Referral.objects.get()
    assert referral.to_organisation == cast["small"]
    small = cast["small"]
    expect(page.get_by_test_id("referrals")).to_contain_text(
        small.name_en if language == "en" else small.name_fa
    )
