"""`manage.py voice_benchmark`: the voice pipeline end to end with real workers and real speech (voice.benchmark)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from voice.benchmark import VoiceBenchmark


class Command(BaseCommand):
    help = "Benchmark the voice pipeline end to end with real workers and real speech."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=5.0, help="Length of each voice note.")
        parser.add_argument("--notes", type=int, default=10, help="Notes in the throughput queue.")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--recovery", action="store_true", help="Only: kill the pool process mid-note and time how soon the note is ready."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        VoiceBenchmark(self.stdout).run(
            minutes=options["minutes"], notes=options["notes"], seed=options["seed"], recovery=options["recovery"]
        )
