"""Celery tasks for voice notes. Each takes ids and calls a service; the services make them idempotent."""

import logging

from celery import Task, shared_task
from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError

from voice import services, transcriber
from voice.queue import TRANSCRIBE
from voice.storage import READ_ERRORS

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the file store (a disk or the bucket) blinked. Bad audio is never retried.
TRANSIENT: tuple[type[Exception], ...] = (OperationalError, InterfaceError, *READ_ERRORS)


@shared_task(
    name=TRANSCRIBE,
    bind=True,
    # Acknowledged only when done, and handed back at once if its pool process dies: the next process's claim
    # finds the dead one's lock gone (voice.services.recording_claim) and takes the note over.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def transcribe_recording(self: Task[[int], str], recording_id: int) -> str:
    try:
        recording = services.recording_transcribe(recording_id=recording_id)
    except Exception as error:
        if isinstance(error, TRANSIENT) and (self.max_retries is None or self.request.retries < self.max_retries):
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
