"""Checking words written for a child: how old a reader they need to be, and the words children say they
dislike hearing about themselves.

Reading age is the Flesch–Kincaid grade (from textstat, which counts syllables with Pyphen's bundled
dictionaries, so it works offline) plus five: a US grade-1 reader is about six. The words come from what
children in care told the report: file words ("placement", "LAC", "contact", "respite") and services named
by their letters only ("CAMHS"), which a child should not have to decode."""

import re
import warnings
from dataclasses import dataclass

# textstat 0.7.4 (the last that works offline) imports setuptools' pkg_resources, which warns that it is deprecated
# on every start; the lock pins a setuptools that still has it.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    import textstat  # type: ignore[import-untyped]  # ships no type hints

# A page for a child in care aims at a reading age of 9 to 11 (tests/casework/test_child_readability.py).
READING_AGE_AIM = 11


@dataclass(frozen=True)
class DislikedWord:
    word: str
    pattern: str
    instead: str
    explained_by: str = ""  # words that, written anywhere in the text, explain an acronym


DISLIKED_WORDS = (
    DislikedWord("placement", r"placements?", "your home, or where you live"),
    DislikedWord("LAC", r"LAC", "a child in care, or just their name"),
    DislikedWord("looked after child", r"looked[- ]after (?:child|children)", "a child in care, or just their name"),
    DislikedWord("contact", r"contact", "time with your family, or seeing your mum (say who)"),
    DislikedWord("respite", r"respite", "a short break, or a sleepover with (say who)"),
    DislikedWord("CAMHS", r"CAMHS", "the people who help with feelings and worries", explained_by="mental health"),
    DislikedWord("PEP", r"PEP", "your plan for school", explained_by="education plan"),
    DislikedWord("IRO", r"IRO", "the person who runs your meetings", explained_by="reviewing officer"),
    DislikedWord("statutory visit", r"statutory visits?", "when I come to see you"),
    DislikedWord("presented as", r"presented as", "say what you saw: you seemed happy, you were quiet"),
)


@dataclass(frozen=True)
class WordsCheck:
    reading_age: int | None  # None when there are no words to measure
    disliked: list[DislikedWord]

    @property
    def too_hard(self) -> bool:
        return self.reading_age is not None and self.reading_age > READING_AGE_AIM


def reading_age(text: str) -> int | None:
    """The reading age a text needs, in whole years; None for a text with no words."""
    if not re.search(r"[A-Za-z]", text):
        return None
    grade = float(textstat.flesch_kincaid_grade(text))
    return max(5, round(grade + 5))


def disliked_words(text: str) -> list[DislikedWord]:
    """The disliked words in `text`, each once, in the order of the list (an explained acronym is fine)."""
    lowered = text.lower()
    found = []
    for entry in DISLIKED_WORDS:
        flags = 0 if entry.word.isupper() else re.IGNORECASE  # "LAC" and "PEP", not "lac" or "pep"
        if not re.search(rf"\b{entry.pattern}\b", text, flags):
            continue
        if entry.explained_by and entry.explained_by in lowered:
            continue
        found.append(entry)
    return found


def words_check(text: str) -> WordsCheck:
    return WordsCheck(reading_age(text), disliked_words(text))
