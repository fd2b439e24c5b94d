"""Figures in tables: one helper writes every number (core's localdigits), so Persian tables
group thousands with «٬», as the charts do, never with a Latin comma that reads as «،»."""

import pytest
from django.utils import translation

from reports import suppression
from reports.tables import bar_chart
from reports.templatetags.report_tags import figure, signed


@pytest.mark.parametrize(
    ("value", "fa", "en"),
    [
        (1234567, "۱٬۲۳۴٬۵۶۷", "1,234,567"),
        (0, "۰", "0"),
        (12.25, "۱۲٫۲", "12.2"),
        (1234.5, "۱٬۲۳۴٫۵", "1,234.5"),
    ],
)
def test_numbers_are_grouped_in_the_readers_digits(value, fa, en):
    with translation.override("fa"):
        assert figure(value) == fa
    with translation.override("en"):
        assert figure(value) == en


def test_signed_changes_keep_their_sign_and_separator():
    with translation.override("fa"):
        assert "+۱٬۲۰۰" in signed(1200)
        assert "−۱٬۲۰۰" in signed(-1200)


def test_a_chart_of_a_table_keeps_the_suppression_marks_and_explains_them():
    with translation.override("en"):
        spec = bar_chart(["Tehran", "Qom"], [("Registered", [15, suppression.SUPPRESSED])])
    assert spec["datasets"][0]["data"] == [15, None]
    assert spec["datasets"][0]["marks"] == [None, "<5"]
    assert spec["notes"]["<5"].startswith("Fewer than 5")


def test_the_pdf_chart_draws_a_suppressed_count_as_a_marked_bar_not_an_empty_one():
    from reports.files.pdf import css_chart

    spec = bar_chart(
        ["Tehran", "Qom", "Fars"],
        [("Registered", [8, suppression.SUPPRESSED, suppression.HIDDEN])],
    )
    rows = dict(css_chart(spec)["rows"])
    (tehran,) = rows["Tehran"]
    (qom,) = rows["Qom"]
    (fars,) = rows["Fars"]
    assert tehran[2] == 100.0 and tehran[4] is None
    assert qom[2] == 50.0 and qom[4] == "<5"  # up to 4 of the largest 8
    assert fars[2] == 0 and fars[4] == "*"  # no bar, but its mark
