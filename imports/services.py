"""Import jobs: upload, dry run (the preview), import. The Celery task and the command call these.

The import itself re-reads and re-validates the stored file inside its transaction, holding a
per-organisation lock, so rows created by another import since the preview are matched instead
of created twice (RE-01), and a file already imported into the organisation imports nothing.
"""

import gc
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import audit
from core.spreadsheets import reading
from core.spreadsheets.parsed import FORMAT as PARSED_FORMAT
from core.spreadsheets.parsed import ParsedCache

from .kinds import ImportRefused
from .models import AUDIT_OBJECT_TYPE, ERRORS_KEPT, ImportJob
from .progress import ProgressRecorder
from .registry import get_kind

if TYPE_CHECKING:
    from core.models import User
    from core.spreadsheets.table import Preview

Status = ImportJob.Status
logger = logging.getLogger(__name__)
# pg_advisory_xact_lock(namespace, organisation id); kinds without an organisation lock 0.
_LOCK_NAMESPACE = 80_008

__all__ = ["ImportRefused"]


def import_job_create(
    *,
    by: "User",
    organisation: Any,  # an ngos.Organisation or None: this app sits below ngos
    name: str,
    data: bytes,
    language: str = "fa",
    kind: str = ImportJob.Kind.CHILDREN,
) -> ImportJob:
    """Check the upload (FU-01..03), store it under a generated name, and return the new job.

    Raises ``reading.UnsafeFile`` for a file that is refused.
    """
    file_kind = reading.check_upload(name, data)
    job = ImportJob(
        kind=kind,
        organisation=organisation,
        created_by=by,
        language=language,
        original_name=reading.safe_name(name),
        file_kind=file_kind,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    job.stored_file.save(f"upload.{file_kind}", ContentFile(data), save=False)
    job.save()
    return job


def previous_import(job: ImportJob) -> ImportJob | None:
    """The earlier job that already imported this same file into this organisation, if any."""
    return (
        ImportJob.objects.filter(
            # None matches the jobs without an organisation (their kinds read it from a column).
            organisation_id=job.organisation_id,  # type: ignore[misc]
            kind=job.kind,
            sha256=job.sha256,
            status=Status.DONE,
        )
        .exclude(pk=job.pk)
        .first()
    )


def _parsed_cache(job: ImportJob, *, read: bool, complete: Any) -> ParsedCache:
    """The cache of the file's typed rows: written by the dry run, read by the import when the
    file, the organisation's decisions and the day are the same (docs/adr/0021)."""
    kind = get_kind(job.kind)
    key = "|".join(
        (
            PARSED_FORMAT,
            job.kind,
            job.sha256,
            str(job.organisation_id),
            job.language,
            timezone.localdate().isoformat(),
            kind.parse_fingerprint(job.organisation),
        )
    )
    storage = job.stored_file.storage
    return ParsedCache(storage, f"{job.stored_file.name}.parsed", key, read=read, complete=complete)


class _StoredRows:
    """The job's file as rows, read lazily (a large file is checked a chunk at a time); a file
    refused while it is read (too many rows, unreadable) leaves its reason in ``error``.

    ``cached``: "write" (the dry run keeps the typed rows) or "read" (the import uses them when
    still valid); the parser finds the cache as ``parsed`` (``core.spreadsheets.table``)."""

    def __init__(self, job: ImportJob, *, cached: str = "") -> None:
        self.job = job
        self.error = ""
        self._expected = 0  # about how many rows, once reading has begun
        self.parsed = (
            _parsed_cache(job, read=cached == "read", complete=lambda: not self.error)
            if cached
            else None
        )

    @property
    def expected(self) -> int:
        if self.parsed is not None and self.parsed.replayed:
            return self.parsed.rows
        return self._expected

    def __iter__(self) -> Iterator[list[Any]]:
        with self.job.stored_file.open("rb") as handle:
            data = handle.read()
        self._expected = reading.rows_expected(self.job.file_kind, data)
        try:
            yield from reading.read_rows(self.job.file_kind, data)
        except reading.UnsafeFile as error:
            self.error = str(error)

    def refused(self, preview: "Preview") -> "Preview":
        """``preview`` with the reading error, if there was one, as its file error."""
        if self.error:
            preview.file_error = self.error
        return preview


@contextmanager
def _bulk_objects() -> Iterator[None]:
    """Python's full cycle collections put off while a file is typed and written.

    A 100,000-row file makes millions of small objects (cells, dictionaries, tuples) that live
    until their chunk is written; each full collection walks all of them and all of Django's,
    over and over: about 1.4 s of CPU per 100,000 rows. The rows hold no reference cycles, so
    nothing waits for those; the young generations are still collected as usual."""
    thresholds = gc.get_threshold()
    # Young objects are still collected (a cycle made and dropped goes at once); the full
    # collections over everything alive are what is put off.
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _set(job: ImportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _apply_preview(job: ImportJob, preview: "Preview") -> None:
    counts = preview.counts()
    job.rows_read = counts["read"]
    job.rows_valid = counts["valid"]
    job.rows_invalid = counts["invalid"]
    job.created_count = counts["created"]
    job.updated_count = counts["updated"]
    job.unchanged_count = counts["unchanged"]
    job.errors = [e.as_dict() for e in preview.errors[:ERRORS_KEPT]]
    job.message = preview.file_error
    job.summary = {
        "language": preview.language,
        "header_row": preview.header_row,
        "ignored_columns": preview.ignored_columns,
        "in_file_duplicates": preview.in_file_duplicates[:1000],
        "likely_duplicates": preview.likely_duplicates[:1000],
        "likely_unchecked": preview.likely_unchecked,
        "errors_total": len(preview.errors),
    }


def validate_job_file(
    job: ImportJob, *, check_duplicates: bool = True, progress: bool = False
) -> "Preview":
    """Read and validate the job's stored file; returns the Preview (writes nothing).
    ``progress``: record the rows checked so far on the job as it goes."""
    rows = _StoredRows(job, cached="write")
    recorder = ProgressRecorder(job.pk, lambda: rows.expected, aside=False)
    with _bulk_objects():
        preview = get_kind(job.kind).validate(
            rows,
            organisation=job.organisation,
            check_duplicates=check_duplicates,
            progress=recorder.record if progress else None,
        )
    return rows.refused(preview)


def import_job_preview(*, job_id: int) -> ImportJob:
    """The dry run: validate every row and record the counts and errors on the job."""
    job = ImportJob.objects.select_related("organisation").get(pk=job_id)
    with translation.override(job.language):
        _set(job, status=Status.VALIDATING, progress=0, rows_read=0)
        preview = validate_job_file(job, progress=True)
        _apply_preview(job, preview)
        earlier = previous_import(job)
        if earlier is not None and not job.message:
            job.summary["already_imported"] = earlier.pk
        job.status = Status.PREVIEWED if not preview.file_error else Status.FAILED
        job.progress = 100
        job.save()
    return job


def import_job_run(*, job_id: int, by: "User | None" = None) -> ImportJob:
    """Import the job's file, all or nothing. Returns the job (status done or failed)."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    by = by or job.created_by
    with translation.override(job.language):
        _set(job, status=Status.IMPORTING, progress=0, rows_read=0, created_count=0)
        try:
            _import(job, by)
        except (ImportRefused, ValidationError) as error:
            # ValidationError: a service a kind writes through refused a row (rolled back whole).
            message = str(error) if isinstance(error, ImportRefused) else " ".join(error.messages)
            job.status, job.message = Status.FAILED, message
            job.finished_at, job.progress = timezone.now(), 100
            job.save()
        except IntegrityError as error:
            # The unique constraint on (organisation, kind, file hash) for done imports: another
            # import of the same file finished first. Anything else is not the file's fault:
            # logged, and the job says that nothing was imported.
            if _constraint_of(error).startswith("import_file_done_once"):
                message = _("This file has already been imported into this organisation.")
            else:
                logger.exception("import %s failed on a database constraint", job.pk)
                message = _("The import failed and nothing was imported. Try again later.")
            _set(
                job,
                status=Status.FAILED,
                message=message,
                finished_at=timezone.now(),
                progress=100,
            )
    job.refresh_from_db()
    return job


def _constraint_of(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _import(job: ImportJob, by: "User") -> None:
    organisation = job.organisation
    kind = get_kind(job.kind)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_LOCK_NAMESPACE, organisation.pk if organisation else 0],
            )
        if previous_import(job) is not None:
            raise ImportRefused(_("This file has already been imported into this organisation."))
        rows = _StoredRows(job, cached="read")
        with (
            ProgressRecorder(job.pk, lambda: rows.expected, aside=True) as recorder,
            _bulk_objects(),
        ):
            preview, counts = kind.import_rows(
                rows,
                organisation=organisation,
                by=by,
                job_id=job.pk,
                progress=recorder.record,
            )
        rows.refused(preview)
        if not preview.ok:
            # Rows already written are undone with the transaction (RE-01).
            _apply_preview(job, preview)
            raise ImportRefused(
                preview.file_error or _("Some rows are invalid; nothing was imported.")
            )
        _apply_preview(job, preview)
        assert counts is not None  # noqa: S101  (a kind gives counts whenever the preview is ok)
        job.created_count = counts["created"]
        job.updated_count = counts["updated"]
        job.unchanged_count = counts["unchanged"]
        job.status = Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save()
        if rows.parsed is not None:
            rows.parsed.delete()  # the file is in: its typed rows are not needed again
        audit.record(
            audit.Action.IMPORT,
            user=by,
            organisation=organisation,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=str(job.pk),
            detail={
                "kind": job.kind,
                "sha256": job.sha256,
                "rows": preview.read,
                **counts,
            },
        )


def error_report_rows(job: ImportJob) -> list[list[Any]] | None:
    """[header + reason, then each invalid row's original cells + its reasons], or None."""
    stored = _StoredRows(job)
    rows = list(stored)  # the report repeats each invalid row's cells: kept whole here
    if stored.error:
        return None
    with translation.override(job.language):
        preview = get_kind(job.kind).validate(
            rows, organisation=job.organisation, check_duplicates=False
        )
    if preview.file_error:
        return None
    reasons: dict[int, list[str]] = {}
    for error in preview.errors:
        reasons.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
    header = list(rows[preview.header_row - 1])
    report = [[_("Row"), *header, _("Reason")]]
    for number in sorted(reasons):
        report.append([number, *rows[number - 1], " · ".join(reasons[number])])
    return report
