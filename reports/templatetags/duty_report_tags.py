"""The duty-to-report block of the ministry dashboard: one line hooks it into the page."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..duty import duty_block_html

register = template.Library()


@register.simple_tag(takes_context=True)
def duty_report_block(context) -> SafeString:
    """The block for the dashboard's quarter and scope (the nation or one province, AC-12), as
    the view worked them out (reports.views.national.dashboard_scope)."""
    html = duty_block_html(context["period"], context["scope"], context.get("province_rows"))
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there
