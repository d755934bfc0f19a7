"""What is really in an uploaded file: checked from its content with FFmpeg (PyAV), never its name."""

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from django.conf import settings
from django.template.defaultfilters import filesizeformat

SAMPLE_RATE = 16_000  # what Whisper listens at
# Below this RMS level (on a -1..1 scale) a recording is silence or hiss, not speech.
SILENCE_RMS = 0.003


class AudioProblem(Exception):
    """A recording that cannot become a transcript, with the reason a person reads. Never retried."""


@dataclass(frozen=True)
class AudioInfo:
    format: str
    seconds: float | None  # None when the container does not say (MediaRecorder's webm)


def inspect(path: Path, *, size_bytes: int) -> AudioInfo:
    """Refuse what is empty, too big, not audio, or says it is too long, before any decoding."""
    if size_bytes == 0:
        raise AudioProblem("The recording is empty.")
    if size_bytes > settings.HEARTH_VOICE_MAX_BYTES:
        raise AudioProblem(
            f"The recording is larger than {filesizeformat(settings.HEARTH_VOICE_MAX_BYTES)}, the most Hearth accepts."
        )
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioProblem("This file is not audio we can read.")
            seconds = container.duration / av.time_base if container.duration else None
            info = AudioInfo(format=container.format.name[:40], seconds=seconds)
    except av.FFmpegError as error:
        raise AudioProblem("This file is not audio we can read.") from error
    _check_length(info.seconds)
    return info


def _check_length(seconds: float | None) -> None:
    if seconds is not None and seconds > settings.HEARTH_VOICE_MAX_SECONDS:
        minutes = settings.HEARTH_VOICE_MAX_SECONDS / 60
        raise AudioProblem(f"The recording is longer than {minutes:g} minute{'s' if minutes != 1 else ''}.")


def decode(path: Path) -> np.ndarray:
    """Decode to 16 kHz mono float32, as Whisper wants, and refuse empty, truncated or silent audio."""
    from faster_whisper.audio import decode_audio

    try:
        samples: np.ndarray = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.FFmpegError, ValueError, IndexError) as error:
        raise AudioProblem("This file is not audio we can read. It may be damaged or cut short.") from error
    if samples.size < SAMPLE_RATE // 2:
        raise AudioProblem("The recording is empty.")
    _check_length(samples.size / SAMPLE_RATE)
    if float(np.sqrt(np.mean(np.square(samples)))) < SILENCE_RMS:
        raise AudioProblem("The recording is silent: we could not hear anyone speaking.")
    return samples
