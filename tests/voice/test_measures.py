"""The recording-time measure on hand-made voice notes."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from casework.dashboard import Period
from casework.models import Child
from tests import factories
from voice import measures
from voice.models import Recording, RecordingStatus

pytestmark = pytest.mark.django_db


def note(child: Child, author, *, minutes_to_draft: float, seconds: float, words: int, status=RecordingStatus.READY, days=5):
    visit = factories.DraftVisitFactory(child=child, author=author)
    recording = Recording.objects.create(visit=visit, uploaded_by=author, status=status, audio_seconds=seconds, words=words)
    uploaded = timezone.now() - datetime.timedelta(days=days)
    Recording.objects.filter(pk=recording.pk).update(  # uploaded_at is set on creation: put it where the test needs it
        uploaded_at=uploaded, finished_at=uploaded + datetime.timedelta(minutes=minutes_to_draft)
    )
    return recording


def test_recording_time_counts_notes_minutes_median_wait_and_typing_saved(county, settings):
    settings.HEARTH_TYPING_WORDS_PER_MINUTE = 40
    note(county.child, county.worker, minutes_to_draft=2, seconds=300, words=600)
    note(county.child, county.worker, minutes_to_draft=4, seconds=120, words=300)
    note(county.child, county.worker, minutes_to_draft=30, seconds=60, words=100)
    note(county.child, county.worker, minutes_to_draft=1, seconds=60, words=100, status=RecordingStatus.FAILED)
    note(county.child, county.worker, minutes_to_draft=1, seconds=60, words=100, days=200)  # before the period
    today = timezone.localdate()
    figure = measures.recording_time(children=Child.objects.all(), periods=[Period(today - datetime.timedelta(days=90), today)])[
        0
    ]
    rows = {row.label: row.value for row in figure.rows}
    assert rows["Voice notes transcribed"] == 3
    assert rows["Minutes of audio"] == 8.0
    assert rows["Words transcribed"] == 1000
    assert rows["Median time from upload to draft"] == 4.0
    # 1000 words at 40 a minute is 25 minutes of typing, less 8 spoken: 17 minutes, 0.3 hours.
    assert figure.value == 0.3 == rows["Typing time saved at 40 words a minute"]
    assert set(
        measures.children_with_voice_notes(children=Child.objects.all(), period=figure.period).values_list("pk", flat=True)
    ) == {county.child.pk}
    assert (
        measures.recording_time(children=Child.objects.filter(pk=county.other_child.pk), periods=[figure.period])[0].value is None
    )


def test_typing_saved_is_never_negative(settings):
    settings.HEARTH_TYPING_WORDS_PER_MINUTE = 40
    assert measures.typing_minutes_saved(40, 5.0) == 0.0
    assert measures.typing_minutes_saved(400, 5.0) == 5.0


def signed_voice_draft(county, draft: dict[str, str], signed: dict[str, Any]):
    from casework import services as casework_services

    visit = factories.DraftVisitFactory(
        child=county.child, author=county.worker, child_said="", observations="", analysis="", actions=""
    )
    casework_services.visit_add_voice_draft(visit=visit, sections=draft)
    casework_services.visit_update(visit=visit, actor=county.worker, **signed)
    casework_services.visit_review_draft(visit=visit, actor=county.worker)
    return casework_services.visit_sign(visit=visit, actor=county.worker)


def test_recording_time_shows_how_much_of_the_draft_was_changed_before_signing(county):
    signed_voice_draft(county, {"observations": "I saw her room. It was tidy."}, {"observations": "I saw her room."})
    signed_voice_draft(county, {"child_said": "Ava said she likes school."}, {"child_said": "Ava said she likes school."})
    factories.VisitFactory(child=county.child, author=county.worker)  # typed by hand: not a draft's figure
    today = timezone.localdate()
    figure = measures.recording_time(children=Child.objects.all(), periods=[Period(today - datetime.timedelta(days=30), today)])[
        0
    ]
    rows = {row.label: row for row in figure.rows}
    assert rows["Voice-drafted visits signed"].value == 2
    share = rows["Share of the draft's words changed before signing"]
    # 3 of the 7 + 5 drafted words were removed.
    assert (share.value, share.count, share.total) == (25.0, 3, 12)
    other = measures.recording_time(children=Child.objects.filter(pk=county.other_child.pk), periods=[figure.period])[0]
    assert {row.label: row.value for row in other.rows}["Voice-drafted visits signed"] == 0
