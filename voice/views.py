"""Pages for voice notes: the panel on a visit's page, uploading without JavaScript, playing audio
back to people who may see the visit, retrying a failure, and the files that make Hearth work offline."""

import hashlib
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.http import SignedInRequest
from casework.models import User, Visit
from voice import selectors, services
from voice.models import Recording

R = TypeVar("R", bound=HttpResponseBase)
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UploadForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    audio = forms.FileField(label="Upload a voice note", help_text="An audio file from your phone: m4a, mp3, wav, ogg or webm.")


def visit_voice_panel(request: SignedInRequest, visit: Visit | None, child_id: int) -> str:
    """The voice-note panel on the record-a-visit and draft pages (registered with casework.panels)."""
    if visit is not None and visit.is_signed:
        return ""
    recordings = selectors.recordings_visible_to(user=request.user).filter(visit=visit) if visit else Recording.objects.none()
    context = {
        "visit": visit,
        "child_id": child_id,
        "recordings": recordings,
        "upload_form": UploadForm(initial={"client_id": uuid.uuid4()}),
    }
    return render_to_string("voice/panel.html", context, request=request)


@login_required
@require_POST
def upload(request: SignedInRequest, visit_id: int) -> HttpResponse:
    """Upload without JavaScript. With JavaScript the page keeps the file on the phone and uses the API."""
    visit = casework_selectors.visit_get(user=request.user, visit_id=visit_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose an audio file to upload.")
        return redirect("casework:visit-edit", visit_id=visit.pk)
    try:
        services.recording_upload(
            visit=visit, actor=request.user, client_id=form.cleaned_data["client_id"], file=form.cleaned_data["audio"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Voice note saved. The draft appears here when it has been transcribed.")
    return redirect("casework:visit-edit", visit_id=visit.pk)


@login_required
@require_GET
def audio(request: SignedInRequest, recording_id: int) -> HttpResponseBase:
    return stream_audio(request, user=request.user, recording_id=recording_id)


def stream_audio(request: HttpRequest, *, user: User, recording_id: int) -> HttpResponseBase:
    """Stream the audio to someone who may see the visit, with byte ranges so a segment can be played."""
    recording = selectors.recording_get(user=user, recording_id=recording_id)
    if not recording.has_audio:
        return HttpResponse("The audio for this recording has been deleted under the retention rules.", status=410)
    casework_services.record_view_log(user=user, child=recording.visit.child, page=f"voice:{recording.pk}:audio")
    return _ranged_file(request, recording)


def _ranged_file(request: HttpRequest, recording: Recording) -> HttpResponseBase:
    size = recording.audio.size
    match = RANGE.match(request.headers.get("Range", ""))
    handle = recording.audio.open("rb")
    if not match or not (match[1] or match[2]):
        whole = FileResponse(handle, content_type=_content_type(recording))
        whole["Accept-Ranges"] = "bytes"
        return _private(whole)
    start, end = _byte_range(match, size)
    if start >= size or start > end:
        handle.close()
        return _private(HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"}))
    handle.seek(start)
    body = handle.read(end - start + 1)
    handle.close()
    response = HttpResponse(body, status=206, content_type=_content_type(recording))
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _private(response)


def _byte_range(match: re.Match[str], size: int) -> tuple[int, int]:
    if not match[1]:  # "bytes=-500": the last 500 bytes
        return max(size - int(match[2]), 0), size - 1
    return int(match[1]), min(int(match[2]) if match[2] else size - 1, size - 1)


def _content_type(recording: Recording) -> str:
    known = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "matroska,webm": "audio/webm"}
    if recording.format.startswith("mov,mp4"):
        return "audio/mp4"
    return known.get(recording.format, "application/octet-stream")


def _private(response: R) -> R:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def retry(request: SignedInRequest, recording_id: int) -> HttpResponse:
    recording = selectors.recording_get(user=request.user, recording_id=recording_id)
    try:
        services.recording_retry(recording=recording, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Trying the voice note again.")
    return redirect("casework:visit-edit", visit_id=recording.visit_id)


# Offline support: the service worker must be served from the root to control every page.


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    assets = [static(name) for name in OFFLINE_ASSETS]
    script = (
        _static_text("voice/sw.js")
        .replace("/* __OUTBOX__ */", _outbox_for_worker())
        .replace("__ASSETS__", ", ".join(f'"{url}"' for url in assets))
    )
    # The cache is named after everything it will hold: a change to any file is a new cache, and the old one goes.
    script = script.replace("__CACHE__", f"hearth-offline-{_fingerprint(script, OFFLINE_ASSETS)}")
    response = HttpResponse(script, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


OFFLINE_ASSETS = (
    "hearth/hearth.css",
    "hearth/init.mjs",
    "voice/outbox.mjs",
    "voice/outbox-page.mjs",
    "voice/recorder.mjs",
    "govuk/govuk-frontend.min.js",
    "hearth/favicon.svg",
)
EXPORTS = re.compile(r"^export \{[^}]*\};?$", re.MULTILINE)


def _outbox_for_worker() -> str:
    """outbox.mjs as plain script: not every browser runs a service worker that is a module, and one copy of
    the outbox's code serves the pages and the worker."""
    return EXPORTS.sub("", _static_text("voice/outbox.mjs"))


def _static_text(name: str) -> str:
    return _static_path(name).read_text(encoding="utf-8")


def _static_path(name: str) -> Path:
    path = finders.find(name)
    if not isinstance(path, str):
        raise FileNotFoundError(f"{name} is not among the static files")
    return Path(path)


def _fingerprint(script: str, names: Iterable[str]) -> str:
    digest = hashlib.sha256(script.encode())
    for name in names:
        digest.update(_static_path(name).read_bytes())
    return digest.hexdigest()[:16]


@never_cache
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "Hearth",
            "short_name": "Hearth",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b0c0c",
            "icons": [{"src": static("hearth/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )
