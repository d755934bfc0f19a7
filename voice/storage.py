"""Private file storage: nothing uploaded ever has a URL a browser could be given.

Audio is in one of two places, chosen by settings (STORAGES["private"]): files on disk under
HEARTH_MEDIA_ROOT (a laptop, or one machine), or a private S3 bucket (HEARTH_AUDIO_BUCKET), which web
servers and workers on other machines share. Either way audio reaches a browser only through the view
that checks access and logs the listen (voice.views.stream_audio), never through a link to the store."""

from collections.abc import Iterator
from typing import IO, Any, Protocol

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

NO_URL = "Private files have no URL; they are streamed by a view that checks access."
UNAVAILABLE = (
    "Hearth cannot store voice notes just now, so this one has not been saved. "
    "It is still on your phone: send it again in a minute."
)


CHUNK_BYTES = 64 * 1024

# What reading from the store raises when it blinks: a disk's errors, or the bucket's (unreachable, timed out, 5xx).
READ_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)


class StorageUnavailable(Exception):
    """The store could not take a file (a bucket that does not answer, a full disk). Nothing was saved."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE)


class ByteRanges(Protocol):
    def byte_range(self, name: str, start: int, end: int) -> Iterator[bytes]: ...


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError(NO_URL)

    def byte_range(self, name: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes start to end (inclusive), a chunk at a time: a long recording is never read into memory whole."""
        file = self.open(name, "rb")
        file.seek(start)
        return _chunks_of(file, end - start + 1)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        try:
            return super().save(name, content, max_length)
        except OSError as error:
            raise StorageUnavailable from error


class PrivateS3Storage(S3Storage):  # type: ignore[misc]  # django-storages ships no types
    """A private bucket: objects written with a private ACL and server-side encryption, and no URL.

    Signed URLs would work, but one given to a browser could be passed on and would skip the access check
    and the access log, so `url()` refuses as the disk storage does. Timeouts are short and retries few,
    so an upload to a bucket that does not answer fails in seconds with a clear message."""

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        return defaults | {
            "default_acl": "private",
            "file_overwrite": False,
            "client_config": Config(
                connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4"
            ),
        }

    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise NotImplementedError(NO_URL)

    def byte_range(self, name: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes start to end (inclusive), asked of the bucket as a ranged GET and passed on as they arrive. The
        request is made here, before any byte is sent, so a bucket that does not answer is an error, not a cut-off."""
        key = self._normalize_name(clean_name(name))
        body = self.bucket.Object(key).get(Range=f"bytes={start}-{end}")["Body"]
        return _chunks_of(body, end - start + 1)

    def save(self, name: str | None, content: IO[bytes], max_length: int | None = None) -> str:
        # Finding a free name asks the bucket too, so the whole save is guarded, not only the upload.
        try:
            return str(super().save(name, content, max_length))
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable from error


class PrivateStorage(LazyObject):  # type: ignore[type-arg]  # generic only in django-stubs
    """storages["private"], looked up when first used (as Django's default_storage is), so a test can swap it."""

    def _setup(self) -> None:
        self._wrapped: Storage = storages["private"]


private_storage = PrivateStorage()


def _chunks_of(source: Any, length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            chunk = source.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        source.close()
