"""Put right the words Whisper nearly heard: the names in the child's record and the words of care.

A small model mishears what it has rarely seen: "statutory visit" comes out as "Tachuteuri visit", a sister
"Ellie" as "Ellen". The record knows who the child's people are before a word is spoken, so a run of
words in the transcript is replaced by a known term only when the two sound alike (their Metaphone codes
are close, jellyfish) *and* are spelled alike (rapidfuzz). Common English words are never turned into a
name, and nothing is ever added that was not heard: a correction replaces words, it never inserts them."""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import jellyfish
from django.conf import settings
from rapidfuzz import fuzz

# Words of care the draft should spell right (DESIGN.md's and social work's); the council adds its own
# with HEARTH_VOICE_VOCABULARY.
CARE_WORDS = (
    "statutory visit",
    "care plan",
    "pathway plan",
    "PEP",
    "IRO",
    "CAMHS",
    "kinship",
    "connected person",
    "special guardianship",
    "respite",
    "missing episode",
    "outcome star",
    "virtual school",
    "looked after review",
    "foster carers",
    "supervising social worker",
    "contact",
    "safeguarding",
    "life story work",
)

WORD = re.compile(r"[A-Za-z][A-Za-z']*")
SOUND_AT_LEAST = 75  # Metaphone codes, as a 0-100 similarity
SPELLING_AT_LEAST = 62  # the letters, as a 0-100 similarity
# A name that sounds exactly the same may be spelled further apart: Whisper writes the common spelling ("Amy"),
# the record another ("Aimee"). Codes this short or shorter say too little to go on ("L": Lee, Leo, Lou).
SAME_SOUND_SPELLING_AT_LEAST, SAME_SOUND_CODE_LONGER_THAN = 50, 1
DIFFERENCE_SOUND_AT_LEAST, DIFFERENCE_SPELLING_AT_LEAST = 60, 45  # the words that differ, where some are shared


@dataclass(frozen=True)
class Term:
    text: str  # as the record spells it

    @functools.cached_property
    def key(self) -> str:
        return _squash(self.text)

    @functools.cached_property
    def sound(self) -> str:
        return jellyfish.metaphone(self.key)

    @property
    def length(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Correction:
    heard: str
    written: str


@dataclass(frozen=True)
class Corrected:
    text: str
    corrections: list[Correction]


def vocabulary(names: Iterable[str]) -> list[Term]:
    """The record's names, the care words and the council's words, longest first, each once."""
    words = [term for name in names for term in _terms_of(name)]
    words += [*CARE_WORDS, *settings.HEARTH_VOICE_VOCABULARY]
    unique = {_squash(word): word.strip() for word in words if len(_squash(word)) >= 3}
    return sorted((Term(text) for text in unique.values()), key=lambda term: -len(term.key))


def _terms_of(name: str) -> list[str]:
    """A name of up to three words is matched whole ("Oakfield Primary"); from a longer one ("Patel foster
    carers (in-house)") only its proper names are taken."""
    words = name.split()
    if len(words) <= 3:
        return [name]
    return [word for word in words if word[:1].isupper() and _squash(word) not in _common_words()]


def correct(text: str, terms: list[Term]) -> Corrected:
    """Replace runs of one to four heard words with the known term they sound like, best matches first. A term is
    heard as at most one word more than it has ("look tough to review" for "looked after review")."""
    tokens = list(WORD.finditer(text))
    known = {term.key for term in terms}
    names = {term.key for term in terms if term.length == 1}
    heard_right = _heard_right(text, tokens, known)
    candidates = []
    for start in range(len(tokens)):
        for size in (1, 2, 3, 4):
            window = tokens[start : start + size]
            if len(window) == size and _one_phrase(text, window) and heard_right.isdisjoint(range(start, start + size)):
                heard = text[window[0].start() : window[-1].end()]
                match = None if _already_right(heard, names) else _best(heard, terms, known, size)
                if match is not None and _edges_belong(heard, match[0]):
                    candidates.append((match[1], start, start + size, heard, match[0]))
    return _apply(text, tokens, candidates)


def _heard_right(text: str, tokens: list[re.Match[str]], known: set[str]) -> set[int]:
    """The positions of words that are a known term already ("care plan", "connected person"): never touched."""
    right: set[int] = set()
    for start in range(len(tokens)):
        for size in (2, 3):
            window = tokens[start : start + size]
            heard = text[window[0].start() : window[-1].end()] if len(window) == size else ""
            if heard and _one_phrase(text, window) and _squash(heard) in known:
                right.update(range(start, start + size))
    return right


def _best(heard: str, terms: list[Term], known: set[str], size: int) -> tuple[Term, float] | None:
    key = _squash(_without_possessive(heard))
    if key in known or _is_common(heard) or len(key) < 3:
        return None
    sound = jellyfish.metaphone(key)
    best: tuple[Term, float] | None = None
    for term in terms:
        if abs(term.length - size) > 1 or not _close_in_length(key, term.key):
            continue
        if term.text[:1].isupper() and not _capitalised(heard):
            continue  # Whisper writes names with a capital: "marks" mid-sentence is not "Mark"
        by_sound, by_spelling = fuzz.ratio(sound, term.sound), fuzz.ratio(key, term.key)
        if by_sound >= SOUND_AT_LEAST and by_spelling >= _spelling_needed(sound, term) and _differences_alike(heard, term):
            score = by_sound + by_spelling
            if best is None or score > best[1]:
                best = (term, score)
    return best


def _capitalised(heard: str) -> bool:
    """Some word has a capital: Whisper heard a name, if not all of it ("gardener Academy" for "Gardiner Academy")."""
    return any(word[:1].isupper() for word in heard.split())


def _spelling_needed(sound: str, term: Term) -> int:
    if sound == term.sound and len(sound) > SAME_SOUND_CODE_LONGER_THAN and term.text[:1].isupper():
        return SAME_SOUND_SPELLING_AT_LEAST
    return SPELLING_AT_LEAST


def _apply(text: str, tokens: list[re.Match[str]], candidates: list[tuple[float, int, int, str, Term]]) -> Corrected:
    """Take the best-scoring candidates that do not overlap, then rewrite the text from the end backwards."""
    taken: list[tuple[int, int, str, Term]] = []
    used: set[int] = set()
    for _score, first, last, heard, term in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if used.isdisjoint(range(first, last)):
            used.update(range(first, last))
            taken.append((first, last, heard, term))
    for first, last, heard, term in sorted(taken, reverse=True):
        written = term.text + ("'s" if heard.lower().endswith("'s") and term.length == 1 else "")
        text = text[: tokens[first].start()] + written + text[tokens[last - 1].end() :]
    return Corrected(text, [Correction(heard, term.text) for _f, _l, heard, term in sorted(taken)])


def _differences_alike(heard: str, term: Term) -> bool:
    """Where heard and known words share a word ("Winter Primary", "Taylor Primary"), the words that differ must
    sound alike too: the shared word alone makes two different schools look close."""
    heard_words, term_words = [_squash(word) for word in heard.split()], [_squash(word) for word in term.text.split()]
    if set(heard_words).isdisjoint(term_words):
        return True
    # In the order said: "look tough to" against "looked after".
    rest = "".join(word for word in heard_words if word not in term_words)
    rest_of_term = "".join(word for word in term_words if word not in heard_words)
    by_sound = fuzz.ratio(jellyfish.metaphone(rest), jellyfish.metaphone(rest_of_term))
    return by_sound >= DIFFERENCE_SOUND_AT_LEAST and fuzz.ratio(rest, rest_of_term) >= DIFFERENCE_SPELLING_AT_LEAST


def _one_phrase(text: str, window: list[re.Match[str]]) -> bool:
    """Words joined by spaces or a hyphen only: a correction never reaches across a full stop or comma."""
    return all(re.fullmatch(r"[\s-]+", text[a.end() : b.start()]) for a, b in zip(window, window[1:], strict=False))


def _close_in_length(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= max(2, len(b) // 6)


def _already_right(heard: str, names: set[str]) -> bool:
    """Words that hold a name heard right ("Jamie's" too), or only everyday words, are left as they are."""
    words = [_squash(_without_possessive(word)) for word in heard.split()]
    return any(word in names for word in words) or all(word in _common_words() for word in words)


def _edges_belong(heard: str, term: Term) -> bool:
    """An everyday word at either end of the heard words ("no", "the", "with") must be one of the term's own:
    otherwise the correction would swallow a word that was said ("no missing episode" is not "missing episode")."""
    words, own = heard.lower().split(), {_squash(word) for word in term.text.split()}
    return all(_belongs(_squash(word), own) or _squash(word) not in _common_words() for word in (words[0], words[-1]))


def _belongs(word: str, own: set[str]) -> bool:
    """One of the term's words, or its start with the ending unheard ("look" for "looked")."""
    return any(word == whole or (len(word) >= 3 and whole.startswith(word)) for whole in own)


def _without_possessive(word: str) -> str:
    return word[:-2] if word.lower().endswith("'s") else word


def _is_common(heard: str) -> bool:
    """A single everyday word ("said", "carer", "school") is what was said, not a mishearing of a name."""
    words = heard.lower().split()
    return len(words) == 1 and words[0] in _common_words()


@functools.cache
def _common_words() -> frozenset[str]:
    # Faker's list of about a thousand everyday English words (Faker is already a requirement).
    from faker.providers.lorem.en_US import Provider

    return frozenset(Provider.word_list) | frozenset(EVERYDAY.split())


# Words Faker's list leaves out that a note is full of.
EVERYDAY = """is was are were am been has had does did said says told carer carers mum dad nan visit school
an its it's she's he's i'm i've we've they're there's that's isn't wasn't don't didn't won't can't"""


def _squash(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())
