"""`manage.py voice_evaluate`: score Whisper on Hearth's visit notes and on read English (voice.evaluation).

Any model and setting: bin/evaluate-voice --model /path/to/ct2-weights --beam-size 5 --no-vad --no-correct"""

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from voice import drafting, evaluation, transcriber


class Command(BaseCommand):
    help = "Score Whisper on the synthetic visit notes and the LibriVox clips: WER, names, sections, speed, memory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--notes", type=int, default=26, help="Visit notes in the set (26 are about 21 minutes).")
        parser.add_argument("--seed", type=int, default=20)
        parser.add_argument("--cache", type=Path, default=Path(settings.BASE_DIR) / "var" / "voice-evaluation")
        parser.add_argument("--model", default=settings.HEARTH_WHISPER_MODEL, help="CTranslate2 weights; empty: tiny.en")
        parser.add_argument("--compute-type", default=settings.HEARTH_WHISPER_COMPUTE_TYPE)
        parser.add_argument("--threads", type=int, default=settings.HEARTH_WHISPER_THREADS)
        parser.add_argument("--beam-size", type=int, default=settings.HEARTH_WHISPER_BEAM_SIZE)
        parser.add_argument("--no-vad", action="store_true", help="Turn the voice-activity filter off.")
        parser.add_argument("--vad", action="append", default=[], metavar="KEY=VALUE", help="A VadOptions setting.")
        parser.add_argument("--no-correct", action="store_true", help="Leave Whisper's words as heard.")
        parser.add_argument(
            "--hotwords",
            default="record" if settings.HEARTH_WHISPER_RECORD_HOTWORDS else "",
            help="faster-whisper hotwords; 'record' for each note's record names (default as HEARTH_WHISPER_RECORD_HOTWORDS).",
        )
        parser.add_argument("--sets", default="notes,read", help="notes, read, or both (comma-separated).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)
        decoding = self._decoding(options)
        started = time.monotonic()
        try:
            transcriber.load_model(decoding)
        except transcriber.ModelMissing as missing:
            raise CommandError(str(missing)) from missing
        load_seconds = time.monotonic() - started
        correct = not options["no_correct"]
        scores = []
        for name, clips in self._sets(options):
            score = evaluation.evaluate(
                clips, decoding, correct=correct, name=name, record_hotwords=options["hotwords"] == "record", on_clip=self._dot
            )
            scores.append(score)
        self.stdout.write("")
        for line in evaluation.report(
            scores, decoding, correct=correct, load_seconds=load_seconds, record_hotwords=options["hotwords"] == "record"
        ):
            self.stdout.write(line)

    def _decoding(self, options: dict[str, Any]) -> transcriber.Decoding:
        base = transcriber.Decoding.from_settings()
        try:
            vad = dict(base.vad_parameters) | {k: _number(v) for k, v in (item.split("=", 1) for item in options["vad"])}
        except ValueError as error:
            raise CommandError(f"--vad takes KEY=VALUE with a number: {error}") from error
        return dataclasses.replace(
            base,
            model=options["model"],
            compute_type=options["compute_type"],
            threads=options["threads"],
            beam_size=options["beam_size"],
            vad=not options["no_vad"],
            vad_parameters=vad,
            hotwords="" if options["hotwords"] == "record" else options["hotwords"],
        )

    def _sets(self, options: dict[str, Any]) -> list[tuple[str, list[evaluation.Clip]]]:
        wanted = {name.strip() for name in options["sets"].split(",")}
        folder: Path = options["cache"]
        folder.mkdir(parents=True, exist_ok=True)
        sets = []
        if "notes" in wanted:
            sets.append(("Visit notes (espeak-ng)", evaluation.visit_notes(folder, count=options["notes"], seed=options["seed"])))
        if "read" in wanted:
            sets.append(("Read English (LibriVox)", evaluation.read_english()))
        return sets

    def _dot(self, clip: evaluation.Clip, draft: drafting.Draft) -> None:
        if self.verbosity < 2:
            self.stdout.write(".", ending="")
            self.stdout.flush()
            return
        self.stdout.write(f"\n{clip.key}\n  said:  {clip.script}\n  heard: {draft.transcript.text}")
        for correction in draft.corrections:
            self.stdout.write(f"  corrected: {correction.heard} -> {correction.written}")


def _number(value: str) -> float | int:
    return float(value) if "." in value else int(value)
