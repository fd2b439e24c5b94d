"""The duty-to-report block of the ministry dashboard: one line hooks it into the page."""

from django import template

from ..duty import duty_tables

register = template.Library()


@register.inclusion_tag("reports/partials/duty_report_block.html", takes_context=True)
def duty_report_block(context):
    """The block for the dashboard's quarter and scope (the nation or one province, AC-12), as
    the view worked them out (reports.views.national.dashboard_scope)."""
    return {"tables": duty_tables(context["period"], context["scope"])}
