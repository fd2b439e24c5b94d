"""The duty to report on the case page and on "My work", each hooked in with one line
(docs/adr/0036-duty-to-report.md)."""

from django import template

from ..selectors.case_page import known_empty
from ..selectors.duty import case_report_alerts, my_work_report_alerts

register = template.Library()


def _alerts_of(context, case):
    """The case's alerts, read once for the page's badge and card (kept on the case object,
    which lives for one request), and not at all when the page knows there are none."""
    if known_empty(context, case, "report_alerts"):
        return []
    alerts = getattr(case, "_page_report_alerts", None)
    if alerts is None:
        alerts = case._page_report_alerts = list(case_report_alerts(case))
    return alerts


@register.inclusion_tag("children/partials/duty_alerts_case.html", takes_context=True)
def case_duty_alerts(context, case):
    """The case's alerts and their decisions, for anyone who may see the case."""
    return {"case": case, "alerts": _alerts_of(context, case), "can": context.get("can", {})}


@register.inclusion_tag("children/partials/duty_alerts_my_work.html", takes_context=True)
def my_work_duty_alerts(context):
    """A manager's open alerts: their own, and the organisation's escalated ones."""
    return {"duty": my_work_report_alerts(user=context["request"].user)}


@register.inclusion_tag("children/partials/duty_alert_badge.html", takes_context=True)
def case_duty_alert_badge(context, case):
    """A badge in the case's heading while an alert waits, leading to its card."""
    return {"open_count": sum(alert.decided_at is None for alert in _alerts_of(context, case))}
