"""Private file storage: files on disk with no URL at all, so nothing uploaded is ever public."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no public URL; they are streamed by a view that checks access.")
