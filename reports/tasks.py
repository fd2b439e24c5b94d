"""Celery jobs for reports. Thin: each calls one service that is safe to run twice."""

from celery import shared_task

from core.mail import MAIL_RETRY


@shared_task
def refresh_summaries():
    """Rebuild the dashboard summaries (every 15 minutes), then protect the recent quarters'
    figures so the next dashboard view reads them from the cache."""
    from .national_tables import warm_cache
    from .summary import refresh_summaries as refresh

    facts = refresh().facts
    warm_cache()
    return facts


@shared_task
def build_due_reports():
    """Ask for the periodic reports whose period has ended (daily, and after seeding the demo)."""
    from .services import reports_build_due

    return reports_build_due()


# Reports take seconds to a minute; a worker lost midway gets the task again (acks_late and
# reject_on_worker_lost in settings) and the build, keyed by its run id, starts over cleanly.
@shared_task(soft_time_limit=20 * 60, time_limit=25 * 60)
def build_report(report_id, run_id):
    from .services import report_build

    return report_build(report_id=report_id, run_id=run_id)


@shared_task(bind=True, **MAIL_RETRY)
def notify_report_ready(self, report_id, run_id):
    """Mail the report's readers a link to it (never its figures); once per run."""
    from .notifications import report_notify

    return report_notify(report_id=report_id, run_id=run_id)
