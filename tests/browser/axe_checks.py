"""axe-core on one page as it is now, for tests that look at states the journeys' crawl never
reaches (a failed save, a duplicate warning, an open calendar)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


def serious_axe_findings(page):
    """(rule, first targets) of each serious or critical violation."""
    result = Axe().run(page)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"][:3]])
        for violation in result.response["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.fixture
def axe_phone_page(browser, live_server):
    """A 390 px phone whose pages let axe in (it is injected with evaluate(), which the pages'
    Content Security Policy refuses)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
