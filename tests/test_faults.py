"""Faults while people use Hearth, against the real services: Redis and PostgreSQL restarted under it.

Each scenario asserts that nothing is lost and nothing is doubled. A Celery worker killed mid-transcription
is test_a_worker_killed_mid_transcription_finishes_the_recording_once_after_restart in tests/voice/test_pipeline.py
(also marked `faults`). These tests stop the shared test services for a few seconds at a time."""

import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories, proof
from tests.celery_worker import STALE_SECONDS, finished, wait_for
from tests.outages import Server, postgres_stopped, redis_stopped, require_own_services
from tests.voice.test_services import drafted_words, sorted_words
from voice.models import Recording, RecordingStatus
from voice.tasks import requeue_stale_recordings

pytestmark = [pytest.mark.faults, pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def own_services() -> None:
    require_own_services()


def drafts_from_voice(visit) -> int:
    return visit.history.filter(history_change_reason="Draft from voice note").count()


def test_a_voice_note_uploaded_while_redis_is_down_is_kept_and_transcribed_once_it_is_back(celery_worker, county, clips, caplog):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
    page = Client()
    page.force_login(county.worker)
    client_id = uuid.uuid4()

    with redis_stopped():
        with clips["wav"].open("rb") as audio:
            response = page.post(reverse("voice:upload", args=[visit.pk]), {"client_id": client_id, "audio": audio})
        assert response.status_code == 302  # the page answered, with no 500
        assert "The broker is unreachable" in caplog.text  # the enqueue really failed, and was survived
        assert "Voice note saved." in page.get(response.url).content.decode()
        recording = Recording.objects.get(client_id=client_id)
        assert recording.status == RecordingStatus.QUEUED and recording.has_audio  # stored, waiting
        # The cache is down too: pages and signing in do not need it; only the health check says so.
        assert page.get(reverse("casework:caseload")).status_code == 200
        signing_in = {"username": county.manager.username, "password": factories.PASSWORD}
        assert Client().post(reverse("login"), signing_in).status_code == 302
        health = page.get(reverse("casework:health"))
        assert (health.status_code, health.json()) == (503, {"database": "ok", "cache": "unavailable"})

    time.sleep(STALE_SECONDS + 0.5)  # the message never reached Redis: after this the sweep counts it as forgotten
    requeue_stale_recordings.delay()  # what beat sends every minute
    requeue_stale_recordings.delay()  # and a second sweep racing it must not transcribe twice
    recording = wait_for(recording.pk, finished)
    visit.refresh_from_db()
    assert (recording.status, recording.attempts) == (RecordingStatus.READY, 1)
    assert Recording.objects.filter(visit=visit).count() == 1
    assert drafted_words(visit) == sorted_words(recording.transcript) and drafts_from_voice(visit) == 1
    proof.fault_survived(
        scenario="Redis restarted during an upload",
        checks="page answered; recording stored and queued; cache down harmless; transcribed once after",
    )


def test_a_request_while_postgresql_is_down_gets_a_clear_503_and_hearth_recovers_without_a_restart(county, tmp_path):
    browser = Client()
    browser.force_login(county.worker)
    session = browser.cookies["sessionid"].value
    server = Server(tmp_path / "server.log")
    try:
        assert server.get("/", session)[0] == 200  # a connection is now open and kept (CONN_MAX_AGE)
        with postgres_stopped():
            status, content_type, body = server.get("/", session)
            assert (status, content_type) == (503, "text/html; charset=utf-8")
            assert "Hearth cannot reach its records just now, so what you sent has not been saved." in body
            assert "Traceback" not in body
            status, content_type, body = server.get("/api/v1/children/", session)
            assert (status, content_type) == (503, "application/json")
            assert "cannot reach its records" in body
        assert server.get("/", session)[0] == 200  # the same process, reconnected
        assert server.get("/api/v1/children/", session)[0] == 200
        assert server.process.poll() is None
    finally:
        server.stop()
    proof.fault_survived(
        scenario="PostgreSQL restarted under the web server",
        checks="503 page and 503 JSON during the outage, no stack trace; same process answers 200 after",
    )


def test_a_worker_mid_transcription_survives_a_postgresql_restart_with_one_transcript(celery_worker, county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
    client = APIClient()
    client.force_authenticate(county.worker)
    with clips["long"].open("rb") as audio:
        uploaded = client.post(
            f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": str(uuid.uuid4()), "audio": audio}, format="multipart"
        ).json()
    wait_for(uploaded["id"], lambda r: r.status == RecordingStatus.TRANSCRIBING and r.progress > 0)

    with postgres_stopped():
        time.sleep(STALE_SECONDS + 0.5)  # the worker's progress writes fail: the task fails and is retried

    recording = wait_for(uploaded["id"], finished)
    visit.refresh_from_db()
    assert recording.status == RecordingStatus.READY
    assert recording.attempts == 2  # claimed, cut off, claimed again by the retry
    assert drafted_words(visit) == sorted_words(recording.transcript) and drafts_from_voice(visit) == 1
    assert "Retry in" in celery_worker.log.read_text()
    proof.fault_survived(
        scenario="PostgreSQL restarted mid-transcription",
        checks="the task retried and finished; one transcript, one draft",
    )
