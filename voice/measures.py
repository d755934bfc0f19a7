"""The recording-time measure on the manager dashboard (registered in VoiceConfig.ready()).

Voice notes transcribed in the period (their draft was ready), the minutes of audio, the median time from
upload to draft, and the typing time saved: the words transcribed at HEARTH_TYPING_WORDS_PER_MINUTE,
less the time spent speaking them. One selector, one query for every period."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Aggregate, Count, DurationField, F, FloatField, Q, QuerySet, Sum

from casework.dashboard import Figure, Measure, Period, Row, percent, register_measure
from casework.dashboard.sql import of_children
from casework.dates import end_of, start_of
from casework.models import Child, Visit
from voice.models import Recording, RecordingStatus


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the middle value, worked out in the database."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _ready_in(period: Period) -> Q:
    return Q(status=RecordingStatus.READY, finished_at__gte=start_of(period.start), finished_at__lt=end_of(period.end))


def _recordings(children: QuerySet[Child]) -> QuerySet[Recording]:
    """The children's recordings; for everyone's, the recordings alone, without reading the visits."""
    return of_children(Recording.objects.all(), children, path="visit__child")


def typing_minutes_saved(words: int, audio_minutes: float) -> float:
    """Typing the words at the configured speed, less the time spent speaking them; never below nothing."""
    return max(0.0, words / float(settings.HEARTH_TYPING_WORDS_PER_MINUTE) - audio_minutes)


def recording_time(*, children: QuerySet[Child], periods: Sequence[Period]) -> list[Figure]:
    """Per period: notes transcribed, audio minutes, words, median upload-to-draft time, hours of typing saved."""
    wait = F("finished_at") - F("uploaded_at")
    aggregates: dict[str, Aggregate] = {}
    for i, period in enumerate(periods):
        ready = _ready_in(period)
        aggregates |= {
            f"notes_{i}": Count("pk", filter=ready),
            f"seconds_{i}": Sum("audio_seconds", filter=ready, output_field=FloatField()),
            f"words_{i}": Sum("words", filter=ready),
        }
        aggregates[f"median_{i}"] = Median(wait, filter=ready)
    result = _recordings(children).aggregate(**aggregates) | _draft_changes(children, periods)
    return [_figure(period, result, i) for i, period in enumerate(periods)]


def _draft_changes(children: QuerySet[Child], periods: Sequence[Period]) -> dict[str, Any]:
    """Per period, the voice-drafted visits signed in it: how many, their draft's words and the words changed."""
    aggregates: dict[str, Aggregate] = {}
    for i, period in enumerate(periods):
        signed = Q(signed_at__gte=start_of(period.start), signed_at__lt=end_of(period.end))
        aggregates |= {
            f"signed_{i}": Count("pk", filter=signed),
            f"draft_words_{i}": Sum("voice_draft_words", filter=signed),
            f"changed_{i}": Sum("voice_words_changed", filter=signed),
        }
    drafted = of_children(Visit.objects.filter(drafted_from_voice=True, voice_draft_words__isnull=False), children)
    return drafted.aggregate(**aggregates)


def _figure(period: Period, result: dict[str, Any], i: int) -> Figure:
    notes, words = result[f"notes_{i}"], result[f"words_{i}"] or 0
    minutes = (result[f"seconds_{i}"] or 0) / 60
    hours_saved = round(typing_minutes_saved(words, minutes) / 60, 1)
    median: datetime.timedelta | None = result.get(f"median_{i}")
    changed, draft_words = result[f"changed_{i}"] or 0, result[f"draft_words_{i}"] or 0
    rows = (
        Row("Voice notes transcribed", notes, unit="notes"),
        Row("Minutes of audio", round(minutes, 1), unit="minutes"),
        Row("Words transcribed", words, unit="words"),
        Row("Median time from upload to draft", round(median.total_seconds() / 60, 1) if median else None, unit="minutes"),
        Row(f"Typing time saved at {settings.HEARTH_TYPING_WORDS_PER_MINUTE} words a minute", hours_saved, unit="hours"),
        Row("Voice-drafted visits signed", result[f"signed_{i}"], unit="visits"),
        Row("Share of the draft's words changed before signing", percent(changed, draft_words), changed, draft_words),
    )
    return Figure(period, hours_saved if notes else None, notes, None, rows)


def children_with_voice_notes(*, children: QuerySet[Child], period: Period, part: str = "") -> QuerySet[Child]:
    ready = _recordings(children).filter(_ready_in(period))
    return Child.objects.filter(pk__in=ready.values("visit__child_id"))


def _assumption() -> str:
    wpm = settings.HEARTH_TYPING_WORDS_PER_MINUTE
    return (
        f"Typing time saved assumes a worker types {wpm} words a minute (HEARTH_TYPING_WORDS_PER_MINUTE), an average "
        "typing speed: it is the time to type the words transcribed, less the minutes spent speaking them. Reviewing "
        "and correcting the draft is not taken off, so read it as an upper estimate: the share of the draft changed "
        "before signing (words added, removed or replaced, counted on the visits signed in the period; moving a "
        "sentence to another section is not counted) says how much correcting there was."
    )


MEASURE = Measure(
    key="recording-time",
    title="Recording time",
    definition="Voice notes whose draft was ready in the period, for visits to the children: how many, the minutes of "
    "audio, the median time from upload to draft, the estimated hours of typing saved (the headline), and, for the "
    "voice-drafted visits signed in the period, how much of the draft the worker changed before signing.",
    headline="of typing saved",  # after the figure and its unit: "0.1 hours of typing saved"
    figures=recording_time,
    children_behind=children_with_voice_notes,
    unit="hours",
    parts=(("", "Children with a voice note transcribed in the period"),),
    order=100,
    notes=_assumption,
)


def register() -> None:
    register_measure(MEASURE)
