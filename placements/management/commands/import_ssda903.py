"""`manage.py import_ssda903 --header F --episodes F --social-workers F [--reviews F --missing F --placed-adoption F
--ad1 F --prev-perm F --uasc F] [--dry-run] --as USERNAME`: bring a council's children in from its SSDA903 CSV files, printing
the report row by row."""

from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.models import User
from placements.imports import ssda903_import

FILES = {
    "header": "header",
    "episodes": "episodes",
    "social_workers": "social_workers",
    "placed_adoption": "placed_adoption",
    "ad1": "ad1",
    "prev_perm": "prev_perm",
    "reviews": "reviews",
    "missing": "missing",
    "uasc": "uasc",
}


class Command(BaseCommand):
    help = (
        "Import children, periods in care, homes, workers, reviews and missing episodes from SSDA903 CSV files (try "
        "--dry-run first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--header", required=True, help="the Header table (CSV)")
        parser.add_argument("--episodes", help="the Episodes table (CSV)")
        parser.add_argument("--social-workers", help="the SW episodes table (CSV)")
        parser.add_argument("--placed-adoption", help="the PlacedAdoption table (CSV)")
        parser.add_argument("--ad1", help="the AD1 table (CSV)")
        parser.add_argument("--prev-perm", help="the PrevPerm table (CSV)")
        parser.add_argument("--reviews", help="the Reviews table (CSV)")
        parser.add_argument("--missing", help="the Missing table (CSV)")
        parser.add_argument("--uasc", help="the UASC table (CSV)")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; save nothing")
        parser.add_argument("--as", dest="as_user", required=True, help="the head of service importing the files")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"No user called {options['as_user']}.")
        with ExitStack() as stack:
            files: dict[str, IO[str]] = {}
            for table in FILES:
                if options[table]:
                    files[table] = stack.enter_context(_open(options[table]))
            try:
                report = ssda903_import(user=user, files=files, dry_run=options["dry_run"])
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
        self.stdout.write(report.text())
        if report.problems:
            raise CommandError("Nothing was imported: the files need fixing first.")


def _open(name: str) -> IO[str]:
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"No file at {path}.")
    # utf-8-sig: a spreadsheet's 'CSV UTF-8' starts with a byte order mark; newline="" as the csv module asks.
    return path.open(encoding="utf-8-sig", newline="")
