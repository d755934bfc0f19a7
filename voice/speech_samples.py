"""Synthetic speech for tests and benchmarks, made with espeak-ng and sox (Debian), and the word error rate."""

import re
import subprocess
from pathlib import Path
from typing import Any

SCRIPT = (
    "I visited Ava at her foster home this afternoon. She showed me her bedroom and her drawings. "
    "Ava said she likes her new school and her teacher is kind. She wants to see her brother more often, "
    "maybe every weekend. Her carer said she has been sleeping well and eating better. "
    "My analysis is that Ava is happy and settled. Next steps. I will ask about the trip to the seaside next month."
)
# The script's sentences by the record's section they belong in (voice.sections), as the worker's cues put them.
SCRIPT_SECTIONS = {
    "observations": "I visited Ava at her foster home this afternoon. She showed me her bedroom and her drawings. "
    "Her carer said she has been sleeping well and eating better.",
    "child_said": "Ava said she likes her new school and her teacher is kind. "
    "She wants to see her brother more often, maybe every weekend.",
    "analysis": "My analysis is that Ava is happy and settled.",
    "actions": "Next steps. I will ask about the trip to the seaside next month.",
}


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


def noise(path: Path, colour: str = "whitenoise", seconds: float = 8) -> Path:
    """Noise and nothing else ("whitenoise", "pinknoise", "brownnoise"), loud enough not to count as silence."""
    command = ["sox", "-n", "-r", "16000", "-c", "1", str(path), "synth", str(seconds), colour, "vol", "0.3"]
    subprocess.run(command, check=True)
    return path


def repeat(source: Path, path: Path, times: int) -> Path:
    """The same speech `times` over, for long recordings."""
    subprocess.run(["sox", *[str(source)] * times, str(path)], check=True)
    return path


# Spellings that say the same word, so the word error rate counts what was heard, not how it was written.
SAME_WORD = {"mr": "mister", "mrs": "missus", "dr": "doctor", "ok": "okay"}


def words(text: str) -> list[str]:
    return [SAME_WORD.get(word, word) for word in re.sub(r"[^a-z' ]", " ", text.lower()).split()]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference length."""
    pairs = alignment(reference, hypothesis)
    return sum(1 for said, heard in pairs if said != heard) / max(len(words(reference)), 1)


def alignment(reference: str | list[str], hypothesis: str | list[str], *, indices: bool = False) -> list[tuple[Any, Any]]:
    """The reference's and the hypothesis's words paired by the least word edits: (said, heard), None for a
    word missed or added. With indices=True, the pairs hold the words' positions instead of the words."""
    ref = words(reference) if isinstance(reference, str) else reference
    hyp = words(hypothesis) if isinstance(hypothesis, str) else hypothesis
    cost = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    for i in range(len(ref) + 1):
        cost[i][0] = i
    for j in range(len(hyp) + 1):
        cost[0][j] = j
    for i in range(1, len(ref) + 1):
        row, above = cost[i], cost[i - 1]
        for j in range(1, len(hyp) + 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return _walk_back(cost, ref, hyp, indices)


def _walk_back(cost: list[list[int]], ref: list[str], hyp: list[str], indices: bool) -> list[tuple[Any, Any]]:
    pairs: list[tuple[Any, Any]] = []
    i, j = len(ref), len(hyp)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            i, j = i - 1, j - 1
            pairs.append((i, j) if indices else (ref[i], hyp[j]))
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
            pairs.append((i, None) if indices else (ref[i], None))
        else:
            j -= 1
            pairs.append((None, j) if indices else (None, hyp[j]))
    return pairs[::-1]
