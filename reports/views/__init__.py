"""Report and dashboard views, one module per area."""

from .national import national_dashboard, national_export, overdue_referrals_view
from .organisation import organisation_dashboard
from .reports import report_ask, report_detail, report_file, report_list, report_rebuild

__all__ = [
    "national_dashboard",
    "national_export",
    "organisation_dashboard",
    "overdue_referrals_view",
    "report_ask",
    "report_detail",
    "report_file",
    "report_list",
    "report_rebuild",
]
