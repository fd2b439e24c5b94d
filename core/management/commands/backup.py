"""`manage.py backup [--dir DIR] [--no-files]`: the database and the stored files, into one dated
folder under BACKUP_DIR (RE-06; core/backup.py says what the folder holds)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the stored files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="where to put the backup folder (default: BACKUP_DIR)")
        parser.add_argument(
            "--no-files", action="store_true", help="the database only (files kept elsewhere)"
        )

    def handle(self, *args: object, **options: object) -> None:
        directory = Path(str(options["dir"] or settings.BACKUP_DIR))
        try:
            result = backup(directory, include_files=not options["no_files"])
        except BackupError as problem:
            raise CommandError(str(problem)) from problem
        files = "no files" if options["no_files"] else f"{result.files} files"
        self.stdout.write(
            f"backup written to {result.folder} (database {result.dump_bytes} bytes, {files})"
        )
