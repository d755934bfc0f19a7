"""`manage.py restore PATH`: restore an archive made by `backup` into an empty installation (casework.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.backup import BackupError, installation_restore


class Command(BaseCommand):
    help = "Restore a backup (database and private files) into this installation, which must be empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="an archive made by `manage.py backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = installation_restore(path=options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {restored.tables} tables and {restored.files} files from {options['path']}.")
        self.stdout.write("Run `manage.py migrate` if this Hearth is newer than the one that made the backup.")
