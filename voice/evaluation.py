"""How well Whisper hears a social worker: an evaluation set and its scores (bin/evaluate-voice).

Two sets. *Visit notes*: synthetic notes written for Hearth, each for a made-up child whose record (names
of the child, family, carers, worker, IRO, school) is known, full of the words of care, in the record's
sections with the worker's spoken cues, spoken by espeak-ng in several voices and speeds. *Read English*:
the LibriVox clips in Debian's pocketsphinx-testdata, a guard that ordinary speech is heard no worse.
The speech is made at run time into a cache folder (never committed) and reused while the text is the same.

Scores: word error rate per set, the share of names heard right, the share of sentences put in the right
section, the real-time factor (median and whole set) and the process's peak memory. Every figure comes
from the same steps the pipeline runs (voice.drafting), so a setting is only adopted when this shows it helps."""

import dataclasses
import hashlib
import random
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faker import Faker

from voice import audio, drafting, sections, transcriber
from voice.speech_samples import alignment, words

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
VOICES = (("en-gb", 150), ("en-us", 140), ("en-gb-x-rp", 165), ("en-gb-scotland", 135), ("en-us", 175), ("en-gb", 125))


@dataclass(frozen=True)
class People:
    """The names a child's record holds before the visit."""

    child: str
    surname: str
    pronoun: str  # "she", "he"
    sibling: str
    mother: str
    carers: tuple[str, str]
    carers_surname: str
    worker: str
    iro: str
    school: str

    @property
    def names(self) -> list[str]:
        people = [self.child, self.surname, self.sibling, self.mother, *self.carers, self.carers_surname]
        return [*people, *self.worker.split(), *self.iro.split(), self.school]

    @property
    def name_words(self) -> set[str]:
        return {word for name in self.names for word in words(name) if word not in ("primary", "academy", "school")}


@dataclass(frozen=True)
class Clip:
    key: str
    path: Path
    script: str
    people: People | None = None
    labelled: tuple[sections.Sentence, ...] = ()


# The notes: sentences per section, with and without the worker's cue -------------------------------

OPENING = [
    "I visited {child} {surname} at the {carers_surname} family home for a statutory visit.",
    "This was a statutory visit to {child} at home with {carer0} and {carer1}.",
]
SEEN = [
    "I saw {child} in the kitchen with {carer0}, and {pronoun} was relaxed and chatty.",
    "I saw {child}'s bedroom, which was tidy, with photos of {sibling} on the wall.",
    "I noticed that {child} looked to {carer1} for reassurance when we talked about contact.",
    "Her carer {carer0} said there has been no missing episode since the last visit.",
    "I heard {child} laughing with {carer1} in the garden before we sat down.",
    "The carers said the respite weekend went well and {child} slept better afterwards.",
]
SEEN_MORE = [
    "The home was warm and clean and there was food in the cupboards.",
    "There were no marks or injuries and {pronoun} looked well cared for.",
    "{carer0} has kept the outcome star up to date with {child}.",
]
SAID = [
    "{child} said {pronoun} wants to see {sibling} more often, maybe every weekend.",
    "{child} told me that the virtual school tutor is helping with maths and reading.",
    "{child} said {pronoun} feels safe living with {carer0} and {carer1}.",
    "{child} told me {pronoun} misses {mother} but the phone calls are going well.",
    "{child} said {pronoun} would like to go to the seaside with the {carers_surname} family.",
]
SAID_MORE = [
    "{Pronoun} asked if {mother} could come to the next PEP meeting at {school}.",
    "{Pronoun} wants to keep seeing the CAMHS worker because it helps with sleep.",
    "{Pronoun} did not want to talk about the special guardianship plan today.",
]
ANALYSIS = [
    "My analysis is that {child} is settled in this kinship arrangement and the care plan is working.",
    "My analysis is that the connected person assessment of {carer0} should go ahead.",
    "In my analysis {child} has made good progress at {school} since the last looked after review.",
]
ANALYSIS_MORE = [
    "The outcome star shows progress on feeling safe and on school.",
    "A CAMHS referral is still needed because of the sleep problems.",
    "Special guardianship with {carer0} and {carer1} would give {child} a lasting home.",
]
ACTIONS = [
    "Actions. I will update the care plan before the review with the IRO {iro}.",
    "Next steps. {worker} will book the PEP with {school} and the virtual school.",
    "Actions. I will ask {mother} about contact with {sibling} during the holidays.",
]
ACTIONS_MORE = [
    "I will chase the CAMHS appointment this week.",
    "{carer0} will ask the supervising social worker about respite in the half term.",
    "The next statutory visit is in six weeks.",
]


def people(fake: Faker, rng: random.Random) -> People:
    girl = rng.random() < 0.5
    return People(
        child=fake.first_name_female() if girl else fake.first_name_male(),
        surname=fake.last_name(),
        pronoun="she" if girl else "he",
        sibling=fake.first_name(),
        mother=fake.first_name_female(),
        carers=(fake.first_name_female(), fake.first_name()),
        carers_surname=fake.last_name(),
        worker=f"{fake.first_name()} {fake.last_name()}",
        iro=f"{fake.first_name()} {fake.last_name()}",
        school=f"{fake.last_name()} {rng.choice(['Primary', 'Academy'])}",
    )


def note(who: People, rng: random.Random) -> list[sections.Sentence]:
    """One note: an opening, then the four sections in a shuffled order, each a cue sentence and a follow-up or two."""
    parts = [
        (sections.OBSERVATIONS, SEEN, SEEN_MORE),
        (sections.CHILD_SAID, SAID, SAID_MORE),
        (sections.ANALYSIS, ANALYSIS, ANALYSIS_MORE),
        (sections.ACTIONS, ACTIONS, ACTIONS_MORE),
    ]
    rng.shuffle(parts)
    chosen = [(sections.OBSERVATIONS, rng.choice(OPENING))]
    for section, cues, more in parts:
        chosen += [(section, line) for line in rng.sample(cues, 2 if section == sections.OBSERVATIONS else 1)]
        chosen += [(section, line) for line in rng.sample(more, rng.choice((1, 2)))]
    return [sections.Sentence(section, part) for section, line in chosen for part in sections.sentences_of(_fill(line, who))]


def _fill(line: str, who: People) -> str:
    values = {"carer0": who.carers[0], "carer1": who.carers[1], "Pronoun": who.pronoun.capitalize()}
    values |= {key: getattr(who, key) for key in ("child", "surname", "pronoun", "sibling", "mother")}
    values |= {key: getattr(who, key) for key in ("carers_surname", "worker", "iro", "school")}
    return line.format(**values)


def visit_notes(folder: Path, *, count: int, seed: int) -> list[Clip]:
    fake, rng = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    clips = []
    for i in range(count):
        who = people(fake, rng)
        labelled = note(who, rng)
        voice, speed = VOICES[i % len(VOICES)]
        script = " ".join(sentence.text for sentence in labelled)
        clips.append(Clip(f"note-{i:02d}-{voice}-{speed}", spoken(folder, script, voice, speed), script, who, tuple(labelled)))
    return clips


def spoken(folder: Path, script: str, voice: str, speed: int) -> Path:
    """espeak-ng's speech of the script, made once and kept in the cache folder under a hash of what made it."""
    digest = hashlib.sha256(f"{voice}|{speed}|{script}".encode()).hexdigest()[:16]
    path = folder / f"{digest}.wav"
    if not path.exists():
        raw = folder / f"{digest}.raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), script], check=True)
        subprocess.run(["sox", "-q", "-G", str(raw), "-r", "16000", "-c", "1", str(path)], check=True)
        raw.unlink()
    return path


def read_english() -> list[Clip]:
    if not LIBRIVOX.exists():
        raise FileNotFoundError(f"{LIBRIVOX} is missing: apt-get install pocketsphinx-testdata")
    clips = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, name = line.rpartition("(")
        script = text.replace("<s>", "").replace("</s>", "").strip()
        clips.append(Clip(name.strip(") "), LIBRIVOX / f"{name.strip(') ')}.wav", script))
    return clips


# Scoring -----------------------------------------------------------------------------------------


@dataclass
class Score:
    name: str
    audio_seconds: float = 0
    processing_seconds: float = 0
    reference_words: int = 0
    errors: int = 0
    names_said: int = 0
    names_heard: int = 0
    sentences: int = 0
    sentences_placed: int = 0
    script_sentences_placed: int = 0
    factors: list[float] = field(default_factory=list)
    cpu_factors: list[float] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)

    def add(self, clip: Clip, draft: drafting.Draft, seconds: float, cpu_seconds: float) -> None:
        self.audio_seconds += draft.transcript.audio_seconds
        self.processing_seconds += seconds
        self.factors.append(seconds / draft.transcript.audio_seconds)
        self.cpu_factors.append(cpu_seconds / draft.transcript.audio_seconds)
        pairs = alignment(clip.script, draft.text)
        self.reference_words += sum(1 for said, _ in pairs if said is not None)
        self.errors += sum(1 for said, heard in pairs if said != heard)
        self.corrections += [f"{c.heard} -> {c.written}" for c in draft.corrections]
        if clip.people is not None:
            self._names(clip.people, pairs)
            self._sections(clip, draft)

    def _names(self, who: People, pairs: list[tuple[str | None, str | None]]) -> None:
        names = who.name_words
        said = [(ref, hyp) for ref, hyp in pairs if ref is not None and ref in names]
        self.names_said += len(said)
        self.names_heard += sum(1 for ref, hyp in said if ref == hyp)

    def _sections(self, clip: Clip, draft: drafting.Draft) -> None:
        """A sentence is placed right when most of its words, as heard, are in its section of the draft."""
        self.sentences += len(clip.labelled)
        self.sentences_placed += placed_right(clip.labelled, draft.sentences)
        child = [clip.people.child] if clip.people else []
        from_script = sections.split(clip.script, child_names=child)
        self.script_sentences_placed += sum(1 for a, b in zip(clip.labelled, from_script, strict=True) if a == b)


def placed_right(labelled: tuple[sections.Sentence, ...], drafted: list[sections.Sentence]) -> int:
    """Align the script's words with the draft's, each draft word tagged with its section; count the script's
    sentences whose aligned words mostly carry the sentence's own section."""
    script_words = [(i, word) for i, sentence in enumerate(labelled) for word in words(sentence.text)]
    draft_words = [(sentence.section, word) for sentence in drafted for word in words(sentence.text)]
    pairs = alignment([w for _, w in script_words], [w for _, w in draft_words], indices=True)
    votes: dict[int, list[bool]] = {}
    for ref, hyp in pairs:
        if ref is not None and hyp is not None:
            sentence = script_words[ref][0]
            votes.setdefault(sentence, []).append(draft_words[hyp][0] == labelled[sentence].section)
    return sum(1 for found in votes.values() if sum(found) * 2 > len(found))


def evaluate(
    clips: list[Clip],
    decoding: transcriber.Decoding,
    *,
    correct: bool,
    name: str,
    record_hotwords: bool = False,
    on_clip: Callable[[Clip, drafting.Draft], None],
) -> Score:
    score = Score(name)
    for clip in clips:
        samples = audio.decode(clip.path)
        who = clip.people.names if clip.people else []
        child = [clip.people.child] if clip.people else []
        if record_hotwords:  # as the pipeline does with HEARTH_WHISPER_RECORD_HOTWORDS
            decoding = dataclasses.replace(decoding, hotwords=" ".join(who))
        started, cpu_started = time.monotonic(), time.process_time()
        draft = drafting.draft(samples, known_names=who, child_names=child, decoding=decoding, correct=correct)
        score.add(clip, draft, time.monotonic() - started, time.process_time() - cpu_started)
        on_clip(clip, draft)
    return score


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(
    scores: list[Score], decoding: transcriber.Decoding, *, correct: bool, load_seconds: float, record_hotwords: bool = False
) -> Iterator[str]:
    vad = f"{decoding.vad} {decoding.vad_parameters or ''}".strip()
    yield f"model {decoding.name}, beam {decoding.beam_size}, threads {decoding.threads}, VAD {vad}"
    hotwords = "each note's record names" if record_hotwords else decoding.hotwords or "none"
    yield f"corrections from the record and care words: {'on' if correct else 'off'}; hotwords: {hotwords}"
    yield f"model loaded in {load_seconds:.1f} s"
    for score in scores:
        yield from _lines(score)
    yield f"  {'peak memory (this process, RSS)':<44} {peak_memory_mb():.0f} MB"


def _lines(score: Score) -> Iterator[str]:
    def line(label: str, value: Any) -> str:
        return f"  {label:<44} {value}"

    yield f"{score.name}: {len(score.factors)} clips, {score.audio_seconds / 60:.1f} minutes of audio"
    yield line("word error rate", f"{score.errors / max(score.reference_words, 1):.1%} ({score.errors}/{score.reference_words})")
    if score.names_said:
        yield line("names heard right", f"{score.names_heard / score.names_said:.1%} ({score.names_heard}/{score.names_said})")
        yield line(
            "sentences in the right section",
            f"{score.sentences_placed / score.sentences:.1%} ({score.sentences_placed}/{score.sentences})",
        )
        yield line("  (from the script itself, rules alone)", f"{score.script_sentences_placed / score.sentences:.1%}")
        yield line("corrections made", len(score.corrections))
    yield line("real-time factor, median clip", f"{statistics.median(score.factors):.3f}")
    yield line("real-time factor, whole set", f"{score.processing_seconds / score.audio_seconds:.3f}")
    # Wall time counts the other work on a shared machine; CPU time is what the model itself took.
    yield line("CPU seconds per audio second, median clip", f"{statistics.median(score.cpu_factors):.3f}")
