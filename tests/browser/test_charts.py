"""Issue 17 in the browser: a suppressed figure is drawn as a labelled hatch, never an empty bar
that reads as zero, and every number of a chart is written the way the tables write it."""

import json
import re
from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.persian_dates import localdigits

from .test_reports import figures, sign_in  # noqa: F401 - figures is a fixture used by name

pytestmark = pytest.mark.browser

DRAWN = (
    "() => [...document.querySelectorAll('canvas[data-chart]')]"
    ".every(c => window.Chart && window.Chart.getChart(c))"
)


def open_dashboard(page, live_server, officer, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, officer.username)
    page.goto("/reports/dashboard/")
    page.wait_for_function(DRAWN)


def test_a_suppressed_figure_is_a_labelled_hatch_with_its_mark_in_the_tooltip(
    figures,  # noqa: F811
    page,
    live_server,
    screenshot,
):
    page.emulate_media(reduced_motion="reduce")  # the screenshot shows the bars grown
    open_dashboard(page, live_server, figures, "fa")
    marked = page.evaluate(
        """() => window.koodakCharts.charts.flatMap(chart =>
            chart.data.datasets.flatMap((dataset, datasetIndex) =>
              (dataset.koodakMarks || []).map((mark, dataIndex) => mark && {
                mark,
                value: dataset.data[dataIndex],
                hatched: dataset.backgroundColor[dataIndex] instanceof CanvasPattern,
                tooltip: chart.options.plugins.tooltip.callbacks.label({
                  chart, dataset, datasetIndex, dataIndex,
                  parsed: {x: dataset.data[dataIndex], y: dataset.data[dataIndex]},
                }),
              }).filter(Boolean)))"""
    )
    suppressed = [point for point in marked if point["mark"] == "<5"]
    assert suppressed, marked  # Mashhad's three children
    for point in suppressed:
        assert point["value"] == 4 and point["hatched"], point
        assert "<۵" in point["tooltip"] and "کمتر" not in point["tooltip"].split(":")[0], point
    # The table beside the chart shows the same mark.
    assert "<۵" in page.get_by_test_id("table-provinces").inner_text()
    screenshot(page, "hatch")


@pytest.mark.parametrize(
    ("language", "pattern"), [("fa", r"^-?[۰-۹٬٫]+$"), ("en", r"^-?[0-9,.]+$")]
)
def test_axis_numbers_are_written_in_the_pages_digits(
    figures,  # noqa: F811
    phone_page,
    live_server,
    language,
    pattern,
):
    open_dashboard(phone_page, live_server, figures, language)
    ticks = phone_page.evaluate(
        """() => window.koodakCharts.charts.flatMap(chart => {
            const axis = chart.options.indexAxis === "y" ? chart.scales.x : chart.scales.y;
            return axis.ticks.map(tick => String(tick.label));
        })"""
    )
    assert ticks
    bad = [tick for tick in ticks if not re.match(pattern, tick)]
    assert not bad, bad


VALUES = [0, 7, 1234, 1234567, -42, Decimal("1234.5")]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_browser_writes_numbers_as_the_server_does(
    figures,  # noqa: F811
    page,
    live_server,
    language,
):
    open_dashboard(page, live_server, figures, language)
    written = page.evaluate(
        "values => values.map(v => window.koodakNumbers.format(v))",
        [float(value) for value in VALUES],
    )
    with translation.override(language):
        expected = [localdigits(value) for value in VALUES]
    assert written == expected
    if language == "fa":
        assert written[3] == "۱٬۲۳۴٬۵۶۷"


def test_the_coverage_chart_writes_its_numbers_with_the_same_helper(
    figures,  # noqa: F811
    page,
    live_server,
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, figures.username)
    page.goto("/organisations/coverage/")
    page.wait_for_function("() => window.Chart && window.Chart.getChart('coverage-chart')")
    ticks = page.evaluate(
        """() => window.Chart.getChart(document.getElementById("coverage-chart"))
            .scales.x.ticks.map(tick => String(tick.label))"""
    )
    assert ticks and all(re.match(r"^[۰-۹٬]+$", tick) for tick in ticks), ticks
    assert errors == []


@pytest.mark.parametrize("width", [390, 1280])
def test_a_horizontal_chart_of_many_rows_gives_each_row_room_for_its_label(
    browser, live_server, width
):
    """A large organisation's hundred caseworkers: each bar keeps a readable row's height
    instead of the chart squeezing them over each other (static/js/dashboard-charts.js)."""
    rows = 120
    spec = {
        "type": "bar",
        "horizontal": True,
        "labels": [f"Caseworker {index}" for index in range(rows)],
        "datasets": [{"label": "Open", "data": list(range(rows))}],
    }
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/healthz")  # the live server's origin, for the scripts' addresses
    page.set_content(
        '<html lang="en" dir="ltr"><body><div style="width: 100%">'
        '<canvas data-chart="many"></canvas></div>'
        f'<script id="many" type="application/json">{json.dumps(spec)}</script>'
        f'<script src="{live_server.url}/static/vendor/chartjs/chart.umd.min.js"></script>'
        f'<script src="{live_server.url}/static/js/numbers.js"></script>'
        f'<script src="{live_server.url}/static/js/dashboard-charts.js"></script>'
        "</body></html>"
    )
    page.wait_for_function(DRAWN)
    height = page.evaluate("() => document.querySelector('canvas').clientHeight")
    context.close()
    assert height >= rows * 18, height
