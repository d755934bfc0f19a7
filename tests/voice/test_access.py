"""Who may upload, see, play and retry voice notes, through pages and the API."""

import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from casework.models import RecordView
from tests import factories
from voice import services
from voice.models import Recording, RecordingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    file = SimpleUploadedFile("note.wav", clips["wav"].read_bytes())
    recording, _ = services.recording_upload(visit=visit, actor=county.worker, client_id=uuid.uuid4(), file=file)
    return recording


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("outsider", ["other_worker", "other_manager", "admin"])
def test_outsiders_cannot_see_play_retry_or_add_voice_notes(county, recording, clips, outsider):
    client = api_as(getattr(county, outsider))
    assert client.get(f"/api/v1/recordings/{recording.pk}/").status_code == 404
    assert client.get(f"/api/v1/recordings/{recording.pk}/audio/").status_code == 404
    assert client.post(f"/api/v1/recordings/{recording.pk}/retry/").status_code == 404
    assert client.get("/api/v1/recordings/").json()["count"] == 0
    with clips["wav"].open("rb") as audio:
        upload = {"client_id": str(uuid.uuid4()), "audio": audio}
        assert client.post(f"/api/v1/visits/{recording.visit_id}/recordings/", upload, format="multipart").status_code == 404
    assert Recording.objects.count() == 1


def test_anonymous_gets_nothing(recording):
    client = api_as(None)
    assert client.get(f"/api/v1/recordings/{recording.pk}/").status_code in (401, 403)
    assert client.get(f"/api/v1/recordings/{recording.pk}/audio/").status_code in (401, 403)


def test_outsider_pages_are_not_found(client, county, recording):
    client.force_login(county.other_worker)
    assert client.get(reverse("voice:audio", args=[recording.pk])).status_code == 404
    assert client.post(reverse("voice:retry", args=[recording.pk])).status_code == 404
    assert client.post(reverse("voice:upload", args=[recording.visit_id])).status_code == 404


def test_teammate_may_listen_but_not_upload(county, recording, clips):
    client = api_as(county.teammate)
    response = client.get(f"/api/v1/recordings/{recording.pk}/audio/", HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{recording.size_bytes}"
    assert len(b"".join(response.streaming_content)) == 100
    assert response["Cache-Control"] == "private, no-store"
    with clips["wav"].open("rb") as audio:
        upload = {"client_id": str(uuid.uuid4()), "audio": audio}
        assert client.post(f"/api/v1/visits/{recording.visit_id}/recordings/", upload, format="multipart").status_code == 403


def test_listening_to_a_voice_note_is_logged(client, county, recording):
    client.force_login(county.worker)
    response = client.get(reverse("voice:audio", args=[recording.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == recording.audio.open("rb").read()
    assert RecordView.objects.filter(child=county.child, page=f"voice:{recording.pk}:audio").exists()


def test_audio_deleted_under_retention_says_so(client, county, recording):
    recording.audio.delete(save=False)
    Recording.objects.filter(pk=recording.pk).update(audio="")
    client.force_login(county.worker)
    assert client.get(reverse("voice:audio", args=[recording.pk])).status_code == 410


def test_upload_without_javascript_stores_the_note(client, county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    client.force_login(county.worker)
    with clips["wav"].open("rb") as audio:
        response = client.post(reverse("voice:upload", args=[visit.pk]), {"client_id": str(uuid.uuid4()), "audio": audio})
    assert response.url == reverse("casework:visit-edit", args=[visit.pk])
    assert Recording.objects.get(visit=visit).status == RecordingStatus.QUEUED


def test_the_visit_page_shows_the_voice_panel_and_each_notes_state(client, county, recording):
    services.recording_fail(recording_id=recording.pk, reason="The recording is silent: we could not hear anyone speaking.")
    client.force_login(county.worker)
    body = client.get(reverse("casework:visit-edit", args=[recording.visit_id])).content.decode()
    assert "Voice note" in body and 'data-action="record"' in body
    assert "The recording is silent" in body
    assert "Try again" in body


def test_the_api_upload_is_idempotent(county, clips):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    client = api_as(county.worker)
    client_id = str(uuid.uuid4())
    answers = []
    for _ in range(2):
        with clips["wav"].open("rb") as audio:
            answers.append(client.post(f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": client_id, "audio": audio}))
    assert [answer.status_code for answer in answers] == [201, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Recording.objects.count() == 1


def test_an_upload_without_a_file_is_a_clear_400(county):
    visit = factories.DraftVisitFactory(child=county.child, author=county.worker)
    response = api_as(county.worker).post(f"/api/v1/visits/{visit.pk}/recordings/", {"client_id": "not-a-uuid"})
    assert response.status_code == 400
    assert set(response.json()) == {"client_id", "audio"}


def test_signing_through_the_api_needs_the_review_first(county, recording):
    services.recording_transcribe(recording_id=recording.pk)
    client = api_as(county.worker)
    refused = client.post(f"/api/v1/visits/{recording.visit_id}/sign/")
    assert refused.status_code == 400 and "reviewed" in refused.json()
    assert client.post(f"/api/v1/visits/{recording.visit_id}/review/").json()["awaits_review"] is False
    assert client.post(f"/api/v1/visits/{recording.visit_id}/sign/").json()["status"] == "signed"


def test_service_worker_and_manifest_are_served_from_the_root(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/"
    script = worker.content.decode()
    assert "/static/voice/recorder.mjs" in script
    assert "async function sendWaiting(" in script and "\nexport " not in script  # the outbox, as plain script
    assert client.get("/manifest.webmanifest").json()["start_url"] == "/"


def test_the_service_workers_cache_is_named_after_the_files_it_holds(client, settings, tmp_path):
    """A new version of any file it keeps makes a new cache, so activating the new worker drops the old one."""
    before = re.search(r'const CACHE = "(hearth-offline-[0-9a-f]{16})"', client.get("/sw.js").content.decode())
    changed = tmp_path / "hearth"
    changed.mkdir()
    (changed / "init.mjs").write_text("// a new version of the page's script\n")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    finders.get_finder.cache_clear()
    try:
        after = re.search(r'const CACHE = "(hearth-offline-[0-9a-f]{16})"', client.get("/sw.js").content.decode())
    finally:
        finders.get_finder.cache_clear()
    assert before and after and before[1] != after[1]


def test_only_people_who_may_record_can_move_sentences_of_a_voice_draft(client, county):
    from casework import services as casework_services

    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, child_said="", observations="")
    casework_services.visit_add_voice_draft(visit=visit, sections={"observations": "Ava said hello. I saw her room."})
    form = {"text-0": "Ava said hello.", "from-0": "observations", "to-0": "child_said"}
    client.force_login(county.other_worker)
    assert client.post(f"/voice/visits/{visit.pk}/voice-sections/", form).status_code == 404
    client.force_login(county.worker)
    response = client.post(f"/voice/visits/{visit.pk}/voice-sections/", form)
    assert response.status_code == 302 and response["Location"].endswith(f"/visits/{visit.pk}/edit/#voice-sections")
    visit.refresh_from_db()
    assert (visit.child_said, visit.observations) == ("Ava said hello.", "I saw her room.")


def test_the_draft_page_lists_each_sentence_with_its_section_to_move_without_javascript(client, county):
    from casework import services as casework_services

    visit = factories.DraftVisitFactory(child=county.child, author=county.worker, child_said="", observations="")
    casework_services.visit_add_voice_draft(visit=visit, sections={"observations": "Ava said hello. I saw her room."})
    client.force_login(county.worker)
    page = client.get(f"/visits/{visit.pk}/edit/").content.decode()
    assert page.count("data-sentence") == 2 and 'name="to-0"' in page and "Move sentences" in page
