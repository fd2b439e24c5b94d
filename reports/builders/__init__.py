"""What each periodic report holds. A builder takes the Report row and answers its content:
{"title", "subtitle", "tables": [reports.tables dicts], "summary": {...}} in Persian, the
language of official reports. Builders only read; reports.services stores what they answer."""

from collections.abc import Callable
from typing import Any

from ..models import Report
from . import backlog, quarterly, referrals, resolutions

# Keyed by Report.kind (a str on a row).
BUILDERS: dict[str, Callable[[Report], dict[str, Any]]] = {
    Report.Kind.WEEKLY_BACKLOG: backlog.build,
    Report.Kind.MONTHLY_REFERRALS: referrals.build,
    Report.Kind.QUARTERLY_SUMMARY: quarterly.build,
    Report.Kind.MONTHLY_RESOLUTIONS: resolutions.build,
}
# Which reports read the summary tables (refreshed before they are built).
NEEDS_SUMMARIES = {Report.Kind.QUARTERLY_SUMMARY}
