"""Pages for voice notes: the panel on a visit's page, uploading without JavaScript, playing audio
back to people who may see the visit, retrying a failure, and the files that make Hearth work offline."""

import hashlib
import logging
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.http import SignedInRequest
from casework.models import User, Visit
from voice import sections, selectors, services
from voice.models import Recording
from voice.storage import READ_ERRORS, ByteRanges, StorageUnavailable

R = TypeVar("R", bound=HttpResponseBase)
logger = logging.getLogger(__name__)
AUDIO_UNAVAILABLE = "Hearth cannot fetch this recording just now. Try again in a minute."
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UploadForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    audio = forms.FileField(label="Upload a voice note", help_text="An audio file from your phone: m4a, mp3, wav, ogg or webm.")


class MoveSentencesForm(forms.Form):
    """One row per sentence of the voice draft: the sentence, where it is now, and the section it belongs in.

    The sentence and its section travel with the form, so a move applies to the words the worker saw."""

    def __init__(self, *args: Any, rows: list[sections.Sentence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for i, row in enumerate(rows):
            # Not required: a row the page no longer had (the draft changed meanwhile) is simply not moved.
            hidden, choices = forms.HiddenInput, SECTION_CHOICES
            self.fields[f"text-{i}"] = forms.CharField(widget=hidden, initial=row.text, strip=False, required=False)
            self.fields[f"from-{i}"] = forms.ChoiceField(choices=choices, widget=hidden, initial=row.section, required=False)
            self.fields[f"to-{i}"] = forms.ChoiceField(choices=choices, initial=row.section, label="Section", required=False)

    def moves(self) -> list[tuple[str, str, str]]:
        """(sentence, from section, to section) for each row that names a different section."""
        data = self.cleaned_data
        rows = ((data[f"text-{i}"], data[f"from-{i}"], data[f"to-{i}"]) for i in range(len(self.rows)))
        return [row for row in rows if all(row) and row[1] != row[2]]

    def sentences(self) -> list[tuple[sections.Sentence, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"text-{i}"], self[f"from-{i}"], self[f"to-{i}"]) for i, row in enumerate(self.rows)]


SECTION_CHOICES = [(name, sections.LABELS[name]) for name in sections.SECTIONS]


def draft_sentences(visit: Visit) -> list[sections.Sentence]:
    """The sentences now in the record's sections of a voice-drafted visit, section by section."""
    if not visit.drafted_from_voice:
        return []
    return [sections.Sentence(name, text) for name in sections.SECTIONS for text in sections.sentences_of(getattr(visit, name))]


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
        "move_form": MoveSentencesForm(rows=draft_sentences(visit)) if visit else None,
    }
    return render_to_string("voice/panel.html", context, request=request)


@login_required
@require_POST
def move_sentences(request: SignedInRequest, visit_id: int) -> HttpResponse:
    """Put sentences of the voice draft in the section they belong in. Works without JavaScript."""
    visit = casework_selectors.visit_get(user=request.user, visit_id=visit_id)
    casework_services.require_recorder(actor=request.user, child=visit.child)  # before the form: a reader gets 403
    form = MoveSentencesForm(request.POST, rows=draft_sentences(visit))
    if not form.is_valid():
        messages.error(request, "Choose a section of the record for each sentence.")
        return redirect("casework:visit-edit", visit_id=visit.pk)
    moves = form.moves()
    try:
        casework_services.visit_move_sentences(visit=visit, actor=request.user, moves=moves)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{len(moves)} sentence{'s' if len(moves) != 1 else ''} moved." if moves else "Nothing moved.")
    return redirect(reverse("casework:visit-edit", args=[visit.pk]) + "#voice-sections")


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
    except StorageUnavailable as error:
        messages.error(request, str(error))
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
    try:
        return _ranged_file(request, recording)
    except READ_ERRORS:  # the bucket (or disk) did not answer: a clear answer, not a server error
        logger.warning("Could not read the audio of recording %s", recording.pk, exc_info=True)
        unavailable = HttpResponse(AUDIO_UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        unavailable["Retry-After"] = "60"
        return _private(unavailable)


def _ranged_file(request: HttpRequest, recording: Recording) -> HttpResponseBase:
    accelerated = _accelerated(recording)
    if accelerated is not None:
        return _private(accelerated)
    size = recording.audio.size
    match = RANGE.match(request.headers.get("Range", ""))
    if not match or not (match[1] or match[2]):
        return _private(_streamed(recording, 0, size - 1, status=200))
    start, end = _byte_range(match, size)
    if start >= size or start > end:
        return _private(HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"}))
    response = _streamed(recording, start, end, status=206)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _private(response)


def _streamed(recording: Recording, start: int, end: int, *, status: int) -> StreamingHttpResponse:
    """From disk or the bucket alike, a chunk at a time (a browser's first request is often all of it)."""
    storage = cast(ByteRanges, recording.audio.storage)
    chunks = storage.byte_range(recording.audio.name or "", start, end) if end >= start else iter(())
    response = StreamingHttpResponse(chunks, status=status, content_type=_content_type(recording))
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response


def _accelerated(recording: Recording) -> HttpResponse | None:
    """The web server sends the file (and answers byte ranges) when configured to and the file is on a disk it can
    read; the access check and the log have already happened. None: the view streams it (always from a bucket)."""
    if not settings.HEARTH_AUDIO_ACCEL:
        return None
    try:
        path = recording.audio.path
    except NotImplementedError:  # in a bucket: no path the web server could read
        return None
    response = HttpResponse(content_type=_content_type(recording))
    if settings.HEARTH_AUDIO_ACCEL == "x-sendfile":
        response["X-Sendfile"] = path
    else:
        response["X-Accel-Redirect"] = settings.HEARTH_AUDIO_ACCEL_PREFIX + quote(recording.audio.name or "")
    return response


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
