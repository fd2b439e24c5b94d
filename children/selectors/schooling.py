"""Reads of a case's schooling history (docs/adr/0035)."""

from ..models import Case, SchoolStatusChange


def school_changes_of_case(case: Case, limit: int = 20) -> list[SchoolStatusChange]:
    """The case's schooling changes, newest first (the caller has already checked access)."""
    return list(SchoolStatusChange.objects.filter(case=case).order_by("-changed_on", "-id")[:limit])
