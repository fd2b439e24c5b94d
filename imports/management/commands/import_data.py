"""`manage.py import_data KIND FILE [--organisation CODE] [--dry-run] [--likely import|skip]`:
the web import's twin.

KIND is children, encounters, staff (these need --organisation), organisations (each row names
its code) or attendance (each row names its meeting).

Prints the same preview (counts, each invalid row with column and reason, duplicates) and exits
non-zero when any row is invalid; then nothing is written. Rows that may be children registered
already are imported only with an answer for all of them: ``--likely import`` (as new children)
or ``--likely skip`` (ADR 0019); without it the command stops and says so.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.permissions import Role
from core.spreadsheets import reading
from imports.models import ImportJob, organisation_model
from imports.registry import all_kinds, get_kind
from imports.services import (
    import_job_create,
    import_job_decide,
    import_job_preview,
    import_job_run,
)


class Command(BaseCommand):
    help = "Import children, encounters, staff, organisations or attendance from CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(all_kinds()))
        parser.add_argument("file")
        parser.add_argument(
            "--organisation", help="the organisation's code (children, encounters, staff)"
        )
        parser.add_argument("--by", help="username of the administrator importing (default: first)")
        parser.add_argument("--dry-run", action="store_true", help="check and preview only")
        parser.add_argument("--language", default="fa", choices=["fa", "en"])
        parser.add_argument(
            "--likely",
            choices=["import", "skip"],
            help="rows that may be children registered already: import them as new children,"
            " or skip them",
        )

    def handle(self, *args, **options):
        translation.activate(options["language"])
        kind = get_kind(options["kind"])
        organisation = None
        if kind.organisation_chosen:
            if not options["organisation"]:
                raise CommandError(f"Importing {kind.code} needs --organisation CODE.")
            Organisation = organisation_model()
            try:
                organisation = Organisation.objects.get(code=options["organisation"])
            except Organisation.DoesNotExist:
                raise CommandError(
                    f"No organisation with code {options['organisation']!r}."
                ) from None
        by = self._user(options["by"])
        path = Path(options["file"])
        try:
            job = import_job_create(
                by=by,
                organisation=organisation,
                name=path.name,
                data=path.read_bytes(),
                language=options["language"],
                kind=options["kind"],
            )
        except reading.UnsafeFile as error:
            raise CommandError(str(error)) from None
        job = import_job_preview(job_id=job.pk)
        self._print_preview(job)
        if job.message or job.rows_invalid:
            raise CommandError("Nothing was imported: fix the rows above and run again.")
        if options["dry_run"]:
            return
        if job.likely_pending():
            if not options["likely"]:
                raise CommandError(
                    f"Nothing was imported: {job.likely_pending()} rows may be children registered"
                    " already. Run again with --likely import (as new children) or --likely skip."
                )
            job = import_job_decide(by=by, job=job, decision=options["likely"])
        job = import_job_run(job_id=job.pk, by=by)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.message or "The import failed; nothing was imported.")
        self.stdout.write(
            f"Imported: {job.created_count} created, {job.updated_count} updated, "
            f"{job.unchanged_count} unchanged."
        )

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True, membership__role=Role.ADMINISTRATOR)
        user = users.filter(username=username).first() if username else users.order_by("pk").first()
        if user is None:
            raise CommandError("An active administrator is needed to import (see --by).")
        return user

    def _print_preview(self, job):
        write = self.stdout.write
        if job.message:
            write(f"File refused: {job.message}")
            return
        write(
            f"Rows read: {job.rows_read}; valid: {job.rows_valid}; invalid: {job.rows_invalid}; "
            f"would create: {job.created_count}; update: {job.updated_count}; "
            f"unchanged: {job.unchanged_count}"
        )
        for error in job.errors:
            value = f" «{error['value']}»" if error.get("value") else ""
            write(f"  row {error['row']} · {error['column']}{value}: {error['reason']}")
        for item in job.summary.get("in_file_duplicates", []):
            write(f"  row {item['row']} repeats row {item['same_as']}")
        for group in job.summary.get("in_file_groups", []):
            rows = ", ".join(str(row) for row in group["rows"])
            write(f"  rows {rows} are one child, imported once: {group['why']}")
        for item in job.summary.get("likely_duplicates", []):
            where = ", ".join(item["own"] + item["elsewhere"])
            write(f"  row {item['row']} may already be registered: {where}")
        if job.summary.get("likely_pending"):
            write(f"Rows that may be registered already: {job.summary['likely_pending']}")
        if job.summary.get("already_imported"):
            write(f"This file was already imported (import {job.summary['already_imported']}).")
