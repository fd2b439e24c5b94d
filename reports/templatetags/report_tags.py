"""Figures as people read them: Persian digits in Persian, suppression marks explained."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.jalali import is_persian
from core.persian import to_persian_digits

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
            '<abbr title="{}" class="text-body-secondary">{}</abbr>',
            _("Fewer than 5: hidden to protect the children's identity"),
            _digits("<5"),
        )
    if value == suppression.HIDDEN:
        return format_html(
            '<abbr title="{}" class="text-body-secondary">*</abbr>',
            _("Hidden so that a total cannot reveal a figure under 5"),
        )
    if isinstance(value, float):
        return _digits(number_format(value, decimal_pos=1, force_grouping=True))
    if isinstance(value, int):
        return _digits(number_format(value, force_grouping=True))
    return value


@register.filter
def signed(value):
    """A change against the previous period, with its sign; marks pass through."""
    if isinstance(value, int) and value > 0:
        return _digits("+" + number_format(value, force_grouping=True))
    return figure(value)


@register.inclusion_tag("reports/partials/figure_table.html")
def figure_table(data, chart=True, heat_column=None):
    """A table dict (reports.tables) as a table, with its chart beside it when it has one."""
    return {
        "table": data,
        "chart": chart and data.get("chart"),
        "chart_id": f"chart-{data['id']}",
        "heat_column": heat_column,
    }
