"""Figures as people read them: Persian digits in Persian, suppression marks explained."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.i18n import is_persian
from core.persian import to_persian_digits
from core.templatetags.persian_dates import localdigits

from .. import suppression

register = template.Library()


def _digits(text):
    return to_persian_digits(text) if is_persian() else text


@register.filter
def figure(value):
    """A table cell: a count, a decimal (a median or a percentage), a mark or a dash."""
    if value is None or value == "":
        return "—"
    if value == suppression.SUPPRESSED:
        return format_html(
            '<abbr title="{}" class="text-body-secondary"><bdi dir="ltr">{}</bdi></abbr>',
            _("Fewer than 5: hidden to protect the children's identity"),
            _digits("<5"),
        )
    if value == suppression.HIDDEN:
        return format_html(
            '<abbr title="{}" class="text-body-secondary">*</abbr>',
            _("Hidden so that a total cannot reveal a figure under 5"),
        )
    # Numbers through the one helper of tables and charts (localdigits; static/js/numbers.js in
    # the browser): Django's Persian number format groups with a Latin comma, which reads as "،".
    if isinstance(value, float):
        return localdigits(Decimal(str(value)).quantize(Decimal("0.1")))
    if isinstance(value, int) and value < 0:
        # A minus sign must stay on the left of the digits in a right-to-left line.
        return format_html('<bdi dir="ltr">{}</bdi>', "−" + localdigits(-value))
    if isinstance(value, int):
        return localdigits(value)
    return value


@register.filter
def signed(value):
    """A change against the previous period, with its sign; marks pass through."""
    if isinstance(value, int) and value > 0:
        text = "+" + localdigits(value)
    elif isinstance(value, int) and value < 0:
        text = "−" + localdigits(-value)
    else:
        return figure(value)
    return format_html('<bdi dir="ltr">{}</bdi>', text)


HEAT_LEVELS = 4


def _heat(rows, column):
    """A shade from 1 to HEAT_LEVELS per row for the figure in `column` (0 for none or hidden)."""
    values = [row[column] if isinstance(row[column], int) else 0 for row in rows]
    largest = max(values or [0])
    if largest <= 0:
        return [0] * len(rows)
    return [-(-value * HEAT_LEVELS // largest) if value > 0 else 0 for value in values]


@register.inclusion_tag("reports/partials/figure_table.html")
def figure_table(data, chart=True, heat_column=None):
    """A table dict (reports.tables) as a table with its chart: beside it when the table is
    narrow, below it when wide. `heat_column` shades that column's cells by value."""
    rows = data["rows"]
    shades = _heat(rows, heat_column) if heat_column else [0] * len(rows)
    return {
        "table": data,
        "rows": [
            [(cell, shade if index == heat_column else 0) for index, cell in enumerate(row)]
            for row, shade in zip(rows, shades, strict=True)
        ],
        "chart": chart and data.get("chart"),
        "chart_id": f"chart-{data['id']}",
        "wide": len(data["columns"]) > 3,
    }
