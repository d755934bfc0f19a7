"""`manage.py kpi_benchmark`: time every dashboard measure and the page on this database (casework.dashboard.benchmark)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from casework.dashboard.benchmark import KpiBenchmark


class Command(BaseCommand):
    help = "Time each dashboard measure and the dashboard page (PostgreSQL; see bin/benchmark-kpis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each (after one warm-up)")
        parser.add_argument("--months", type=int, default=3, choices=[3, 6, 12], help="the chosen period")
        parser.add_argument("--measure", action="append", default=[], help="time only this measure (key; repeatable)")
        parser.add_argument("--no-page", action="store_true", help="do not time the dashboard page")

    def handle(self, *args: Any, **options: Any) -> None:
        KpiBenchmark(self.stdout).run(
            runs=options["runs"], months=options["months"], measures=options["measure"], page=not options["no_page"]
        )
