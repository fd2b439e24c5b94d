"""An import's file and its row details are removed some weeks after the job (RT-01).

A children's file names every child in it, and the job keeps typed cells beside its errors, the
old and new values of the rows it changed and the rows that looked like a child registered
already. Once the import is done (or abandoned after its preview) none of that is needed: the
children are in their cases, and the audit log says who imported what. After
``IMPORT_FILES_KEEP_DAYS`` days the stored file and the dry run's cache are deleted and only the
job's counts are kept, so the list of imports still says what came in, when and from whom.
"""

from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import Action, record

from .models import ImportJob

FILES_REMOVED = "files_removed"
RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING)


def _counts_only(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary's plain figures (rows merged, skipped ...), without any row's values."""
    return {
        key: value
        for key, value in (summary or {}).items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def expired_import_jobs(*, now=None):
    """Jobs whose file and row details are past their keeping time and still there."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IMPORT_FILES_KEEP_DAYS)
    return (
        ImportJob.objects.exclude(status__in=RUNNING)
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
        .exclude(summary__has_key=FILES_REMOVED)
    )


def import_files_purge(*, now=None, dry_run: bool = False) -> int:
    """Delete the expired jobs' files and row details; returns how many jobs (or would be)."""
    now = now or timezone.now()
    purged = 0
    for job_id in expired_import_jobs(now=now).values_list("pk", flat=True).iterator():
        if dry_run:
            purged += 1
            continue
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or FILES_REMOVED in (job.summary or {}) or job.status in RUNNING:
                continue
            name = job.stored_file.name or ""
            storage = job.stored_file.storage
            job.errors = []
            job.summary = {**_counts_only(job.summary), FILES_REMOVED: now.date().isoformat()}
            job.save(update_fields=["errors", "summary"])
            record(
                Action.ANONYMISE,
                obj=job,
                organisation=job.organisation_id,
                detail={"removed": "file and row details", "days": settings.IMPORT_FILES_KEEP_DAYS},
            )
            # The files go once the row that says so is committed: a rolled-back run keeps both.
            transaction.on_commit(partial(_delete, storage, [name, f"{name}.parsed"]))
        purged += 1
    return purged


def _delete(storage, names: list[str]) -> None:
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)
