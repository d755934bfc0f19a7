"""`manage.py ssda903 --year 2024 --user head --out dir/`: write the SSDA903 tables as CSV files."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.models import User
from placements import export


class Command(BaseCommand):
    help = "Write the SSDA903 return, one CSV file for each of its eleven tables, for a collection year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the year the collection starts in (1 April)")
        parser.add_argument("--user", required=True, help="the head of service producing the return")
        parser.add_argument("--out", default=".", help="folder for the CSV files")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user called {options['user']}.")
        try:
            result = export.ssda903_build(user=user, year=options["year"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        folder = Path(options["out"])
        folder.mkdir(parents=True, exist_ok=True)
        for table in export.TABLES:
            path = folder / f"{table}_{options['year']}.csv"
            path.write_text(result.csv(table), encoding="utf-8")
            self.stdout.write(f"Wrote {path} ({len(result.tables[table])} rows).")
