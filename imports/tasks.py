"""The import's Celery task. Thin: it calls the service, which records how the job went."""

from celery import shared_task

from .services import import_job_preview, import_job_run


@shared_task
def run_import(job_id, dry_run):
    """Validate (dry run) or import one uploaded file; progress is written to the job row."""
    if dry_run:
        return import_job_preview(job_id=job_id).status
    return import_job_run(job_id=job_id).status


@shared_task
def purge_old_import_files():
    """Nightly: remove import files and their row details past their keeping time (RT-01)."""
    from .retention import import_files_purge

    return import_files_purge()
