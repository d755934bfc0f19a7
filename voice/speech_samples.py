"""Synthetic speech for tests and benchmarks, made with espeak-ng and sox (Debian), and the word error rate."""

import re
import subprocess
from pathlib import Path

SCRIPT = (
    "I visited Ava at her foster home this afternoon. She showed me her bedroom and her drawings. "
    "She said she likes her new school and her teacher is kind. She wants to see her brother more often, "
    "maybe every weekend. Her carer said she has been sleeping well and eating better. "
    "We talked about the trip to the seaside next month. Ava was happy and relaxed."
)


def speak(text: str, path: Path) -> Path:
    """A 16 kHz mono WAV of `text`. The en-us voice at 140 words a minute is the one tiny.en hears best."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(path)], check=True)
    raw.unlink()
    return path


def convert(source: Path, path: Path, *args: str) -> Path:
    subprocess.run(["sox", str(source), *args, str(path)], check=True)
    return path


def silence(path: Path, seconds: float = 5) -> Path:
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(path), "trim", "0", str(seconds)], check=True)
    return path


def repeat(source: Path, path: Path, times: int) -> Path:
    """The same speech `times` over, for long recordings."""
    subprocess.run(["sox", *[str(source)] * times, str(path)], check=True)
    return path


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length."""
    ref, hyp = words(reference), words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1] / max(len(ref), 1)
