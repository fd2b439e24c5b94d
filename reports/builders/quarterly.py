"""The quarterly national summary per province: the ministry dashboard's figures, frozen."""

from django.utils.translation import gettext as _

from .. import periods
from ..national_tables import TREND_QUARTERS, summary
from ..selectors.national import ALL


def build(report):
    period = report.period
    trend = periods.this_and_previous(period, TREND_QUARTERS)
    figures = summary(period, ALL, trend_periods=trend)
    return {
        "title": _("Quarterly national summary"),
        "subtitle": period.label(),
        "tables": figures["tables"],
        "summary": {
            tile["measure"]: tile["value"] for tile in [*figures["tiles"], figures["merged"]]
        },
    }
