"""The whole pipeline with its real parts: the API, a Celery worker process on Redis, Whisper, real audio."""

import os
import signal
import time
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories, proof
from tests.celery_worker import STALE_SECONDS, finished, wait_for
from tests.voice.test_services import EMPTY, drafted_words, sorted_words
from voice import speech_samples as speech
from voice.models import Recording, RecordingStatus
from voice.queue import enqueue_transcription

pytestmark = pytest.mark.pipeline


def upload_through_api(client: APIClient, visit, path) -> dict:
    with path.open("rb") as audio:
        response = client.post(
            f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": str(uuid.uuid4()), "audio": audio}, format="multipart"
        )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_clip_becomes_a_draft_through_the_api_and_a_real_worker(celery_worker, county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, **EMPTY)
    client = APIClient()
    client.force_authenticate(county.worker)
    uploaded = upload_through_api(client, visit, clips["ogg"])
    assert uploaded["status"] in ("queued", "transcribing", "ready")

    recording = wait_for(uploaded["id"], finished)
    body = client.get(f"/api/v1/recordings/{recording.pk}/").json()
    assert body["status"] == "ready", body
    assert speech.word_error_rate(speech.SCRIPT, body["transcript"]) <= 0.25, body["transcript"]
    assert body["progress"] == 1 and body["real_time_factor"] < 1
    visit.refresh_from_db()
    assert drafted_words(visit) == sorted_words(body["transcript"]) and visit.awaits_review


@pytest.mark.faults
def test_a_worker_killed_mid_transcription_finishes_the_recording_once_after_restart(celery_worker, county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, **EMPTY)
    client = APIClient()
    client.force_authenticate(county.worker)
    uploaded = upload_through_api(client, visit, clips["long"])

    wait_for(uploaded["id"], lambda r: r.status == RecordingStatus.TRANSCRIBING)
    celery_worker.kill()
    assert Recording.objects.get(pk=uploaded["id"]).status == RecordingStatus.TRANSCRIBING  # left mid-task

    time.sleep(STALE_SECONDS + 0.5)  # long enough for the dead worker's claim to be presumed dead
    celery_worker.start()  # at start-up it puts stale recordings back on the queue
    recording = wait_for(uploaded["id"], finished)
    visit.refresh_from_db()
    assert recording.status == RecordingStatus.READY
    assert recording.attempts == 2
    assert drafted_words(visit) == sorted_words(recording.transcript)  # filled exactly once
    assert visit.history.filter(history_change_reason="Draft from voice note").count() == 1
    proof.fault_survived(
        scenario="Celery worker killed mid-transcription", checks="restarted worker finished it; one transcript, one draft"
    )


@pytest.mark.faults
def test_a_pool_process_killed_mid_note_hands_the_note_back_at_once(patient_celery_worker, county, clips):
    """The worker sees its pool process die and puts the message back (late acks, reject on worker lost); the
    claim's lock went with the dead process's connection, so the next process takes the note over at once."""
    worker = patient_celery_worker
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
    client = APIClient()
    client.force_authenticate(county.worker)
    uploaded = upload_through_api(client, visit, clips["long"])

    wait_for(uploaded["id"], lambda r: r.status == RecordingStatus.TRANSCRIBING and r.progress > 0)
    (pool_process,) = worker.pool_processes()
    os.kill(pool_process, signal.SIGKILL)
    killed_at = timezone.now()

    recording = wait_for(uploaded["id"], finished, timeout=100)  # well inside the 120 s stale sweep
    visit.refresh_from_db()
    assert (recording.status, recording.attempts) == (RecordingStatus.READY, 2)
    handed_back_in = (recording.finished_at - killed_at).total_seconds()
    assert handed_back_in <= recording.processing_seconds + 15, (handed_back_in, recording.processing_seconds)
    assert drafted_words(visit) == sorted_words(recording.transcript)
    assert visit.history.filter(history_change_reason="Draft from voice note").count() == 1
    proof.fault_survived(
        scenario="Celery pool process killed mid-transcription",
        checks=f"ready {handed_back_in:.1f} s after the kill ({recording.processing_seconds:.1f} s its own transcription)",
    )


def test_the_same_recording_enqueued_twice_gives_one_transcript(celery_worker, county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, **EMPTY)
    client = APIClient()
    client.force_authenticate(county.worker)
    uploaded = upload_through_api(client, visit, clips["wav"])
    enqueue_transcription(uploaded["id"])  # a second message for the same recording
    enqueue_transcription(uploaded["id"])

    recording = wait_for(uploaded["id"], finished)
    wait_for(uploaded["id"], lambda r: "skipped" in celery_worker.log.read_text() or r.attempts > 1, timeout=60)
    recording.refresh_from_db()
    visit.refresh_from_db()
    assert (recording.status, recording.attempts) == (RecordingStatus.READY, 1)
    assert drafted_words(visit) == sorted_words(recording.transcript)


def test_a_bad_file_fails_without_reaching_the_worker_and_keeps_its_file(celery_worker, county, tmp_path):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    client = APIClient()
    client.force_authenticate(county.worker)
    broken = tmp_path / "broken.m4a"
    broken.write_bytes(b"not audio at all" * 100)
    body = upload_through_api(client, visit, broken)
    recording = Recording.objects.get(pk=body["id"])
    assert (body["status"], body["failure_reason"]) == ("failed", "This file is not audio we can read.")
    assert recording.has_audio and recording.attempts == 0
