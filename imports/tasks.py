"""The import's Celery task. Thin: it calls the service, which records how the job went."""

from celery import shared_task


@shared_task
def run_import(job_id, dry_run):
    """Validate (dry run) or import one uploaded file; progress is written to the job row.
    Safe to deliver twice (imports.worker)."""
    from .worker import import_job_work

    return import_job_work(job_id=job_id, dry_run=dry_run)


@shared_task
def purge_old_import_files():
    """Nightly: remove import files and their row details past their keeping time (RT-01)."""
    from .retention import import_files_purge

    return import_files_purge()
