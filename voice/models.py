"""A voice note recorded for a visit, and what the transcription pipeline made of it.

The file is stored before anything else happens, in private storage (never under a public URL).
Status moves uploaded -> queued -> transcribing -> ready, or to failed with a reason a person
understands; a failed recording keeps its file and can be retried."""

import uuid

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from simple_history.models import HistoricalRecords

from casework.models import Visit
from voice.storage import private_storage


def _private_storage() -> Storage:  # a callable, so migrations name it rather than a backend
    return private_storage  # type: ignore[return-value]  # a LazyObject standing for storages["private"]


def recording_path(recording: "Recording", filename: str) -> str:
    # The uploaded name is never trusted or kept in the path.
    return f"voice/{recording.visit_id}/{recording.client_id}"


class RecordingStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    QUEUED = "queued", "Waiting to be transcribed"
    TRANSCRIBING = "transcribing", "Transcribing"
    READY = "ready", "Draft ready"
    FAILED = "failed", "Failed"


class Recording(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="recordings")
    # Made by the phone, so that a resent upload (after lost signal) is the same recording.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    audio = models.FileField(storage=_private_storage, upload_to=recording_path, max_length=300, blank=True)
    audio_deleted_at = models.DateTimeField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=40, blank=True, help_text="Container found in the file's content.")

    status = models.CharField(max_length=12, choices=RecordingStatus.choices, default=RecordingStatus.UPLOADED)
    failure_reason = models.CharField(max_length=300, blank=True)
    progress = models.FloatField(default=0, help_text="0 to 1, from segment end times against the duration.")
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    transcript = models.TextField(blank=True)
    segments = models.JSONField(default=list, blank=True, help_text='[{"start": s, "end": s, "text": "..."}]')
    # Words put right against the child's record and the care words (voice.names): [{"heard": .., "written": ..}].
    corrections = models.JSONField(default=list, blank=True)
    applied_to_visit_at = models.DateTimeField(null=True, blank=True)

    # Figures for the recording-time measure.
    audio_seconds = models.FloatField(null=True, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    words = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["progress", "heartbeat_at"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"Voice note for {self.visit} ({self.get_status_display().lower()})"

    @property
    def real_time_factor(self) -> float | None:
        if not self.audio_seconds or self.processing_seconds is None:
            return None
        return self.processing_seconds / self.audio_seconds

    @property
    def has_audio(self) -> bool:
        return bool(self.audio) and self.audio_deleted_at is None

    @property
    def is_finished(self) -> bool:
        return self.status in (RecordingStatus.READY, RecordingStatus.FAILED)
