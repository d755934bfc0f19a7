"""The pipeline's services, run in this process with the real model and real audio."""

import datetime
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from casework import codes
from casework import services as casework_services
from tests import factories
from voice import sections, services
from voice import speech_samples as speech
from voice.models import Recording, RecordingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(county):
    return factories.DraftVisitFactory(child=county.child, author=county.worker, **EMPTY)


EMPTY = {"child_said": "", "observations": "", "analysis": "", "actions": ""}


def upload(visit, actor, path: Path | None = None, *, content: bytes | None = None, name: str = "note.m4a", client_id=None):
    data = path.read_bytes() if path is not None else content
    file = SimpleUploadedFile(name, data, content_type="audio/mp4")
    return services.recording_upload(visit=visit, actor=actor, client_id=client_id or uuid.uuid4(), file=file)


def test_upload_stores_the_file_and_queues_it(visit, county, clips):
    """Wherever audio is kept (tests/voice/test_storage.py has the disk and the bucket each)."""
    recording, created = upload(visit, county.worker, clips["wav"], name="../../etc/passwd.m4a")
    recording.refresh_from_db()
    assert created
    assert recording.status == RecordingStatus.QUEUED
    assert recording.format == "wav"  # from the content, not the .m4a name
    assert "passwd" not in recording.audio.name
    with recording.audio.open("rb") as stored:
        assert stored.read() == clips["wav"].read_bytes()


def test_the_same_upload_twice_is_one_recording(visit, county, clips):
    client_id = uuid.uuid4()
    first, created_first = upload(visit, county.worker, clips["wav"], client_id=client_id)
    second, created_second = upload(visit, county.worker, clips["wav"], client_id=client_id)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Recording.objects.count() == 1


def test_an_upload_id_cannot_be_reused_for_another_visit(visit, county, clips):
    client_id = uuid.uuid4()
    upload(visit, county.worker, clips["wav"], client_id=client_id)
    other_visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    with pytest.raises(ValidationError, match="different visit"):
        upload(other_visit, county.worker, clips["wav"], client_id=client_id)


def test_a_worker_who_only_reads_the_child_cannot_upload(visit, county, clips):
    with pytest.raises(PermissionDenied):
        upload(visit, county.teammate, clips["wav"])
    assert not Recording.objects.exists()


def test_a_signed_visit_takes_no_new_voice_note(visit, county, clips):
    signed = factories.DraftVisitFactory(child=county.child, author=county.worker, status=codes.VisitStatus.SIGNED)
    with pytest.raises(ValidationError, match="signed"):
        upload(signed, county.worker, clips["wav"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "The recording is empty."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000, "This file is not audio we can read."),
        (b"This is a text file pretending to be audio. " * 50, "This file is not audio we can read."),
    ],
    ids=["empty", "wrong-type", "text"],
)
def test_bad_uploads_fail_with_a_reason_and_keep_the_file(visit, county, content, reason):
    recording, _ = upload(visit, county.worker, content=content)
    recording.refresh_from_db()
    assert (recording.status, recording.failure_reason) == (RecordingStatus.FAILED, reason)
    with recording.audio.open("rb") as stored:
        assert stored.read() == content


def test_an_oversized_file_fails_with_a_reason(visit, county, clips, settings):
    settings.HEARTH_VOICE_MAX_BYTES = 10_000
    recording, _ = upload(visit, county.worker, clips["wav"])
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    assert recording.failure_reason == "The recording is larger than 9.8\xa0KB, the most Hearth accepts."
    assert recording.has_audio


def test_a_recording_over_the_length_limit_fails_with_a_reason(visit, county, clips, settings):
    settings.HEARTH_VOICE_MAX_SECONDS = 60
    recording, _ = upload(visit, county.worker, clips["long"])
    recording.refresh_from_db()
    assert (recording.status, recording.failure_reason) == (RecordingStatus.FAILED, "The recording is longer than 1 minute.")


def test_transcription_fills_the_draft_for_review(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    visit.refresh_from_db()
    assert recording.status == RecordingStatus.READY
    assert speech.word_error_rate(speech.SCRIPT, recording.transcript) <= 0.25, recording.transcript
    assert recording.segments and recording.segments[0]["start"] >= 0
    assert recording.audio_seconds == pytest.approx(clips_seconds(clips["wav"]), abs=0.2)
    assert recording.processing_seconds > 0 and recording.words > 40 and "tiny.en" in recording.model_name
    assert drafted_words(visit) == sorted_words(recording.transcript)
    assert visit.child_said.startswith("Ava said") and visit.analysis.startswith("My analysis")  # the worker's cues
    assert visit.awaits_review


def words_of(text: str) -> list[str]:
    """A text's words, in order, without case or punctuation: Whisper does not always end a sentence with a full
    stop, and the sections put one where a spoken cue starts a new sentence."""
    return re.findall(r"[\w']+", text.lower())


def sorted_words(text: str) -> list[str]:
    return sorted(words_of(text))


def drafted_words(visit) -> list[str]:
    """Every word of the voice draft, wherever in the record's sections it was put (sorted, as the sections do not
    keep the transcript's order): equal to sorted_words(transcript) when each heard word is in the draft once."""
    return sorted(word for name in sections.SECTIONS for word in words_of(getattr(visit, name)))


def clips_seconds(path: Path) -> float:
    return (path.stat().st_size - 44) / 32_000  # 16 kHz, 16-bit mono WAV


def test_transcribing_twice_makes_one_transcript(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    assert services.recording_transcribe(recording_id=recording.pk) is not None
    assert services.recording_transcribe(recording_id=recording.pk) is None
    visit.refresh_from_db()
    recording.refresh_from_db()
    assert recording.attempts == 1
    assert drafted_words(visit) == sorted_words(recording.transcript)


def test_a_draft_from_a_voice_note_cannot_be_signed_until_reviewed(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    services.recording_transcribe(recording_id=recording.pk)
    with pytest.raises(ValidationError, match="confirm you have checked it"):
        casework_services.visit_sign(visit=visit, actor=county.worker)
    casework_services.visit_review_draft(visit=visit, actor=county.worker)
    signed = casework_services.visit_sign(visit=visit, actor=county.worker)
    assert (signed.status, signed.drafted_from_voice, signed.draft_reviewed_by) == ("signed", True, county.worker)


def test_the_transcript_is_added_after_what_the_worker_already_typed(county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="Typed on arrival.")
    recording, _ = upload(visit, county.worker, clips["wav"])
    services.recording_transcribe(recording_id=recording.pk)
    visit.refresh_from_db()
    assert visit.observations.startswith("Typed on arrival.\n\nI visited")


@pytest.mark.parametrize("kind", ["silent", "truncated"])
def test_audio_that_cannot_be_heard_fails_with_a_reason_and_keeps_the_file(visit, county, clips, kind, tmp_path):
    path = clips["silent"]
    if kind == "truncated":
        path = tmp_path / "cut.wav"
        path.write_bytes(clips["wav"].read_bytes()[:3000])
    recording, _ = upload(visit, county.worker, path)
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    assert recording.failure_reason.startswith(("The recording is silent", "The recording is empty", "This file is not audio"))
    assert recording.has_audio


def test_a_failed_recording_can_be_retried(visit, county, clips, settings):
    settings.HEARTH_VOICE_MAX_SECONDS = 1
    recording, _ = upload(visit, county.worker, clips["wav"])
    settings.HEARTH_VOICE_MAX_SECONDS = 3600
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED
    services.recording_retry(recording=recording, actor=county.worker)
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    assert (recording.status, recording.failure_reason) == (RecordingStatus.READY, "")


def test_retry_is_only_for_failed_recordings(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    with pytest.raises(ValidationError, match="Only a recording that failed"):
        services.recording_retry(recording=recording, actor=county.worker)


def test_a_claim_whose_worker_died_can_be_taken_over(visit, county, clips, settings):
    recording, _ = upload(visit, county.worker, clips["wav"])
    assert services.recording_claim(recording_id=recording.pk) is not None
    assert services.recording_claim(recording_id=recording.pk) is None  # alive: nobody else may take it
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.HEARTH_VOICE_STALE_SECONDS + 1)
    Recording.objects.filter(pk=recording.pk).update(heartbeat_at=long_ago)
    assert services.recording_claim(recording_id=recording.pk).attempts == 2


def test_a_claim_whose_worker_process_is_gone_is_taken_over_at_once(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    with claimed_elsewhere(recording.pk):  # a live worker process's connection holds the claim
        assert services.recording_claim(recording_id=recording.pk) is None
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.TRANSCRIBING, heartbeat_at=timezone.now())
    # Its process died: PostgreSQL dropped the connection and its lock; the heartbeat is still fresh.
    taken = services.recording_claim(recording_id=recording.pk)
    assert (taken.status, taken.attempts) == (RecordingStatus.TRANSCRIBING, 1)
    services._claim_unlock(recording.pk)


def test_a_transcription_lets_go_of_its_claim_when_it_ends(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    services.recording_transcribe(recording_id=recording.pk)
    with claimed_elsewhere(recording.pk) as got_it:
        assert got_it


@contextmanager
def claimed_elsewhere(recording_id: int) -> Iterator[bool]:
    """The claim's lock taken on a connection of its own, as another worker process's would be."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], autocommit=True
    ) as other:
        key = (services.CLAIM_LOCKS, services._lock_key(recording_id))
        row = other.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
        yield bool(row and row[0])
    _wait_until_let_go(key)


def _wait_until_let_go(key: tuple[int, int]) -> None:
    """A closed connection's server process ends, and lets go of its locks, a moment after the client closes it."""
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = %s AND objid::bigint = %s"
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(held, key)
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
    raise AssertionError("The other connection's lock was never let go")


def test_retention_deletes_audio_of_signed_visits_but_keeps_the_record(county, clips, settings):
    settings.HEARTH_VOICE_KEEP_AUDIO_DAYS = 30
    old = factories.DraftVisitFactory(child=county.child, author=county.worker)
    recent = factories.DraftVisitFactory(child=county.child, author=county.worker)
    old_recording, _ = upload(old, county.worker, clips["wav"])
    recent_recording, _ = upload(recent, county.worker, clips["wav"])
    factories.VisitFactory._meta.model.objects.filter(pk=old.pk).update(signed_at=timezone.now() - datetime.timedelta(days=31))
    factories.VisitFactory._meta.model.objects.filter(pk=recent.pk).update(signed_at=timezone.now() - datetime.timedelta(days=2))
    storage, name = old_recording.audio.storage, old_recording.audio.name
    assert storage.exists(name)
    assert services.recordings_apply_retention() == 1
    old_recording.refresh_from_db()
    recent_recording.refresh_from_db()
    assert not storage.exists(name)
    assert (old_recording.has_audio, old_recording.audio_deleted_at is not None) == (False, True)
    assert recent_recording.has_audio


@pytest.mark.parametrize("sound", ["whitenoise", "brownnoise", "pinknoise"])
def test_noise_gives_no_text_and_fails_with_a_reason(visit, county, tmp_path, sound):
    """Whisper invents words from noise when asked to; the voice filter means it is never asked."""
    path = tmp_path / f"{sound}.wav"
    speech.noise(path, sound)
    recording, _ = upload(visit, county.worker, path)
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    visit.refresh_from_db()
    assert (recording.status, recording.transcript) == (RecordingStatus.FAILED, "")
    assert recording.failure_reason == "We could not hear any words in the recording."
    assert not visit.drafted_from_voice and visit.observations == ""


def test_silence_gives_no_text(visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["silent"])
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    assert (recording.status, recording.transcript) == (RecordingStatus.FAILED, "")
