"""Every page of the five journeys on a 390 px phone, in Persian and English: nothing scrolls
sideways and axe-core finds no serious or critical violation (issue 17).

The pages are found by following links from the home page (tests/browser/journeys.py) with the
demo's data, so a new page joins the check as soon as a journey links to it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from demo.people import DEMO_PASSWORD
from tests.browser.signing_in import sign_in

from ..conftest import load_reference_rows
from .journeys import check_page, crawl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
JOURNEYS = {
    "caseworker": "caseworker.a",
    "receiving caseworker": "caseworker.b",
    "manager": "manager.a",
    "ministry": "ministry",
    "administrator": "admin",
}


@pytest.fixture
def demo(live_server):
    # An earlier test's flush removed the migrations' reference rows the demo needs.
    load_reference_rows()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def _phone(browser, live_server, language):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        # axe is injected with evaluate(); the pages' Content Security Policy would refuse it.
        bypass_csp=True,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_every_page_of_the_journey_fits_a_phone_and_passes_axe(browser, live_server, demo, journey):
    axe = Axe()
    findings = []
    pages = None
    for language in ("fa", "en"):
        context, page = _phone(browser, live_server, language)
        try:
            sign_in(page, JOURNEYS[journey], DEMO_PASSWORD)
            # The user's own language would override the cookie at sign-in only if none was
            # chosen; the cookie is the choice here.
            if pages is None:
                pages = crawl(page)
            for path in pages.values():
                findings += check_page(page, axe, path, language, PHONE["width"])
        finally:
            context.close()
    assert len(pages) >= 5, pages
    report = "\n".join(f"{f.language} {f.url}: {f.problem}" for f in findings)
    assert not findings, f"{len(findings)} problems on {len(pages)} pages:\n{report}"
