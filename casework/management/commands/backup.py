"""`manage.py backup PATH`: the database and the private files (voice notes' audio) in one archive (casework.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.backup import BackupError, installation_backup


class Command(BaseCommand):
    help = "Back up the whole installation, database and private files, into one archive (restore it with `restore`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write, e.g. hearth-2026-12-05.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new name, so that no backup is overwritten.")
        try:
            manifest = installation_backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(f"Backed up the database and {len(manifest['files'])} files ({size / 1e6:.1f} MB) to {path}.")
        self.stdout.write("It holds case records: keep it as safely as the database itself.")
