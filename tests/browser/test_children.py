"""Issue 3 in the browser, on a phone-sized screen: log an encounter with anonymous children,
register one of them, fill the case over two visits, find the child by a misspelled name, and
meet another NGO's child only as a duplicate warning without its details."""

import datetime
import re

import pytest

from children import services
from children.models import Case, Encounter
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.permissions import Role
from tests.browser.signing_in import sign_in
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db):
    tehran = province("tehran")
    org_a = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    org_b = OrganisationFactory(code="NGOB", name_fa="خانه کودک مهرآفرین", home_province=tehran)
    worker_a = member("fatemeh", org_a, Role.CASEWORKER)
    worker_b = member("narges", org_b, Role.CASEWORKER)
    other = services.case_register(
        by=worker_b,
        organisation=org_b,
        data={
            "given_name": "زهرا",
            "family_name": "محمدی",
            "father_name": "غلامرضا",
            "sex": Sex.FEMALE,
            "birth_date": datetime.date(2014, 3, 21),
            "estimated_age": None,
            "nationality": Nationality.AFGHAN,
            "documentation": Documentation.AMAYESH,
            "id_number": "5566778899",
            "languages": ["dari"],
            "province": tehran,
            "city": "تهران",
            "district": "۱۲",
            "phone": "09120001122",
        },
        consent={
            "given_by": ConsentGiver.GUARDIAN,
            "given_by_name": "",
            "given_on": datetime.date(2026, 11, 1),
            "scope": [ConsentScope.RECORD],
        },
    )
    return {"worker_a": worker_a, "other_case": other}


def test_caseworker_day_on_a_phone(phone_page, cast, screenshot):
    page = phone_page
    sign_in(page, "fatemeh")

    # 1. Log an encounter with anonymous children, typing Persian digits.
    page.goto("/outreach/new/")
    page.select_option("select[name=activity]", "first_contact")
    page.fill("input[name=city]", "تهران")
    page.fill("input[name=district]", "۶")
    page.fill("input[name=hotspot]", "چهارراه ولیعصر")
    page.fill("input[name=anon_male_12_14]", "۲")
    page.fill("input[name=anon_female_6_11]", "۱")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-encounter-form")
    page.click("form[data-testid=encounter-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/outreach/\d+/$"))
    encounter = Encounter.objects.get()
    assert (encounter.anon_male_12_14, encounter.anon_female_6_11) == (2, 1)
    screenshot(page, "2-encounter-saved")

    # 2. Register one of the anonymous boys from the encounter.
    page.get_by_test_id("register-from-male-12_14").click()
    page.fill("input[name=given_name]", "امیرحسین")
    page.fill("input[name=family_name]", "کریمی")
    page.fill("input[name=father_name]", "عباس")
    page.fill("input[name=estimated_age]", "۱۳")
    page.select_option("select[name=nationality]", "iranian")
    page.select_option("select[name=documentation]", "undocumented")
    page.select_option("select[name=consent_given_by]", "guardian")
    screenshot(page, "3-register-form")
    page.click("form[data-testid=register-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get(given_name="امیرحسین")
    assert page.get_by_test_id("case-number").inner_text() == case.case_number
    encounter.refresh_from_db()
    assert encounter.anon_male_12_14 == 1
    assert case.encounters.filter(pk=encounter.pk).exists()
    screenshot(page, "4-case-registered")

    # 3. Two later visits fill two more sections.
    page.get_by_test_id("edit-work").click()
    page.select_option("select[name=work_type]", "street_vending")
    page.fill("input[name=work_hours_per_week]", "۳۰")
    page.click("form[data-testid=section-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    page.get_by_test_id("edit-schooling").click()
    page.select_option("select[name=school_status]", "dropped_out")
    page.click("form[data-testid=section-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case.refresh_from_db()
    assert (case.work_type, case.work_hours_per_week, case.school_status) == (
        "street_vending",
        30,
        "dropped_out",
    )
    assert page.get_by_test_id("timeline").locator("li").count() >= 4
    screenshot(page, "5-case-after-two-visits")

    # 4. Find the child again with a misspelled name.
    page.goto("/cases/?q=امیرحسن+کریمي")
    assert case.case_number in page.get_by_test_id("case-table").inner_text()
    screenshot(page, "6-search-misspelled")

    # 5. Another NGO's child: a warning naming the NGO, and none of the child's details.
    page.goto("/cases/register/")
    page.fill("input[name=given_name]", "زهرا")
    page.fill("input[name=family_name]", "محمدي")
    page.fill("input[name=father_name]", "غلامرضا")
    page.check("input[name=sex][value=female]") if page.locator(
        "input[name=sex]"
    ).count() else page.select_option("select[name=sex]", "female")
    page.fill("input[name=estimated_age]", "12")
    page.select_option("select[name=nationality]", "afghan")
    page.select_option("select[name=documentation]", "undocumented")
    page.select_option("select[name=consent_given_by]", "child")
    page.click("form[data-testid=register-form] button[type=submit]")
    warning = page.get_by_test_id("duplicate-warning")
    assert "خانه کودک مهرآفرین" in warning.inner_text()
    html = page.content()
    other = cast["other_case"]
    # The birth date in any form it could be shown in (a bare "1393" can be a user's id).
    born = ("۱۳۹۳", "1393/01/01", "2014-03-21", "21/03/2014")
    for secret in (other.case_number, other.id_number, other.phone, *born):
        assert secret not in html
    assert not Case.objects.filter(organisation__code="NGOA", given_name="زهرا").exists()
    screenshot(page, "7-duplicate-warning")
