"""Issue 16 in the browser: a sheet typed by field staff, with the trade's words and a few words
no vocabulary knows. The administrator says once what each unknown word means, on a 390 px phone
and on a desktop; the file is checked again and imported, and the organisation's saved words are
listed on the upload page."""

import pytest

from children.models import Case
from imports.models import ValueWord
from tests.browser.test_imports import as_csv, cast, messy_rows, sign_in, upload  # noqa: F401

pytestmark = pytest.mark.browser


def sheet():
    rows = messy_rows()
    trade = ["گل فروشی سر چهارراه", "فال‌فروشی", "ضایعات", "کارواش", "حمالی", "فروش بلال"]
    for index, row in enumerate(rows):
        row[-1] = trade[index % len(trade)]  # type of work
    rows[3][7] = "برگه سرشماری"  # documentation
    rows[5][7] = "در دست اقدام"  # documentation: unknown
    return rows


@pytest.mark.parametrize("screen", ["phone_page", "page"])
def test_administrator_maps_unknown_words_once_and_imports(request, screen, cast, screenshot):  # noqa: F811
    page = request.getfixturevalue(screen)
    sign_in(page, "admin")
    upload(page, cast["org"], "children.csv", as_csv(sheet()))
    section = page.locator("[data-testid=unknown-values]")
    items = section.locator("[data-testid=unknown-value]")
    assert items.count() == 2
    texts = [items.nth(i).inner_text() for i in range(2)]
    assert any("«در دست اقدام»" in text for text in texts)
    assert any("۶ ردیف نوشته‌اند «فروش بلال»" in text for text in texts)
    assert page.locator("[data-testid=import-confirm]").count() == 0
    if screen == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"1-words-to-decide-{screen}")

    work = section.locator("[data-testid=unknown-value][data-column=work_type] select")
    work.select_option("street_vending")
    documents = section.locator("[data-testid=unknown-value][data-column=documentation] select")
    documents.select_option("empty")
    page.click("[data-testid=unknown-values-save]")
    page.wait_for_selector("[data-testid=import-job][data-status=previewed]")
    assert page.locator("[data-testid=unknown-values]").count() == 0
    assert page.locator("[data-testid=count-created]").inner_text() == "۳۶"
    screenshot(page, f"2-decided-{screen}")

    page.click("[data-testid=import-confirm] button")
    page.wait_for_selector("[data-testid=import-job][data-status=done]")
    cases = Case.objects.filter(organisation=cast["org"])
    assert cases.count() == 36
    assert cases.filter(work_type="street_vending").count() == 18  # flowers, fortunes, بلال
    assert cases.filter(documentation="not_recorded").count() == 1

    page.goto(f"/imports/?words_of={cast['org'].pk}#saved-words")
    saved = page.locator("[data-testid=saved-word]")
    assert saved.count() == 2 == ValueWord.objects.filter(organisation=cast["org"]).count()
    if screen == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"3-saved-words-{screen}")
