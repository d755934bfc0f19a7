"""Split a voice note into the visit record's sections from what the worker says.

Workers speak in the record's order or out of it, but they mark where they are: "Jamie said...",
"I saw...", "My analysis is...", "Actions...", "Next steps...". A sentence with such a cue opens
that section; a sentence without one stays in the section the last cue opened. Before any cue,
what is said is what was seen and heard. The worker moves any sentence that lands wrong in review."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

CHILD_SAID, OBSERVATIONS, ANALYSIS, ACTIONS = "child_said", "observations", "analysis", "actions"
SECTIONS = (CHILD_SAID, OBSERVATIONS, ANALYSIS, ACTIONS)
LABELS = {
    CHILD_SAID: "What the child said",
    OBSERVATIONS: "What I saw",
    ANALYSIS: "Analysis",
    ACTIONS: "Actions",
}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Cues the worker speaks, checked in this order: actions and analysis first, so "Next steps: I saw to it
# that..." or "My analysis is that Jamie said..." go where the worker put them.
ACTION_CUES = r"(actions?|next steps?|to do|i will|i'll|we agreed|we will|it was agreed|plan going forward)\b"
ANALYSIS_CUES = (
    r"(my analysis|in my analysis|analysis|my assessment|in my assessment|in my view|my view is|my concern|"
    r"i am (worried|concerned|pleased|reassured)|i'm (worried|concerned|pleased|reassured)|i think|overall)\b"
)
SEEN_CUES = (
    r"(i saw|i observed|i noticed|i heard|i visited|i met|when i arrived|on arrival|the home|the house|her bedroom|"
    r"his bedroom|their bedroom|(his|her|their|the) (carer|carers|foster carer|foster carers|mum|mother|dad|father|"
    r"nan|grandmother|teacher)\b)"
)
CHILD_VERBS = r"(said|says|told me|tells me|asked|wants|wanted|would like|shared|explained|talked about|spoke about)\b"


@dataclass(frozen=True)
class Sentence:
    section: str
    text: str


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


# Whisper sometimes leaves out the full stops of a long stretch ("...in the cupboards Next steps I will..."), but
# still writes a capital where a sentence starts. A cue spoken with its capital after a word with no stop opens a
# sentence there too, unless the word before joins it to what came before ("when I saw her", "and I will").
UNSTOPPED_CUE = (
    r"(Next steps?|Actions?|My analysis|In my analysis|My assessment|In my view|The home|The house|"
    r"I saw|I noticed|I heard|I observed|I visited|I will|Her carers?|His carers?|Their carers?|The carers?)\b"
)
JOINING_WORDS = frozenset(
    [
        "and",
        "but",
        "or",
        "so",
        "as",
        "when",
        "while",
        "because",
        "since",
        "that",
        "if",
        "until",
        "after",
        "before",
        "than",
        "where",
        "what",
    ]
)


def unstopped_sentences(text: str, child_names: Iterable[str] = ()) -> list[str]:
    """The transcript's sentences, split also where a capitalised cue follows a word with no full stop."""
    names = "|".join(re.escape(name) for name in child_names if name.strip())
    cues = UNSTOPPED_CUE + (rf"|({names})( \w+)? {CHILD_VERBS}" if names else "")
    opening = re.compile(rf"(?<=[a-z'])\s+(?=({cues}))")
    return [part for sentence in sentences_of(text) for part in _cut(sentence, opening)]


def _cut(sentence: str, opening: re.Pattern[str]) -> list[str]:
    cuts = [match.end() for match in opening.finditer(sentence) if not _joined(sentence[: match.start()])]
    starts = [0, *cuts, len(sentence)]
    return [sentence[a:b].strip() for a, b in zip(starts, starts[1:], strict=False) if sentence[a:b].strip()]


def _joined(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1].lower() in JOINING_WORDS


def split(text: str, *, child_names: Iterable[str] = ()) -> list[Sentence]:
    """Each sentence of the transcript with the section it belongs to."""
    child = _child_pattern(child_names)
    section, result = OBSERVATIONS, []
    for sentence in unstopped_sentences(text, child_names):
        section = cue(sentence, child) or section
        result.append(Sentence(section, sentence))
    return result


def joined(sentences: Iterable[Sentence]) -> dict[str, str]:
    """The sections' text, each sentence in the order spoken; sections with nothing said are empty."""
    texts: dict[str, list[str]] = {name: [] for name in SECTIONS}
    for sentence in sentences:
        texts[sentence.section].append(sentence.text)
    return {name: " ".join(parts) for name, parts in texts.items()}


def cue(sentence: str, child: re.Pattern[str] | None) -> str | None:
    start = sentence.lower().lstrip("\"'“ ")
    if re.match(ACTION_CUES, start):
        return ACTIONS
    if re.match(ANALYSIS_CUES, start):
        return ANALYSIS
    if child is not None and child.match(start):
        return CHILD_SAID
    if re.match(r"in (his|her|their) (own )?words\b", start):
        return CHILD_SAID
    if re.match(SEEN_CUES, start):
        return OBSERVATIONS
    return None


def _child_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """The child's names (and "in Jamie's words") followed by a verb of speaking or wanting."""
    names = [re.escape(name.lower()) for name in names if name.strip()]
    if not names:
        return None
    who = "|".join(sorted(set(names), key=len, reverse=True))
    return re.compile(rf"(({who})( \w+)? {CHILD_VERBS}|in ({who})'s words\b)")
