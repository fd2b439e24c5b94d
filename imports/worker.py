"""What a worker runs for an import job, and the sweep of jobs whose worker is gone (RE-07).

The Celery task may be delivered more than once: the outbox sends at least once, the broker
hands a task whose worker was killed whole to another worker, and the stuck-work sweep queues a
job again. So a run holds the job's lease (a copy delivered while it is alive steps aside) and
only does what the job's state still asks for: the dry run of a job that is uploaded or being
checked, the import of a job marked importing. A job that is done is never imported again.
"""

from datetime import datetime

from core import leases, outbox, stuck

from .models import ImportJob
from .services import import_job_preview, import_job_run

Status = ImportJob.Status
WAITING_FOR_CHECK = (Status.UPLOADED, Status.VALIDATING)


def lease_key(job_id: int) -> str:
    return f"imports.job:{job_id}"


def import_job_work(*, job_id: int, dry_run: bool) -> str:
    """Run the job's dry run or import if its state still asks for it; return what happened."""
    try:
        with leases.held(lease_key(job_id)):
            status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
            if dry_run and status in WAITING_FOR_CHECK:
                return import_job_preview(job_id=job_id).status
            if not dry_run and status == Status.IMPORTING:
                return import_job_run(job_id=job_id).status
            return "nothing to do"  # a repeated delivery, or the job moved on
    except leases.LeaseHeld:
        return "running elsewhere"


def sweep_imports(before: datetime) -> int:
    """Queue again each job waiting for a check or an import whose worker is gone."""
    from .tasks import run_import

    queued = 0
    running = ImportJob.objects.filter(status__in=[*WAITING_FOR_CHECK, Status.IMPORTING])
    for job_id, status, created_at in running.values_list("pk", "status", "created_at"):
        dry_run = status != Status.IMPORTING
        if stuck.is_stuck(
            lease_key=lease_key(job_id),
            task=run_import.name,
            args=(job_id, dry_run),
            since=created_at,
            before=before,
        ):
            outbox.enqueue(run_import, job_id, dry_run)
            queued += 1
    return queued
