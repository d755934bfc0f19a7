"""`manage.py demo_county`: fill an empty database with a synthetic county (casework.demo.county)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.demo.county import county_build
from casework.models import Child


class Command(BaseCommand):
    help = "Fill an empty database with a generated county (no real people) and demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--children", type=int, default=300, help="children in care (default 300)")
        parser.add_argument(
            "--known", type=int, default=None, help="children known but not in care (default a third of --children)"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing if there are children already")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Child.objects.exists():
            self.stdout.write("There are children in the database already: the demo county was not added.")
            return
        try:
            lines = county_build(seed=options["seed"], children=options["children"], known=options["known"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)
