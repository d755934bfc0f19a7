"""Hearth on more than one machine: web processes and Celery workers that share nothing but the broker, the
database and the audio bucket, started as production starts them (Procfile, README's "Production").

Each worker here runs production settings with its own empty media folder, so a voice note it transcribes can
only have come from the bucket, over HTTP, from moto's S3 server."""

import datetime
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import RecordView, Visit
from casework.tokens import token_issue
from config.celery import app as celery_app
from tests import factories
from tests.audio_storage import S3Server, free_port
from tests.celery_worker import Worker, finished, wait_for
from tests.voice.test_services import drafted_words, sorted_words
from voice import speech_samples as speech
from voice.models import Recording, RecordingStatus
from voice.storage import UNAVAILABLE

pytestmark = pytest.mark.pipeline

ROOT = Path(__file__).resolve().parents[1]


def production_env(*, bucket: S3Server, media: Path, **extra: str) -> dict[str, str]:
    """A machine's environment as README's production section lists it, pointed at this run's test services."""
    db = settings.DATABASES["default"]
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "HEARTH_"))}
    return inherited | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # the commands as the Procfile has them
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "HEARTH_AUDIO_BUCKET": bucket.bucket,
        "HEARTH_AUDIO_BUCKET_ENDPOINT_URL": bucket.endpoint,
        "HEARTH_MEDIA_ROOT": str(media),  # empty, and never written: audio is in the bucket
        "HF_HUB_OFFLINE": "1",
        **extra,
    }


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def empty_broker() -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # nothing left over from another test


def api_upload(client: APIClient, visit: Visit, path: Path, client_id: uuid.UUID):
    with path.open("rb") as audio:
        return client.post(
            f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": str(client_id), "audio": audio}, format="multipart"
        )


def test_a_worker_sharing_only_broker_database_and_bucket_transcribes_and_applies_retention(
    transactional_db, empty_broker, audio_in_bucket, settings, county, clips, tmp_path
):
    worker_media = tmp_path / "worker-media"
    worker_media.mkdir()
    env = production_env(bucket=audio_in_bucket, media=worker_media, HEARTH_VOICE_KEEP_AUDIO_DAYS="0")
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
        client = APIClient()
        client.force_authenticate(county.worker)
        client_id = uuid.uuid4()

        # The bucket does not answer: the upload fails clearly and nothing is half-saved.
        reachable = settings.STORAGES["private"]
        dead = {**reachable["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
        settings.STORAGES = {**settings.STORAGES, "private": {**reachable, "OPTIONS": dead}}
        refused = api_upload(client, visit, clips["wav"], client_id)
        assert (refused.status_code, refused.json()) == (503, {"detail": UNAVAILABLE})
        assert not Recording.objects.exists()
        assert audio_in_bucket.keys(prefix=f"voice/{visit.pk}/{client_id}") == []

        # It answers again: the phone's resend (same client_id) is stored, and the other machine transcribes it.
        settings.STORAGES = {**settings.STORAGES, "private": reachable}
        sent = api_upload(client, visit, clips["wav"], client_id)
        assert sent.status_code == 201, sent.content
        recording = wait_for(sent.json()["id"], finished)
        assert recording.status == RecordingStatus.READY, recording.failure_reason
        assert speech.word_error_rate(speech.SCRIPT, recording.transcript) <= 0.25, recording.transcript
        visit.refresh_from_db()
        assert drafted_words(visit) == sorted_words(recording.transcript)
        key = recording.audio.name
        assert audio_in_bucket.keys(prefix=key) == [key]
        assert files_in(worker_media) == []  # it read the audio from the bucket, not a disk it shares
        assert list(Path(settings.PRIVATE_MEDIA_ROOT).rglob(str(client_id))) == []  # nor did the web process

        # Signed, and past the retention period (0 days on that machine): its sweep deletes the object.
        Visit.objects.filter(pk=visit.pk).update(signed_at=timezone.now() - datetime.timedelta(minutes=1))
        celery_app.send_task("voice.tasks.apply_audio_retention")
        recording = wait_for(recording.pk, lambda r: r.audio_deleted_at is not None, timeout=60)
        assert audio_in_bucket.keys(prefix=key) == []
        assert not recording.has_audio and recording.transcript  # the record stays
    finally:
        worker.stop()


def test_the_documented_processes_serve_hearth_and_transcribe_a_voice_note(
    transactional_db, empty_broker, audio_in_bucket, county, clips, tmp_path
):
    """README's production section, followed: the release step, then gunicorn and a worker from the Procfile."""
    commands = procfile()
    assert set(commands) == {"release", "web", "worker", "beat"}
    port = free_port()
    web_env = production_env(
        bucket=audio_in_bucket,
        media=tmp_path / "web-media",
        PORT=str(port),
        HEARTH_WEB_HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        HEARTH_STATIC_ROOT=str(tmp_path / "static"),
    )
    release = subprocess.run(  # noqa: S603 - the Procfile's own command
        ["bash", "-c", commands["release"]],  # noqa: S607
        cwd=ROOT,
        env=web_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert release.returncode == 0, release.stdout[-2000:] + release.stderr[-2000:]
    worker_env = production_env(bucket=audio_in_bucket, media=tmp_path / "worker-media", HEARTH_WORKER_PROCESSES="1")
    web = Worker(web_env, tmp_path / "web.log", ["bash", "-c", f"exec {commands['web']}"], ready="Booting worker")
    worker = Worker(worker_env, tmp_path / "worker.log", ["bash", "-c", f"exec {commands['worker']}"])
    try:
        web.start()
        worker.start()
        base = f"http://127.0.0.1:{port}"
        behind_https = {"X-Forwarded-Proto": "https"}  # as the load balancer that ends HTTPS says
        ready = _until_up(f"{base}/ready/", behind_https)
        assert (ready.status_code, ready.json()) == (200, {"default": "ok", "broker": "ok", "audio storage": "ok"})

        hashed = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]["hearth/hearth.css"]
        css = requests.get(f"{base}/static/{hashed}", headers=behind_https, timeout=10)
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in css.headers["Cache-Control"]  # WhiteNoise: named by content, kept for ever

        visit = factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")
        _, token = token_issue(user=county.worker)
        signed_in = behind_https | {"Authorization": f"Token {token}"}
        with clips["wav"].open("rb") as audio:
            sent = requests.post(
                f"{base}/api/v1/visits/{visit.pk}/recordings/",
                headers=signed_in,
                data={"client_id": str(uuid.uuid4())},
                files={"audio": ("note.wav", audio, "audio/wav")},
                timeout=60,
            )
        assert sent.status_code == 201, sent.text
        recording = wait_for(sent.json()["id"], finished)
        assert recording.status == RecordingStatus.READY, recording.failure_reason

        played = requests.get(f"{base}/api/v1/recordings/{recording.pk}/audio/", headers=signed_in, timeout=30)
        assert played.status_code == 200 and played.content == clips["wav"].read_bytes()
        assert RecordView.objects.filter(child=county.child, page=f"voice:{recording.pk}:audio").exists()
        assert files_in(tmp_path / "web-media") == files_in(tmp_path / "worker-media") == []
    finally:
        worker.stop()
        web.stop()


def _until_up(url: str, headers: dict[str, str], timeout: float = 60) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, headers=headers, timeout=10)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
