"""`manage.py restore [BACKUP] --database NAME [--files-to DIR | --no-files] [--force]`: load a
backup folder (default: the newest under BACKUP_DIR) into a database on the configured server,
created when missing, and its files into a folder (default: MEDIA_ROOT). Refuses a database
that has tables or a folder that has files unless --force (RE-06)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, latest_backup, restore


class Command(BaseCommand):
    help = "Restore a backup into a named database and a files folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", nargs="?", help="the backup folder (default: the newest)")
        parser.add_argument("--dir", help="where backups are (default: BACKUP_DIR)")
        parser.add_argument("--database", required=True, help="database to restore into")
        parser.add_argument("--files-to", help="folder for the files (default: MEDIA_ROOT)")
        parser.add_argument("--no-files", action="store_true", help="leave files alone")
        parser.add_argument(
            "--force", action="store_true", help="replace a database or folder that holds data"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["backup"]:
                folder = Path(str(options["backup"]))
            else:
                folder = latest_backup(Path(str(options["dir"] or settings.BACKUP_DIR)))
            files_to = None
            if not options["no_files"]:
                files_to = Path(str(options["files_to"] or settings.MEDIA_ROOT))
            result = restore(
                folder,
                database=str(options["database"]),
                files_folder=files_to,
                overwrite=bool(options["force"]),
            )
        except BackupError as problem:
            raise CommandError(str(problem)) from problem
        made = "new database" if result.created else "database"
        self.stdout.write(
            f"restored {folder} into {made} {result.database} and {result.files} files"
            + (f" into {files_to}" if files_to else "")
        )
