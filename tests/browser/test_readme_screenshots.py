"""The README's pictures, taken from the demo data in a real browser: `make screenshots`.

Each picture is one page seen by one demo user on a phone (390 px) or a desktop (1280 px), in
Persian or English, saved as docs/screenshots/<name>-<device>-<language>.png. The pictures are
taken only when KOODAK_SCREENSHOTS names the folder to write to (the Makefile target sets it),
so the ordinary test run leaves the committed pictures alone; the test below the pictures checks
on every run that the README shows exactly the pictures this module takes.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.people import DEMO_PASSWORD
from reports.summary import refresh_summaries
from tests.browser.signing_in import sign_in

ROOT = Path(__file__).resolve().parents[2]
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
BOTH = ("fa", "en")


@dataclass(frozen=True)
class Shot:
    name: str
    user: str
    devices: tuple[str, ...]
    languages: tuple[str, ...]
    # On a desktop, the part of the page to show when its top is not the interesting part.
    desktop_scroll_to: str | None = None

    def files(self):
        return [
            f"{self.name}-{device}-{language}.png"
            for device in self.devices
            for language in self.languages
        ]


SHOTS = [
    Shot("my-work", "manager.a", ("phone", "desktop"), BOTH),
    Shot("case", "caseworker.a", ("phone", "desktop"), BOTH),
    Shot("encounter", "caseworker.a", ("phone",), BOTH),
    Shot("dashboard", "ministry", ("phone", "desktop"), BOTH, "[data-testid$='-sex-age']"),
    Shot("case-search", "caseworker.a", ("desktop",), ("fa",)),
    Shot("hotspots", "caseworker.a", ("desktop",), ("fa",)),
    Shot("coverage", "ministry", ("desktop",), ("fa",)),
    Shot("report", "ministry", ("desktop",), ("fa",)),
]


def _path(name):
    """The page a picture shows, from the demo's data (None: the demo has no such page)."""
    from children.models import Case
    from reports.models import Report

    if name == "my-work":
        return reverse("children:my_work")
    if name == "case":
        # An open case far along its workflow, so the page has the most to show.
        mine = Case.objects.filter(assigned_to__username="caseworker.a")
        case = (
            mine.filter(status="in_progress").order_by("pk").first()
            or mine.exclude(status="closed").order_by("-pk").first()
        )
        return case and reverse("children:case_detail", args=[case.pk])
    if name == "encounter":
        return reverse("children:encounter_create")
    if name == "dashboard":
        return reverse("reports:national_dashboard")
    if name == "case-search":
        # Typed with the Arabic yeh, as some keyboards do: the search finds احمدی all the same.
        return reverse("children:case_list") + "?q=" + "احمدي"
    if name == "hotspots":
        return reverse("children:hotspots")
    if name == "coverage":
        return reverse("ngos:coverage")
    if name == "report":
        # The last quarter's national summary, built here as the worker would after the quarter.
        from reports import periods
        from reports.services import report_build, report_request

        report = report_request(
            kind=Report.Kind.QUARTERLY_SUMMARY, period=periods.last_complete(periods.QUARTER)
        )
        report_build(report_id=report.pk, run_id=str(report.run_id))  # a no-op if built
        return reverse("reports:report_detail", args=[report.pk])
    raise ValueError(name)


def test_the_readme_shows_exactly_the_pictures_make_screenshots_takes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"docs/screenshots/([\w.-]+\.png)", readme))
    taken = {file for shot in SHOTS for file in shot.files()}
    assert shown == taken
    kept = {path.name for path in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert kept == taken  # no picture is missing, none is left over


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not os.environ.get("KOODAK_SCREENSHOTS"), reason="make screenshots takes the pictures"
)
def test_take_the_readme_pictures(browser, live_server):
    folder = Path(os.environ["KOODAK_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    refresh_summaries()  # the dashboards' figures, as the worker computes them every 15 minutes
    missing = []
    for shot in SHOTS:
        path = _path(shot.name)
        if path is None:
            missing.append(shot.name)
            continue
        for device in shot.devices:
            for language in shot.languages:
                context = browser.new_context(
                    base_url=live_server.url, reduced_motion="reduce", **DEVICES[device]
                )
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url}]
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                try:
                    sign_in(page, shot.user, DEMO_PASSWORD)
                    response = page.goto(path)
                    assert response is not None and response.status == 200, (shot, path)
                    page.wait_for_function(
                        "() => [...document.querySelectorAll('canvas[data-chart]')]"
                        ".every(c => window.Chart && window.Chart.getChart(c))"
                    )
                    page.evaluate("document.fonts.ready")
                    if device == "desktop" and shot.desktop_scroll_to:
                        page.locator(shot.desktop_scroll_to).first.scroll_into_view_if_needed()
                    page.screenshot(path=str(folder / f"{shot.name}-{device}-{language}.png"))
                finally:
                    context.close()
    assert not missing, f"the demo has no page for {missing}"
