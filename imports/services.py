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
from core.spreadsheets.table import CHANGES_KEPT, Preview, header_key, header_keys

from .kinds import ImportRefused
from .language import page_language
from .models import AUDIT_OBJECT_TYPE, ERRORS_KEPT, ImportJob
from .progress import ProgressRecorder
from .registry import get_kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from core.models import User
    from core.spreadsheets.table import Column

Status = ImportJob.Status
logger = logging.getLogger(__name__)
# Distinct unknown values kept on the job: a file with more is not one to map word by word.
UNKNOWN_VALUES_KEPT = 500
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
        # Read from the stored file as the rows are needed, never held whole (a worker's
        # memory, issue 16).
        with self.job.stored_file.open("rb") as handle:
            self._expected = reading.rows_expected(self.job.file_kind, handle)
            try:
                yield from reading.read_rows(self.job.file_kind, handle)
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
        # preview (issue 16): the template's example rows, skipped; the first rows that update a
        # record, each with its fields old → new (a check across rows may refuse one later).
        "example_rows": preview.example_rows[:1000],
        "changes": [c for c in preview.changes if c["row"] not in preview.invalid_rows],
        # words: values no vocabulary knows, waiting for the administrator (docs/adr/0018).
        "unknown_values": list(preview.unknown_values.values())[:UNKNOWN_VALUES_KEPT],
        "rows_undecided_values": len(preview.undecided_rows),
        # twins (ADR 0019): groups of rows imported once; rows waiting for a decision.
        "in_file_groups": preview.in_file_groups[:1000],
        "likely_rows": preview.likely_rows,
    }
    _apply_decisions(job)


def _apply_decisions(job: ImportJob) -> None:
    """The administrator's answers on likely duplicates, counted into the preview: skipped rows
    are not created, unanswered ones hold the import back."""
    skipped = job.rows_to_skip()
    job.created_count = max(0, job.created_count - len(skipped))
    job.summary["likely_skipped"] = len(skipped)
    job.summary["likely_pending"] = job.likely_pending()


@transaction.atomic  # the answer and its audit row together
def import_job_decide(
    *, by: "User", job: ImportJob, decision: str, rows: "list[int] | None" = None
) -> ImportJob:
    """Record the administrator's answer for rows that may be children registered already:
    ``decision`` is "import" (as new children) or "skip"; ``rows`` some of the job's likely rows,
    or None for every one of them. Rows that are not among them are refused (``ImportRefused``).
    The caller runs the dry run again so that the preview counts the answers."""
    if decision not in ("import", "skip"):
        raise ImportRefused(_("Choose to import or to skip."))
    likely = set(job.likely_rows)
    if not likely:
        raise ImportRefused(_("These rows are not waiting for a decision in this file."))
    decisions = dict(job.decisions or {})
    if rows is None:
        decisions = {"likely": {}, "likely_all": decision}
    else:
        if not rows or not set(rows) <= likely:
            raise ImportRefused(_("These rows are not waiting for a decision in this file."))
        answered = dict(decisions.get("likely") or {})
        answered.update({str(row): decision for row in rows})
        decisions["likely"] = answered
    job.decisions = decisions
    _apply_decisions(job)
    job.save(update_fields=["decisions", "summary", "created_count"])
    audit.record(
        audit.Action.UPDATE,
        user=by,
        organisation=job.organisation,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(job.pk),
        detail={"likely": decision, "rows": len(rows) if rows is not None else "all"},
    )
    return job


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
        if job.likely_pending():
            raise ImportRefused(
                _(
                    "Some rows may be children registered already: choose for each whether to"
                    " import it as a new child or skip it."
                )
            )
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
        # Valid rows that wrote nothing themselves (ADR 0019): twins of an earlier row, and rows
        # the administrator chose to skip.
        job.summary["rows_merged"] = counts.get("merged", 0)
        job.summary["rows_skipped"] = counts.get("skipped", 0)
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


def error_report_rows(job: ImportJob, *, lang: str | None = None) -> list[list[Any]] | None:
    """[header + reason, then each invalid row's original cells + its reasons], or None.

    In ``lang`` (the page's, default the active language), whatever the language of the file's
    headers and of the dry run: the file is checked again in that language, and the template's
    columns are named by their header in it (issue 16). The cells stay as typed."""
    lang = page_language(lang)
    stored = _StoredRows(job)
    rows = list(stored)  # the report repeats each invalid row's cells: kept whole here
    if stored.error:
        return None
    kind = get_kind(job.kind)
    with translation.override(lang):
        preview = kind.validate(rows, organisation=job.organisation, check_duplicates=False)
        if preview.file_error:
            return None
        # Headers in the file's own language stay as written; the other language's are named by
        # the template's header in ``lang``.
        keys = header_keys(kind.columns) if preview.language != lang else {}
        reasons: dict[int, list[str]] = {}
        for error in preview.errors:
            column = header_in(keys, error.column, lang)
            reasons.setdefault(error.row, []).append(f"{column}: {error.reason}")
        header = [header_in(keys, cell, lang) for cell in rows[preview.header_row - 1]]
        report: list[list[Any]] = [[_("Row"), *header, _("Reason")]]
    for number in sorted(reasons):
        report.append([number, *rows[number - 1], " · ".join(reasons[number])])
    return report


def changes_report_rows(job: ImportJob, *, lang: str | None = None) -> list[list[Any]] | None:
    """Every row of the file that updates an existing record, one line per field that changes:
    [row, number, name, field, old, new as typed, new], in ``lang``; None for a file that
    cannot be read. The preview lists only the first of them (issue 16)."""
    lang = page_language(lang)
    stored = _StoredRows(job)
    rows = list(stored)
    if stored.error:
        return None
    kind = get_kind(job.kind)
    with translation.override(lang):
        preview = _validate_all_changes(kind, rows, job)
        if preview.file_error:
            return None
        columns = {c.name: c for c in kind.columns}
        report: list[list[Any]] = [
            [
                _("Row"),
                _("Identifier"),
                _("Name"),
                _("Column"),
                _("Recorded now"),
                _("In the file"),
                _("After the import"),
            ]
        ]
    for change in preview.changes:
        if change["row"] in preview.invalid_rows:
            continue
        for item in change["fields"]:
            column = columns.get(item["field"])
            report.append(
                [
                    change["row"],
                    change["number"],
                    change["name"],
                    column.header(lang) if column else item["field"],
                    item["old"][lang],
                    item["typed"],
                    item["new"][lang],
                ]
            )
    return report


def _validate_all_changes(kind: Any, rows: list[Any], job: ImportJob) -> "Preview":
    """The kind's dry run with every change listed, not only the first."""
    token = CHANGES_KEPT.set(None)
    try:
        preview: Preview = kind.validate(
            rows, organisation=job.organisation, check_duplicates=False
        )
    finally:
        CHANGES_KEPT.reset(token)
    return preview


def header_in(keys: "Mapping[str, Column]", header: object, lang: str) -> str:
    """``header`` (a cell of the file's header row) as the template's header in ``lang`` when it
    names one of the columns (``keys``: ``header_keys(columns)``); else as written."""
    column = keys.get(header_key(header))
    return column.header(lang) if column is not None else str(header if header is not None else "")
