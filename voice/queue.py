"""Sending a recording to a Celery worker. The services queue recordings and the tasks call the services, so the
task is looked up by its name in Celery's registry (voice.tasks registers it when the app is ready) rather than
imported: no import runs from the services back to the tasks."""

import logging

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerUnavailable

from voice.models import Recording

logger = logging.getLogger(__name__)

TRANSCRIBE = "voice.tasks.transcribe_recording"


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
        current_app.tasks[TRANSCRIBE].apply_async(
            args=(recording_id,), soft_time_limit=soft, time_limit=hard, retry_policy=PUBLISH_RETRY
        )
    except BrokerUnavailable:
        logger.warning("The broker is unreachable: recording %s stays queued for the sweep", recording_id)
        return False
    return True
