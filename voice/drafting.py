"""From audio to a draft: Whisper's transcript, near-misses of known words put right, split into sections.

One path for the pipeline (voice.services) and the evaluation (voice.evaluation), so what is measured is
what the worker gets."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from voice import names, sections, transcriber


@dataclass(frozen=True)
class Draft:
    transcript: transcriber.Transcript
    text: str  # after corrections
    corrections: list[names.Correction]
    sentences: list[sections.Sentence]
    segments: list[transcriber.Segment]

    @property
    def by_section(self) -> dict[str, str]:
        return sections.joined(self.sentences)


def draft(
    samples: np.ndarray,
    *,
    known_names: list[str],
    child_names: list[str],
    decoding: transcriber.Decoding | None = None,
    correct: bool = True,
    on_progress: Callable[[float], None] = lambda fraction: None,
) -> Draft:
    decoding = decoding or decoding_for(known_names)
    heard = transcriber.transcribe(samples, on_progress=on_progress, decoding=decoding)
    terms = names.vocabulary(known_names) if correct else []
    fixed = names.correct(heard.text, terms) if correct else names.Corrected(heard.text, [])
    segments = [_corrected(segment, terms) for segment in heard.segments]
    return Draft(heard, fixed.text, fixed.corrections, sections.split(fixed.text, child_names=child_names), segments)


def decoding_for(known_names: list[str], *, record_hotwords: bool | None = None) -> transcriber.Decoding:
    """The configured decoding; with HEARTH_WHISPER_RECORD_HOTWORDS, the record's names are Whisper's hotwords."""
    decoding = transcriber.Decoding.from_settings()
    if settings.HEARTH_WHISPER_RECORD_HOTWORDS if record_hotwords is None else record_hotwords:
        decoding = dataclasses.replace(decoding, hotwords=" ".join(known_names))
    return decoding


def _corrected(segment: transcriber.Segment, terms: list[names.Term]) -> transcriber.Segment:
    """The segment as the draft writes it, so the words beside each time in review match the draft's."""
    if not terms:
        return segment
    return transcriber.Segment(segment.start, segment.end, names.correct(segment.text, terms).text)
