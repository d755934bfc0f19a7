"""`manage.py check_ssda903 --year 2026 [--user head]`: check the SSDA903 return by the DfE's rules and print
the issues per rule, most first, with the totals. YEAR is the year the collection ends, as the DfE's validator
names it (2026 for 2025/26)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.codes import Role
from casework.models import User
from placements import validation


class Command(BaseCommand):
    help = "Check the SSDA903 return with the DfE's validator and print the issues per rule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the year the collection ends (2026 for 2025/26)")
        parser.add_argument("--user", help="the head of service producing the return (default: the first one)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._head(options["user"])
        try:
            check = validation.ssda903_check(user=user, year=options["year"])
        except (PermissionDenied, validation.ValidatorError) as error:
            raise CommandError(str(error)) from error
        self._report(check)

    def _head(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user called {username}.")
            return user
        head = User.objects.filter(is_active=True, role=Role.HEAD_OF_SERVICE).order_by("pk").first()
        if head is None:
            raise CommandError("Nobody here may produce the SSDA903 return: name a head of service with --user.")
        return head

    def _report(self, check: validation.Check) -> None:
        year = f"{check.year - 1}/{check.year % 100:02d}"
        self.stdout.write(f"SSDA903 {year}: {len(check.issues)} issues from {len(check.by_rule())} rules")
        for rule, count in check.by_rule():
            self.stdout.write(f"{count:6d}  {rule:9s}  {check.where(rule)}  {check.messages[rule]}")
        self.stdout.write(f"Children in the return: {check.children}, with an issue: {len(check.by_child())}.")
        self.stdout.write(
            f"Rules: {check.rules} in the {year} set, {len(check.run)} ran, {len(check.skipped)} skipped "
            f"(they need a table the return does not have), {len(check.not_run)} did not run."
        )
        for rule, message in check.not_run.items():
            self.stdout.write(f"Did not run (it crashed): {rule}  {message}")
        self.stdout.write(f"The validator took {check.seconds:.1f} s.")
