"""Issue 16 in the browser: on a 390 px phone, the preview of a file that changes a registered
child, holds the template's example row and a bad national ID reads without sideways scrolling,
and its badge says what is left to fix."""

import csv
import io

import pytest

from children import services
from core.permissions import Role
from tests.browser.test_imports import sign_in, upload
from tests.children.conftest import CONSENT, identity
from tests.factories import OrganisationFactory, member, province

pytestmark = pytest.mark.browser

HEADER = [
    "شماره پرونده",
    "نام",
    "نام خانوادگی",
    "نام پدر",
    "جنسیت",
    "تاریخ تولد",
    "ملیت",
    "وضعیت مدرک",
    "کد ملی",
    "استان",
    "شهر",
]


def as_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_preview_with_changes_fits_a_phone(phone_page, transactional_db, screenshot, lang):
    tehran = province("tehran")
    org = OrganisationFactory(code="NGOA", name_fa="انجمن یاری کودکان کار", home_province=tehran)
    ministry = OrganisationFactory(code="MOI", name_fa="وزارت کشور", kind="ministry")
    member("admin", ministry, Role.ADMINISTRATOR)
    manager = member("maryam", org, Role.ORG_MANAGER)
    case = services.case_register(
        by=manager, organisation=org, data=identity(), consent=dict(CONSENT)
    )
    rows = [
        ["مثال", "محمدرضا", "احمدی", "حسن", "پسر", "۱۳۹۳/۰۲/۱۱", "افغانستانی", "کارت آمایش", "", "تهران", "تهران"],
        [case.case_number, "علی", "رضایی‌نژاد", "حسن", "پسر", "۹۳/۲/۱۲", "افغانستانی", "فاقد مدرک", "", "تهران", "شهرری با نامی بسیار بلند که روی صفحهٔ گوشی باید بشکند"],
        ["", "زهرا", "کریمی", "رضا", "دختر", "1395/5/5", "ایرانی", "کد ملی", "۰۰۱۲۳۴۵۶۷۸", "تهران", "تهران"],
    ]  # fmt: skip
    page = phone_page
    sign_in(page, "admin")
    if lang == "en":
        page.click("[data-testid=language-en]")
        page.wait_for_selector("html[lang=en]")
    upload(page, org, "children.csv", as_csv(rows))
    badge = page.locator("[data-testid=import-status]")
    expected = "1 row to fix" if lang == "en" else "۱ ردیف باید اصلاح شود"
    assert badge.inner_text().strip() == expected
    assert page.locator("[data-testid=import-confirm]").count() == 0
    assert page.locator("[data-testid=example-rows]").is_visible()
    change = page.locator("[data-testid=change]")
    assert change.count() == 1 and case.case_number in change.inner_text()
    assert page.locator("[data-testid=change-field]").count() == 4  # name, date, papers, city
    assert page.locator("[data-testid=error-cleaned]").inner_text() == "0012345678"
    screenshot(page, f"preview-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/imports/")
    assert page.locator("[data-testid=job-badge]").first.inner_text().strip() == expected
    screenshot(page, f"jobs-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
