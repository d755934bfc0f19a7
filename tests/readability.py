"""How easy a child's page is to read: the Flesch–Kincaid grade of the words Hearth writes on it.

Reading age = grade + 5 (a US grade-1 reader is about six). The page's visible text is taken from its
HTML, leaving out what people wrote themselves (elements marked data-written-by: the child's own words
and their worker's), form field contents and anything hidden from everyone. Each heading, list item,
paragraph, label or table cell counts as a sentence even without a full stop, as a reader takes it.

Syllables are counted with the usual heuristic (groups of vowels, less a silent final "e"), which
is within a syllable or so of a dictionary on everyday English words."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

BLOCKS = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "label",
    "legend",
    "th",
    "td",
    "caption",
    "summary",
    "button",
    "a",
    "figcaption",
    "blockquote",
    "title",
    "desc",
    "text",
    "option",
    "div",
    "dt",
    "dd",
}
SKIPPED = {"script", "style", "textarea", "head", "template"}
VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area", "base"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        names = dict(attrs)
        skipped = tag in SKIPPED or "data-written-by" in names or "hidden" in names or (bool(self.stack) and self.stack[-1][1])
        self.stack.append((tag, skipped))
        if tag in BLOCKS:
            self.parts.append("\n")
        elif tag == "tspan":  # a wrapped line of a label in the star's picture
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The words on the page a reader meets, one block (sentence-like unit) per line."""
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if re.search(r"[A-Za-z]", line))


def syllables(word: str) -> int:
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """Flesch–Kincaid grade level: 0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59

    @property
    def reading_age(self) -> float:
        return self.grade + 5


def readability(text: str) -> Readability:
    sentences = [s for line in text.split("\n") for s in re.split(r"[.!?]+(?:\s|$)", line) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    return Readability(len(sentences), len(words), sum(syllables(word) for word in words))
