"""Issue 17, lists on a phone: rows become cards that name each value under filters that show
their first field, "My work" has tap targets of at least 24 × 24 px, and the coverage table opens
one province at a time.

The demo's data fill the lists (tests/browser/test_journeys.py seeds it the same way).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from children.models import Case
from core.models import User
from demo.people import DEMO_PASSWORD
from tests.browser.signing_in import sign_in

from .test_journeys import PHONE, _phone, demo  # noqa: F401 - the demo fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Links, buttons and fields of the page's main part that are smaller than 24 px either way.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main summary')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && r.height > 0 && (r.width < 24 || r.height < 24); })
  .map(e => (e.textContent || e.name || '').trim().slice(0, 30))"""

# Each card of a stacked table: how it is drawn, and each value's name against its column's.
CARDS = """table => {
  const headings = [...table.tHead.rows[0].cells].map(c => c.textContent.trim());
  const rows = [...table.tBodies[0].rows];
  return {
    display: rows.map(r => getComputedStyle(r).display),
    labels: rows.flatMap(r => [...r.cells].filter(c => c.dataset.label)
        .map(c => [c.dataset.label, headings[c.cellIndex]])),
    fits: table.closest('.table-responsive').scrollWidth
        <= table.closest('.table-responsive').clientWidth,
  };
}"""


def _cards(page, testid):
    return page.get_by_test_id(testid).evaluate(CARDS)


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.usefixtures("demo")
def test_list_rows_become_cards_that_name_each_value_on_a_phone(browser, live_server, language):
    context, page = _phone(browser, live_server, language)
    try:
        sign_in(page, "manager.a", DEMO_PASSWORD)
        manager = User.objects.get(username="manager.a")
        case = Case.objects.filter(organisation=manager.membership.organisation).first()
        for path, testid in [
            ("/cases/", "case-table"),
            (f"/cases/{case.pk}/audit/", "audit-table"),
            ("/referrals/inbox/", "referral-table"),
            ("/outreach/", "encounter-table"),
            ("/meetings/tracker/", "tracker-list"),
        ]:
            page.goto(path)
            cards = _cards(page, testid)
            assert cards["display"] and set(cards["display"]) == {"grid"}, path
            assert cards["fits"], path
            assert cards["labels"], path
            assert all(label == heading for label, heading in cards["labels"]), path
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path

        # The filters show their first field; the others open on demand, or at once when in use.
        page.goto("/cases/")
        assert page.locator("input[name=q]").is_visible()
        assert not page.locator("select[name=status]").is_visible()
        page.locator(".filter-toggle").click()
        page.locator("select[name=status]").wait_for(state="visible")
        page.goto("/cases/?status=registered")
        assert page.locator("select[name=status]").is_visible()

        # On a wide screen the same list is a table again, its filters all in view.
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/cases/")
        assert set(_cards(page, "case-table")["display"]) == {"table-row"}
        assert page.locator("select[name=status]").is_visible()
    finally:
        context.close()


@pytest.mark.usefixtures("demo")
def test_the_staff_list_does_not_widen_the_page_with_its_hidden_heading(browser, live_server):
    """The actions column's heading is visually hidden (absolutely positioned): it once escaped the
    table's box and widened the whole page by 100 px."""
    context, page = _phone(browser, live_server, "fa")
    try:
        sign_in(page, "manager.a", DEMO_PASSWORD)
        page.goto(page.locator("nav a[href$='/staff/']").first.get_attribute("href"))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert set(_cards(page, "staff-table")["display"]) == {"grid"}
    finally:
        context.close()


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.usefixtures("demo")
def test_my_work_has_no_tap_target_under_24_px(browser, live_server, language):
    """30 of 34 links of "My work" were 22 px tall (WCAG 2.2 asks 24 × 24 px)."""
    context, page = _phone(browser, live_server, language)
    try:
        sign_in(page, "manager.a", DEMO_PASSWORD)
        page.goto("/my-work/")
        assert page.locator("main .work-link").count() >= 5
        assert page.evaluate(SMALL_TARGETS) == []
        result = Axe().run(page, options={"runOnly": ["target-size"]})
        assert result.response["violations"] == []
    finally:
        context.close()


@pytest.mark.usefixtures("demo")
def test_coverage_on_a_phone_opens_one_province_at_a_time(browser, live_server):
    context, page = _phone(browser, live_server, "fa")
    try:
        sign_in(page, "ministry", DEMO_PASSWORD)
        page.goto("/organisations/coverage/")
        assert not page.get_by_test_id("coverage-table").is_visible()
        provinces = page.get_by_test_id("coverage-list").locator("details")
        assert provinces.count() == 31  # every province
        tehran = provinces.filter(has_text="تهران").first
        tehran.locator("summary").click()
        offered = tehran.locator("a[href*='service=']")
        assert offered.count() >= 1
        assert "province=" in offered.first.get_attribute("href")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
