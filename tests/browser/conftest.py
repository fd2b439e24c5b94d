"""Real pages in a real browser: Playwright driving Debian's Chromium against a live server.

Playwright's own browser download does not work on our machines, so the browser is the
system's `chromium` (or CHROMIUM_PATH). Without it the browser tests skip, except in CI, where a
missing browser is a failure. Screenshots land in test-results/screenshots/.

`page.wait_for_function` takes a function (`"() => ..."`): a bare expression is evaluated again
with eval while Playwright polls, which the pages' Content Security Policy refuses, so such a wait
fails whenever its condition is not already true at the first look (as on a loaded machine).
"""

import os
import shutil
import warnings
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        message = "Chromium not found: install Debian's 'chromium' package or set CHROMIUM_PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A cheap phone's screen: 390 px wide."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "name")` saves a full-page PNG named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        # The picture is for people to look at, not an assertion: Chromium on a loaded machine now
        # and then answers "Unable to capture screenshot", so try again and then only warn.
        for attempt in range(3):
            try:
                page.screenshot(path=str(path), full_page=True)
                return path
            except PlaywrightError as error:
                if "capture screenshot" not in str(error):
                    raise
                page.wait_for_timeout(500 * (attempt + 1))
        warnings.warn(f"no screenshot {path.name}: Chromium could not capture it", stacklevel=2)
        return path

    return take
