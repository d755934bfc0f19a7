"""A council's backup and restore (manage.py backup / restore): the whole county, records and audio, comes back
the same in a new installation, and an installation that holds anything is never restored over."""

import io
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from casework.backup import private_storage
from casework.models import Visit
from config.settings.base import audio_files
from tests.outcomes.factories import default_template
from tests.records import every_record
from voice import services as voice_services

ROOT = Path(__file__).resolve().parents[2]
# pg_dump, in its own process, sees only what was committed. Not serialized_rollback: after another transaction test
# the content types are made again with new ids, and reloading the saved ones would collide with them; the one row
# a migration makes that the county needs, the default star, is put back by county_with_audio.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings) -> Path:
    """The private storage on disk, in this test's own folder (bin/test otherwise keeps audio in a bucket, which
    every test shares: a restore must find an installation empty)."""
    folder = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "private": audio_files(folder)}
    assert isinstance(private_storage(), FileSystemStorage)
    return folder


@pytest.fixture
def county_with_audio(media, tmp_path, clips) -> list[str]:
    default_template()  # the migration's star, which a browser test before this one may have emptied away
    call_command("demo_county", "--children", "20", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for visit in Visit.objects.filter(signed_at__isnull=True).select_related("author")[:2]:
        audio = SimpleUploadedFile("note.wav", clips["wav"].read_bytes())
        voice_services.recording_upload(visit=visit, actor=visit.author, client_id=uuid.uuid4(), file=audio)
    return sorted(str(path.relative_to(tmp_path / "media")) for path in (tmp_path / "media").rglob("*") if path.is_file())


def url_of(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def new_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(url_of("postgres"), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(url_of("postgres"), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess[str]:
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "HEARTH_MEDIA", "HEARTH_AUDIO"))}
    env = keep | {
        "DATABASE_URL": url_of(database),
        "HEARTH_MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("migrated", [False, True], ids=["blank database", "migrated, empty database"])
def test_backup_then_restore_into_a_new_installation_gives_the_same_county(county_with_audio, new_database, tmp_path, migrated):
    archive = tmp_path / "hearth.tar"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    restored_media = tmp_path / "restored-media"
    if migrated:  # a council's new installation, set up before the backup is restored into it
        assert manage("migrate", "--noinput", database=new_database, media=restored_media).returncode == 0

    result = manage("restore", str(archive), database=new_database, media=restored_media)

    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{len(county_with_audio)} files" in result.stdout
    assert every_record(url_of(new_database)) == every_record(url_of(connection.settings_dict["NAME"]))
    assert county_with_audio  # audio there to restore
    for name in county_with_audio:
        assert (restored_media / name).read_bytes() == (tmp_path / "media" / name).read_bytes()
    assert manage("migrate", "--check", database=new_database, media=restored_media).returncode == 0


def test_restore_refuses_an_installation_that_holds_records_and_changes_nothing(county_with_audio, tmp_path):
    archive = tmp_path / "hearth.tar"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = every_record(url_of(connection.settings_dict["NAME"]))

    with pytest.raises(CommandError, match="This installation is not empty: it has .* children"):
        call_command("restore", str(archive))

    assert every_record(url_of(connection.settings_dict["NAME"])) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(county_with_audio, new_database, tmp_path):
    archive = tmp_path / "hearth.tar"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("files/"):
                content = content[:-10] + b"0123456789"  # same size, different audio
            out.addfile(member, io.BytesIO(content))

    result = manage("restore", str(damaged), database=new_database, media=tmp_path / "restored-media")

    assert result.returncode != 0 and "is damaged (its checksum differs): nothing was restored" in result.stderr
    assert every_record(url_of(new_database)) == {}
    assert not (tmp_path / "restored-media").exists() or not any((tmp_path / "restored-media").rglob("*.*"))


def test_backup_will_not_overwrite_an_earlier_backup(county_with_audio, tmp_path):
    archive = tmp_path / "hearth.tar"
    archive.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))
    assert archive.read_bytes() == b"an earlier backup"
    assert private_storage().exists(county_with_audio[0])
