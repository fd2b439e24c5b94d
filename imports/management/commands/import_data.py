"""`manage.py import_data KIND FILE [--organisation CODE] [--dry-run] [--map COLUMN=VALUE:CHOICE]
[--likely import|skip]`: the web import's twin.

KIND is children, encounters, staff (these need --organisation), organisations (each row names
its code) or attendance (each row names its meeting).

Prints the same preview (counts, each invalid row with column and reason, duplicates) and exits
non-zero when any row is invalid; then nothing is written.

Words of a choice column that no vocabulary knows are decided with ``--map`` (repeatable):
COLUMN is the field name or the header as in the file, VALUE the word as typed, CHOICE the value,
its label in either language, or "empty" (optional columns). The decisions are saved for the
organisation, as the preview page saves them, and its next files use them. Words left undecided
stop the command with the list of them and the --map lines that would settle them.

Rows that may be children registered already are imported only with an answer for all of them:
``--likely import`` (as new children) or ``--likely skip`` (ADR 0019); without it the command
stops and says so.
"""

import shlex
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
from imports.vocabulary import column_options, find_choice, find_column, value_word_save


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
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=VALUE:CHOICE",
            help="what a word of a choice column means (repeatable), saved for the organisation",
        )
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
        decisions = [self._decision(text) for text in options["map"]]
        if decisions and organisation is None:
            raise CommandError("--map needs an organisation (--organisation CODE).")
        for column, word, value in decisions:
            value_word_save(
                by=by, organisation=organisation, column=column.name, word=word, value=value
            )
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
        if job.summary.get("rows_undecided_values"):
            raise CommandError(self._undecided(job))
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

    def _decision(self, text):
        """(column, word, choice value) of one --map COLUMN=VALUE:CHOICE."""
        name, equals, rest = text.partition("=")
        word, colon, choice = rest.rpartition(":")
        if not equals or not colon or not name.strip() or not word.strip():
            raise CommandError(f"--map {text!r}: write COLUMN=VALUE:CHOICE.")
        column = find_column(name.strip())
        if column is None:
            raise CommandError(f"--map {text!r}: no column {name.strip()!r} has a list of values.")
        value = find_choice(column, choice.strip())
        if value is None:
            allowed = ", ".join(value for value, _label in column_options(column, "en"))
            empty = "" if column.required else ", empty"
            raise CommandError(
                f"--map {text!r}: {choice.strip()!r} is not a value of {column.name} "
                f"(allowed: {allowed}{empty})."
            )
        return column, word.strip(), value

    def _undecided(self, job):
        """The message that stops the command: each undecided word and its --map line."""
        lines = [
            f"Nothing was imported: {job.summary['rows_undecided_values']} rows wait for the "
            "meaning of words no vocabulary knows. Say what each means with --map and run again:"
        ]
        columns = {c.name: c for c in get_kind(job.kind).columns}
        for item in job.summary.get("unknown_values", []):
            column = columns.get(item["column"])
            allowed = [value for value, _label in column_options(column, "en")] if column else []
            if item.get("optional"):
                allowed.append("empty")
            lines.append(
                f"  {item['header']}: «{item['value']}» in {item['rows']} rows "
                f"(first: {', '.join(str(r) for r in item['first_rows'])})"
            )
            lines.append(
                f"    --map {shlex.quote(item['column'] + '=' + item['value'] + ':CHOICE')}"
            )
            lines.append(f"    CHOICE: {' | '.join(allowed)}")
        return "\n".join(lines)

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
            + (
                f"; waiting for a word's meaning: {job.summary['rows_undecided_values']}"
                if job.summary.get("rows_undecided_values")
                else ""
            )
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
        # The preview's truths (issue 16): example rows skipped, and what each update changes.
        for number in job.summary.get("example_rows", []):
            write(f"  row {number} is the template's example: skipped")
        for change in job.summary.get("changes", []):
            fields = "; ".join(
                f"{item['field']}: {item['old']['en'] or '-'} -> {item['new']['en'] or '-'}"
                for item in change["fields"]
            )
            write(f"  row {change['row']} updates {change['number']} {change['name']}: {fields}")
