"""The voice-note pipeline's writes: store, check, queue, claim, transcribe, fail, retry, retain.

The rule that makes it safe to run twice: a recording is only transcribed by whoever *claims* it
with a conditional UPDATE that moves it to "transcribing" and must touch exactly one row. A live claim
also holds a PostgreSQL advisory lock on its worker's own connection: when the worker process dies, PostgreSQL
drops the connection and the lock with it, so the task's next delivery (Celery hands back the message of a
process that died) takes the recording over at once. A claim whose lock is still held but whose heartbeat has
stopped for HEARTH_VOICE_STALE_SECONDS (a machine lost with its connection half open) is taken over too."""

import datetime
import logging
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.models import User, Visit
from voice import audio, drafting, selectors
from voice.models import Recording, RecordingStatus
from voice.queue import enqueue_transcription
from voice.storage import READ_ERRORS, ByteRanges

logger = logging.getLogger(__name__)


# Upload --------------------------------------------------------------------------------------


def recording_upload(*, visit: Visit, actor: User, client_id: uuid.UUID, file: "UploadedFile[bytes]") -> tuple[Recording, bool]:
    """Store the file first, then check its content and queue it. Returns (recording, created).

    A resent upload with the same client_id (the phone lost signal before our answer) returns the
    recording already stored, so each voice note is stored and transcribed once. A store that cannot take
    the file (voice.storage.StorageUnavailable) leaves nothing behind: no row, no file, so a resend starts afresh."""
    if not casework_selectors.child_can_record(user=actor, child=visit.child):
        raise PermissionDenied("You can read this child's record but not add to it.")
    if visit.is_signed:
        raise ValidationError({"visit": "This visit is signed. Start a new visit for a new voice note."})
    existing = _existing_upload(client_id=client_id, visit=visit)
    if existing is not None:
        return existing, False
    try:
        recording = _store(visit=visit, actor=actor, client_id=client_id, file=file)
    except IntegrityError:
        # The same upload arrived twice at once; the other request stored it.
        existing = _existing_upload(client_id=client_id, visit=visit)
        if existing is None:
            raise
        return existing, False
    _check_and_queue(recording)
    return recording, True


def _existing_upload(*, client_id: uuid.UUID, visit: Visit) -> Recording | None:
    existing = Recording.objects.filter(client_id=client_id).first()
    if existing is not None and existing.visit_id != visit.pk:
        raise ValidationError({"client_id": "This voice note was already sent for a different visit."})
    return existing


def _store(*, visit: Visit, actor: User, client_id: uuid.UUID, file: "UploadedFile[bytes]") -> Recording:
    recording = Recording(visit=visit, client_id=client_id, uploaded_by=actor, size_bytes=file.size or 0)
    recording.audio.save(str(client_id), file, save=False)
    try:
        with transaction.atomic():
            recording._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it off the instance
            recording.save()
    except IntegrityError:
        recording.audio.delete(save=False)
        raise
    return recording


def _check_and_queue(recording: Recording) -> None:
    try:
        with _local_copy(recording) as path:
            info = audio.inspect(path, size_bytes=recording.size_bytes)
    except audio.AudioProblem as problem:
        recording_fail(recording_id=recording.pk, reason=str(problem))
        return
    except READ_ERRORS:
        # Stored, but the store could not give it back just now: queue it anyway, so it is never left stored and
        # unqueued; the worker decodes it with the same checks, and a failure there says why.
        logger.warning("Could not read recording %s back to check it; queued unchecked", recording.pk, exc_info=True)
        _queue(recording.pk)
        return
    Recording.objects.filter(pk=recording.pk).update(format=info.format, audio_seconds=info.seconds)
    _queue(recording.pk)


def _queue(recording_id: int) -> None:
    Recording.objects.filter(pk=recording_id).update(status=RecordingStatus.QUEUED, queued_at=timezone.now(), progress=0)
    transaction.on_commit(lambda: enqueue_transcription(recording_id))


@contextmanager
def _local_copy(recording: Recording) -> Iterator[Path]:
    """A local path to the audio: the file itself on disk storage, a temporary copy from object storage."""
    try:
        local = Path(recording.audio.path)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    storage, size = cast(ByteRanges, recording.audio.storage), recording.audio.size
    with tempfile.NamedTemporaryFile(suffix=".audio") as copy:
        for chunk in storage.byte_range(recording.audio.name or "", 0, size - 1) if size else ():
            copy.write(chunk)  # a chunk at a time: a long recording never sits in the worker's memory whole
        copy.flush()
        yield Path(copy.name)


# Transcription -------------------------------------------------------------------------------


def recording_claim(*, recording_id: int) -> Recording | None:
    """Take the recording for transcription, or return None if a live claimer has it or it is done.

    Whoever gets the claim's lock knows that no live process holds the recording; without the lock, only a
    claim whose heartbeat has gone stale can be taken over."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.HEARTH_VOICE_STALE_SECONDS)
    locked = _claim_lock(recording_id)
    claimable = Q(status=RecordingStatus.TRANSCRIBING, heartbeat_at__lt=stale)
    if locked:
        claimable |= Q(status__in=[RecordingStatus.QUEUED, RecordingStatus.TRANSCRIBING])
    claimed = Recording.objects.filter(claimable, pk=recording_id).update(
        status=RecordingStatus.TRANSCRIBING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, progress=0
    )
    if claimed != 1:
        if locked:
            _claim_unlock(recording_id)
        return None
    return Recording.objects.get(pk=recording_id)


# The advisory locks' first key: the voice notes' claims, apart from any other use of advisory locks.
CLAIM_LOCKS = 0x766F6963  # "voic"


def _claim_lock(recording_id: int) -> bool:
    """The claim's lock, if no live connection holds it. PostgreSQL would let a connection take a lock it
    already holds a second time; here that connection's own earlier claim counts as a live claimer."""
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_LOCK_SQL, {"space": CLAIM_LOCKS, "key": _lock_key(recording_id)})
        row = cursor.fetchone()
    return bool(row and row[0])


CLAIM_LOCK_SQL = """
SELECT CASE
    WHEN EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
          AND classid::bigint = %(space)s AND objid::bigint = %(key)s AND objsubid = 2
    ) THEN false
    ELSE pg_try_advisory_lock(%(space)s, %(key)s)
END
"""


def _claim_unlock(recording_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [CLAIM_LOCKS, _lock_key(recording_id)])
    except DatabaseError:
        logger.warning("Could not let go of recording %s's claim: its connection, and the lock, are gone", recording_id)


def _lock_key(recording_id: int) -> int:
    # The two-key form takes 32-bit keys; two recordings that share one only wait for each other's heartbeat.
    return recording_id % 2**31


def recording_transcribe(*, recording_id: int) -> Recording | None:
    """The task's work: claim, decode, transcribe, then fill the visit's draft. Safe to run twice."""
    recording = recording_claim(recording_id=recording_id)
    if recording is None:
        logger.info("Recording %s is not claimable (done, or another worker has it)", recording_id)
        return None
    try:
        return _transcribe_claimed(recording)
    finally:
        _claim_unlock(recording_id)


def _transcribe_claimed(recording: Recording) -> Recording | None:
    try:
        with _local_copy(recording) as path:
            samples = audio.decode(path)
        child = recording.visit.child
        result = drafting.draft(
            samples,
            known_names=selectors.names_in_record(child=child),
            child_names=[child.first_name, child.preferred_name],
            on_progress=_progress_reporter(recording.pk),
        )
        if not result.text.strip():
            raise audio.AudioProblem("We could not hear any words in the recording.")
    except audio.AudioProblem as problem:
        return recording_fail(recording_id=recording.pk, reason=str(problem))
    except Exception:
        recording_release(recording_id=recording.pk)  # transient: put it back so a retry can claim it
        raise
    return _finish(recording, result)


def _progress_reporter(recording_id: int) -> Callable[[float], None]:
    """Write progress (and the heartbeat that proves this worker is alive) at most once a second."""
    last = [0.0]

    def report(fraction: float) -> None:
        now = timezone.now()
        if now.timestamp() - last[0] >= 1:
            last[0] = now.timestamp()
            mine = Recording.objects.filter(pk=recording_id, status=RecordingStatus.TRANSCRIBING)
            mine.update(progress=round(fraction, 3), heartbeat_at=now)

    return report


@transaction.atomic
def _finish(recording: Recording, result: drafting.Draft) -> Recording | None:
    # Only the claimant that still holds the claim may finish: one transcript per recording.
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if recording.status != RecordingStatus.TRANSCRIBING:
        return None
    heard = result.transcript
    recording.transcript = result.text
    recording.segments = [{"start": s.start, "end": s.end, "text": s.text} for s in result.segments]
    recording.corrections = [{"heard": c.heard, "written": c.written} for c in result.corrections]
    recording.audio_seconds = heard.audio_seconds
    recording.processing_seconds = heard.processing_seconds
    recording.model_name = heard.model_name
    recording.words = len(result.text.split())
    recording.status, recording.progress, recording.finished_at = RecordingStatus.READY, 1, timezone.now()
    if casework_services.visit_add_voice_draft(visit=recording.visit, sections=result.by_section):
        recording.applied_to_visit_at = timezone.now()
    recording.save()
    return recording


def recording_fail(*, recording_id: int, reason: str) -> Recording:
    """Record why a recording cannot be transcribed. The file is kept so it can be retried or listened to."""
    Recording.objects.filter(pk=recording_id).exclude(status=RecordingStatus.READY).update(
        status=RecordingStatus.FAILED, failure_reason=reason[:300], finished_at=timezone.now()
    )
    return Recording.objects.get(pk=recording_id)


def recording_release(*, recording_id: int) -> None:
    Recording.objects.filter(pk=recording_id, status=RecordingStatus.TRANSCRIBING).update(
        status=RecordingStatus.QUEUED, heartbeat_at=None
    )


@transaction.atomic
def recording_retry(*, recording: Recording, actor: User) -> Recording:
    if not casework_selectors.child_can_record(user=actor, child=recording.visit.child):
        raise PermissionDenied("You can read this child's record but not add to it.")
    if recording.status != RecordingStatus.FAILED:
        raise ValidationError("Only a recording that failed can be tried again.")
    if not recording.has_audio:
        raise ValidationError("The audio for this recording has been deleted, so it cannot be tried again.")
    Recording.objects.filter(pk=recording.pk).update(failure_reason="", finished_at=None)
    _queue(recording.pk)
    recording.refresh_from_db()
    return recording


def recordings_requeue_stale() -> int:
    """Put back on the queue anything whose worker died or whose message was lost (e.g. Redis restarted).

    The claim makes this safe even when the original message is still on its way."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.HEARTH_VOICE_STALE_SECONDS)
    dead = Q(status=RecordingStatus.TRANSCRIBING, heartbeat_at__lt=stale)
    forgotten = Q(status=RecordingStatus.QUEUED, queued_at__lt=stale)
    ids = list(Recording.objects.filter(dead | forgotten).values_list("pk", flat=True)[:500])
    for recording_id in ids:
        enqueue_transcription(recording_id)
    return len(ids)


def recordings_apply_retention(*, now: datetime.datetime | None = None) -> int:
    """Delete the audio of signed visits once the retention period has passed. The record stays."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.HEARTH_VOICE_KEEP_AUDIO_DAYS)
    due = Recording.objects.filter(audio_deleted_at__isnull=True, visit__signed_at__lte=cutoff).exclude(audio="")
    deleted = 0
    for recording in due.iterator():
        recording.audio.delete(save=False)
        Recording.objects.filter(pk=recording.pk).update(audio="", audio_deleted_at=now)
        deleted += 1
    return deleted
