"""`manage.py ssda903_benchmark [--runs 5] [--year 2026]`: time the SSDA903 export and check on this database
(placements.benchmark; bin/benchmark-903 builds a county of 3,000 children for it)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placements.benchmark import ssda903_benchmark


class Command(BaseCommand):
    help = "Time the SSDA903 export (all tables) and its check by the DfE's validator: the median of several runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each (after one warm-up)")
        parser.add_argument("--year", type=int, default=2026, help="the year the collection ends (2026 for 2025/26)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["runs"] < 1:
            raise CommandError("Ask for at least one run.")
        try:
            ssda903_benchmark(self.stdout, runs=options["runs"], year=options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from error
