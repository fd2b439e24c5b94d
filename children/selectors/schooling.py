"""Reads of a case's schooling history (docs/adr/0035)."""

import datetime

from core.jalali import jalali_month_bounds, to_jalali

from ..models import Case, SchoolStatusChange

SCHOOL_YEAR_START_MONTH = 7  # Mehr


def school_changes_of_case(case: Case, limit: int = 20) -> list[SchoolStatusChange]:
    """The case's schooling changes, newest first (the caller has already checked access)."""
    return list(SchoolStatusChange.objects.filter(case=case).order_by("-changed_on", "-id")[:limit])


def school_year_start(today: datetime.date) -> datetime.date:
    """1 Mehr of the school year `today` is in (the Iranian school year starts on 1 Mehr)."""
    jalali = to_jalali(today)
    year = jalali.year if jalali.month >= SCHOOL_YEAR_START_MONTH else jalali.year - 1
    return jalali_month_bounds(year, SCHOOL_YEAR_START_MONTH)[0]
