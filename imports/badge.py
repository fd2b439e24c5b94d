"""The import job's badge: "ready" only when every row will go in (issue 16).

Otherwise it says how many rows need a fix (invalid rows) and how many need a decision (rows held
back by a value not yet mapped, ``summary["rows_undecided_values"]``, and rows waiting for the
confirmation of a likely duplicate, ``summary["likely_pending"]``). The job page and the job
list of the upload page show the same words.
"""

from dataclasses import dataclass

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.persian import to_persian_digits

from .models import ImportJob


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # a Bootstrap colour: success, warning, danger, info, secondary
    ready: bool = False
    to_fix: int = 0
    to_decide: int = 0


def count_text(number):
    """A count as the page writes it: 1,240 in English, ۱٬۲۴۰ in Persian."""
    text = f"{number:,}"
    if (get_language() or "fa").startswith("fa"):
        return to_persian_digits(text.replace(",", "٬"))
    return text


def rows_to_decide(summary):
    """Rows that need the administrator's decision: unmapped values, likely duplicates."""
    summary = summary or {}
    return int(summary.get("rows_undecided_values") or 0) + int(summary.get("likely_pending") or 0)


def job_badge(job):
    """The badge of ``job`` in the active language."""
    Status = ImportJob.Status
    summary = job.summary or {}
    if job.status == Status.DONE:
        return Badge(job.get_status_display(), "success")
    if job.status == Status.FAILED:
        return Badge(job.get_status_display(), "danger")
    if job.status != Status.PREVIEWED:
        return Badge(job.get_status_display(), "info")
    to_fix, to_decide = job.rows_invalid, rows_to_decide(summary)
    if to_fix or to_decide:
        parts = []
        if to_fix:
            parts.append(
                ngettext("%(count)s row to fix", "%(count)s rows to fix", to_fix)
                % {"count": count_text(to_fix)}
            )
        if to_decide:
            parts.append(
                ngettext(
                    "%(count)s row needs a decision", "%(count)s rows need a decision", to_decide
                )
                % {"count": count_text(to_decide)}
            )
        # A semicolon, not a dot that would read as the Persian zero beside Persian digits.
        joiner = "؛ " if (get_language() or "fa").startswith("fa") else "; "
        return Badge(
            joiner.join(parts), "danger" if to_fix else "warning", False, to_fix, to_decide
        )
    if summary.get("already_imported"):
        return Badge(_("Already imported"), "secondary")
    if not job.rows_valid:
        return Badge(_("No rows to import"), "secondary")
    return Badge(
        ngettext(
            "Ready: %(count)s row will be imported",
            "Ready: %(count)s rows will be imported",
            job.rows_valid,
        )
        % {"count": count_text(job.rows_valid)},
        "success",
        ready=True,
    )
