"""How much of a machine draft a worker changed before signing: word edits between draft and signed text.

Counted in words (a word added, removed or replaced is one edit), section by section, because a worker
reads and corrects words, and the figure should read as "12 of 340 words changed"."""

import re

from rapidfuzz.distance import Levenshtein

WORD = re.compile(r"\S+")


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


def words_changed(draft: str, signed: str) -> int:
    """Word-level edit distance: the fewest words added, removed or replaced to turn the draft into the signed text."""
    return int(Levenshtein.distance(words_of(draft), words_of(signed)))


def section_changes(draft: dict[str, str], signed: dict[str, str]) -> dict[str, dict[str, int]]:
    """Per section of the draft: its words and how many were changed by signing."""
    return {
        name: {"draft_words": len(words_of(text)), "changed": words_changed(text, signed.get(name, ""))}
        for name, text in draft.items()
    }
