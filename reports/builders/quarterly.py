"""The quarterly national summary per province: the ministry dashboard's figures, frozen."""

from django.utils.translation import gettext as _

from .. import periods
from ..national_tables import TREND_QUARTERS, summary
from ..selectors.national import ALL


def build(report):
    period = report.period
    trend = periods.this_and_previous(period, TREND_QUARTERS)
    # A provincial officer's copy holds his province only, as his dashboard does (AC-12).
    scope = report.province_id if report.province_id else ALL
    figures = summary(period, scope, trend_periods=trend)
    title, subtitle = _("Quarterly national summary"), period.label()
    if report.province_id:
        title = _("Quarterly provincial summary")
        subtitle = f"{report.province.name} · {subtitle}"
    return {
        "title": title,
        "subtitle": subtitle,
        "tables": figures["tables"],
        "summary": {
            tile["measure"]: tile["value"] for tile in [*figures["tiles"], figures["merged"]]
        },
    }
