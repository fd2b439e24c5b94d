"""Issue 16 in the browser, on a 390 px phone: a file with the same child twice and a child that
another organisation has registered already. The twins are shown as one child with the row kept;
the possible duplicate holds the import back until the administrator skips it."""

import datetime

import pytest

from children import services
from children.models import Case
from core.permissions import Role
from tests.browser.test_imports import as_csv, sign_in, upload
from tests.children.conftest import CONSENT, identity
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser

ROW = ["", "", "", "حسن", "دختر", "1396/10/07", "افغانستانی", "کارت آمایش", "", "تهران", "", ""]


def row(given, family, city=""):
    cells = list(ROW)
    cells[1], cells[2], cells[10] = given, family, city
    return cells


@pytest.fixture
def cast(transactional_db):
    tehran = province("tehran")
    org = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    other = OrganisationFactory(code="NGOB", name_fa="خانهٔ کودک شوش", home_province=tehran)
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    member("admin", ministry, Role.ADMINISTRATOR)
    member("maryam", org, Role.ORG_MANAGER)
    worker = member("sara", other, Role.CASEWORKER)
    services.case_register(
        by=worker,
        organisation=other,
        data=identity(
            given_name="نرگس",
            family_name="رحیمی",
            sex="female",
            birth_date=datetime.date(2017, 12, 28),
        ),
        consent=dict(CONSENT),
    )
    return {"org": org}


def test_twins_are_one_child_and_a_possible_duplicate_waits_for_an_answer(
    phone_page, cast, screenshot
):
    page = phone_page
    sign_in(page, "admin")
    rows = [
        row("زهرا", "کریمی"),
        row("مریم", "یوسفی"),
        row("ظهرا", "کریمی", city="ورامین"),  # the same girl as row 2, one field more
        row("نرگس", "رحیمی"),  # registered at the other organisation already
    ]
    upload(page, cast["org"], "children.csv", as_csv(rows))
    group = page.locator("[data-testid=in-file-group]")
    assert group.count() == 1
    assert group.get_attribute("data-kept") == "4"
    assert "۲، ۴" in group.inner_text()
    line = page.locator("[data-testid=likely-line]")
    assert "خانهٔ کودک شوش" in line.inner_text()
    assert page.locator("[data-testid=import-confirm]").count() == 0  # waiting for the answer
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "1-waiting")

    line.locator("button[value=skip]").click()
    page.wait_for_selector("[data-testid=import-job][data-status=previewed]")
    assert page.locator("[data-testid=likely-line]").get_attribute("data-decision") == "skip"
    screenshot(page, "2-answered")
    page.click("[data-testid=import-confirm] button")
    page.wait_for_selector("[data-testid=import-job][data-status=done]")
    names = sorted(Case.objects.filter(organisation=cast["org"]).values_list("given_name", "city"))
    assert names == [("ظهرا", "ورامین"), ("مریم", "")]
