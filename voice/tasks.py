"""Celery tasks for voice notes. Each takes ids and calls a service; the services make them idempotent."""

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailable

from voice import services, transcriber
from voice.models import Recording

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the file store blinked. Bad audio is never retried.
TRANSIENT = (OperationalError, InterfaceError, OSError)


def time_limits(audio_seconds: float | None) -> tuple[int, int]:
    """(soft, hard) seconds for one transcription, scaled to the recording's length.

    Generous against the expected real-time factor (about 0.05 on two CPU cores), so only a
    stuck task hits them; when the length is unknown, assume the longest recording allowed."""
    seconds = audio_seconds or settings.HEARTH_VOICE_MAX_SECONDS
    soft = int(120 + seconds * 1.0)
    return soft, soft + 60


# Publishing gives up quickly when the broker is down: the person uploading is waiting for the page.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue_transcription(recording_id: int) -> bool:
    """Send the recording to a worker. Returns False, without raising, when the broker cannot be reached.

    The recording is already stored and marked queued in the database, so nothing is lost: the sweep
    (requeue_stale_recordings, from beat every minute and at every worker's start) sends it again once
    the broker is back, and the claim makes sure it is transcribed once however many messages arrive."""
    audio_seconds = Recording.objects.filter(pk=recording_id).values_list("audio_seconds", flat=True).first()
    soft, hard = time_limits(audio_seconds)
    try:
        transcribe_recording.apply_async(args=[recording_id], soft_time_limit=soft, time_limit=hard, retry_policy=PUBLISH_RETRY)
    except BrokerUnavailable:
        logger.warning("The broker is unreachable: recording %s stays queued for the sweep", recording_id)
        return False
    return True


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def transcribe_recording(self, recording_id: int) -> str:  # noqa: ANN001 - Celery's bound task
    try:
        recording = services.recording_transcribe(recording_id=recording_id)
    except Exception as error:
        if isinstance(error, TRANSIENT) and self.request.retries < self.max_retries:
            raise
        if not isinstance(error, TRANSIENT):
            logger.exception("Transcribing recording %s failed", recording_id)
        services.recording_fail(recording_id=recording_id, reason="Transcription failed. Try again, or type the record.")
        raise
    return recording.status if recording else "skipped"


@shared_task(acks_late=True)
def requeue_stale_recordings() -> int:
    return services.recordings_requeue_stale()


@shared_task(acks_late=True)
def apply_audio_retention() -> int:
    return services.recordings_apply_retention()


@worker_process_init.connect
def _load_model_after_fork(**kwargs: object) -> None:
    """Each worker process loads Whisper once, after the fork, before it takes a task."""
    if settings.HEARTH_WHISPER_PRELOAD:
        transcriber.load_model()


@worker_ready.connect
def _pick_up_what_was_left(**kwargs: object) -> None:
    """A restarted worker picks up recordings whose worker died or whose message was lost."""
    try:
        services.recordings_requeue_stale()
    except Exception:
        logger.exception("Could not requeue stale recordings at start-up")
