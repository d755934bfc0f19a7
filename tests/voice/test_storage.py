"""Where audio is kept: files on disk on a laptop, a private S3 bucket (a real S3-compatible HTTP server) on a
council's machines. Either way it reaches a browser only through the view that checks access and logs the
listen, never through a URL to the store; a store that cannot take a file loses nothing and saves nothing."""

import datetime
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import RecordView, Visit
from tests import factories
from tests.audio_storage import free_port
from voice import services
from voice.models import Recording, RecordingStatus
from voice.storage import UNAVAILABLE, PrivateS3Storage, StorageUnavailable
from voice.views import AUDIO_UNAVAILABLE

pytestmark = pytest.mark.django_db

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


@pytest.fixture
def visit(county):
    return factories.DraftVisitFactory(child=county.child, author=county.worker, observations="")


def upload(visit, actor, path: Path, *, name: str = "note.m4a", client_id=None):
    file = SimpleUploadedFile(name, path.read_bytes(), content_type="audio/mp4")
    return services.recording_upload(visit=visit, actor=actor, client_id=client_id or uuid.uuid4(), file=file)


def api_upload(client: APIClient, visit, path: Path, client_id: uuid.UUID):
    with path.open("rb") as audio:
        return client.post(
            f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": str(client_id), "audio": audio}, format="multipart"
        )


def test_on_a_laptop_audio_is_a_private_file_on_disk(audio_on_disk, visit, county, clips):
    recording, created = upload(visit, county.worker, clips["wav"], name="../../etc/passwd.m4a")
    recording.refresh_from_db()
    assert created and recording.status == RecordingStatus.QUEUED
    assert recording.format == "wav"  # from the content, not the .m4a name
    assert Path(recording.audio.path).is_relative_to(audio_on_disk)
    assert "passwd" not in recording.audio.name
    assert Path(recording.audio.path).read_bytes() == clips["wav"].read_bytes()
    with pytest.raises(NotImplementedError):
        recording.audio.url  # noqa: B018 - there is no public URL to guess


def test_in_a_bucket_audio_is_a_private_encrypted_object_with_no_url(audio_in_bucket, visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.QUEUED and recording.format == "wav"  # checked from the bucket's copy
    s3 = audio_in_bucket.client()
    stored = s3.get_object(Bucket=audio_in_bucket.bucket, Key=recording.audio.name)
    assert stored["Body"].read() == clips["wav"].read_bytes()
    assert stored["ServerSideEncryption"] == "AES256"  # the store was asked to encrypt it at rest
    grants = s3.get_object_acl(Bucket=audio_in_bucket.bucket, Key=recording.audio.name)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]
    with pytest.raises(NotImplementedError):
        recording.audio.url  # noqa: B018 - no signed URL is ever made for a browser


def test_audio_in_a_bucket_streams_through_the_view_that_checks_access_and_logs_the_listen(
    audio_in_bucket, client, visit, county, clips
):
    recording, _ = upload(visit, county.worker, clips["wav"])
    client.force_login(county.other_worker)
    assert client.get(reverse("voice:audio", args=[recording.pk])).status_code == 404
    client.force_login(county.worker)
    response = client.get(reverse("voice:audio", args=[recording.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == clips["wav"].read_bytes()
    assert not any(name.lower().startswith(("location", "x-amz", "x-accel")) for name in response.headers)
    part = client.get(reverse("voice:audio", args=[recording.pk]), HTTP_RANGE="bytes=0-99")
    assert (part.status_code, b"".join(part.streaming_content)) == (206, clips["wav"].read_bytes()[:100])
    rest = client.get(reverse("voice:audio", args=[recording.pk]), HTTP_RANGE="bytes=100-")
    assert b"".join(rest.streaming_content) == clips["wav"].read_bytes()[100:]
    assert rest["Content-Length"] == str(len(clips["wav"].read_bytes()) - 100)
    last = client.get(reverse("voice:audio", args=[recording.pk]), HTTP_RANGE="bytes=-10")
    assert b"".join(last.streaming_content) == clips["wav"].read_bytes()[-10:]
    assert RecordView.objects.filter(child=county.child, page=f"voice:{recording.pk}:audio").count() == 4


def test_retention_deletes_audio_from_the_bucket_but_keeps_the_record(audio_in_bucket, county, clips, settings):
    settings.HEARTH_VOICE_KEEP_AUDIO_DAYS = 30
    old = factories.DraftVisitFactory(child=county.child, author=county.worker)
    recording, _ = upload(old, county.worker, clips["wav"])
    key = recording.audio.name
    Visit.objects.filter(pk=old.pk).update(signed_at=timezone.now() - datetime.timedelta(days=31))
    assert key in audio_in_bucket.keys(prefix=key)
    assert services.recordings_apply_retention() == 1
    recording.refresh_from_db()
    assert audio_in_bucket.keys(prefix=key) == []
    assert (recording.has_audio, recording.audio_deleted_at is not None) == (False, True)


def test_retention_deletes_the_file_on_disk(audio_on_disk, county, clips, settings):
    settings.HEARTH_VOICE_KEEP_AUDIO_DAYS = 30
    old = factories.DraftVisitFactory(child=county.child, author=county.worker)
    recording, _ = upload(old, county.worker, clips["wav"])
    path = Path(recording.audio.path)
    Visit.objects.filter(pk=old.pk).update(signed_at=timezone.now() - datetime.timedelta(days=31))
    assert services.recordings_apply_retention() == 1
    assert not path.exists()


@pytest.fixture
def unreachable_bucket(audio_in_bucket, settings):
    """The bucket's address with nothing listening: as if the store or the network to it were down."""
    dead = {**settings.STORAGES["private"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"], "OPTIONS": dead}}
    return audio_in_bucket


def test_an_unreachable_bucket_fails_the_upload_clearly_and_saves_nothing_then_a_resend_succeeds(
    unreachable_bucket, settings, visit, county, clips
):
    reachable = settings.STORAGES["private"]["OPTIONS"] | {"endpoint_url": unreachable_bucket.endpoint}
    client = APIClient()
    client.force_authenticate(county.worker)
    client_id = uuid.uuid4()
    response = api_upload(client, visit, clips["wav"], client_id)
    assert response.status_code == 503, response.content  # the phone keeps the note and sends it again
    assert response.json() == {"detail": UNAVAILABLE} and response["Retry-After"] == "60"
    assert not Recording.objects.exists()
    assert unreachable_bucket.keys(prefix=f"voice/{visit.pk}/{client_id}") == []

    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"], "OPTIONS": reachable}}
    response = api_upload(client, visit, clips["wav"], client_id)
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(client_id=client_id)
    assert recording.status == RecordingStatus.QUEUED
    assert unreachable_bucket.keys(prefix=f"voice/{visit.pk}/{client_id}") == [recording.audio.name]


def test_the_upload_page_says_clearly_when_the_bucket_cannot_be_reached(unreachable_bucket, client, visit, county, clips):
    client.force_login(county.worker)
    with clips["wav"].open("rb") as audio:
        response = client.post(
            reverse("voice:upload", args=[visit.pk]), {"client_id": str(uuid.uuid4()), "audio": audio}, follow=True
        )
    assert UNAVAILABLE in response.content.decode().replace("&#x27;", "'")
    assert not Recording.objects.exists()


def test_a_full_disk_is_the_same_clear_failure(audio_on_disk, visit, county, clips):
    audio_on_disk.parent.mkdir(parents=True, exist_ok=True)
    audio_on_disk.write_text("a file where the folder should be")  # the folder cannot be made: an OSError
    with pytest.raises(StorageUnavailable):
        upload(visit, county.worker, clips["wav"])
    assert not Recording.objects.exists()


@pytest.mark.parametrize(
    ("how", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")], ids=["nginx", "apache"]
)
def test_the_web_server_sends_audio_on_disk_only_after_the_view_checks_and_logs(
    audio_on_disk, settings, client, visit, county, clips, how, header
):
    settings.HEARTH_AUDIO_ACCEL = how
    recording, _ = upload(visit, county.worker, clips["wav"])
    client.force_login(county.other_worker)
    refused = client.get(reverse("voice:audio", args=[recording.pk]))
    assert refused.status_code == 404 and header not in refused.headers
    client.force_login(county.worker)
    response = client.get(reverse("voice:audio", args=[recording.pk]))
    assert response.status_code == 200 and response.content == b""  # the web server fills it in
    expected = recording.audio.path if how == "x-sendfile" else f"/private-audio/{recording.audio.name}"
    assert response[header] == expected
    assert response["Cache-Control"] == "private, no-store" and response["Content-Type"] == "audio/wav"
    assert RecordView.objects.filter(child=county.child, page=f"voice:{recording.pk}:audio").exists()


def test_audio_in_a_bucket_is_streamed_by_the_view_even_with_accelerated_send_on(
    audio_in_bucket, settings, client, visit, county, clips
):
    settings.HEARTH_AUDIO_ACCEL = "x-accel-redirect"
    recording, _ = upload(visit, county.worker, clips["wav"])
    client.force_login(county.worker)
    response = client.get(reverse("voice:audio", args=[recording.pk]))
    assert "X-Accel-Redirect" not in response.headers
    assert b"".join(response.streaming_content) == clips["wav"].read_bytes()


def test_audio_stored_but_not_readable_back_just_now_is_queued_not_left_behind(
    audio_in_bucket, visit, county, clips, monkeypatch
):
    def bucket_blinks(self, name, start, end):
        raise EndpointConnectionError(endpoint_url=audio_in_bucket.endpoint)

    monkeypatch.setattr(PrivateS3Storage, "byte_range", bucket_blinks)
    recording, _ = upload(visit, county.worker, clips["wav"])
    recording.refresh_from_db()
    assert (recording.status, recording.format) == (RecordingStatus.QUEUED, "")  # the worker checks it as it decodes
    monkeypatch.undo()
    services.recording_transcribe(recording_id=recording.pk)
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.READY, recording.failure_reason


def test_listening_while_the_bucket_cannot_be_reached_is_a_clear_503(audio_in_bucket, settings, client, visit, county, clips):
    recording, _ = upload(visit, county.worker, clips["wav"])
    dead = {**settings.STORAGES["private"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"], "OPTIONS": dead}}
    client.force_login(county.worker)
    response = client.get(reverse("voice:audio", args=[recording.pk]))
    assert (response.status_code, response["Retry-After"]) == (503, "60")
    assert response.content.decode() == AUDIO_UNAVAILABLE
