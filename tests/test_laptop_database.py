"""The laptop's own PostgreSQL (bin/run, config.laptop_database) keeps what was typed: stopped as a power cut
stops it, and started again, it has every record. Run as root (CI) it also shows the server stepping down to
its own user; a checkout under a private folder (pytest's, here) shows it reading its way there."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from config.laptop_database import LaptopDatabase
from tests.records import every_record

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def laptop_database(tmp_path) -> Iterator[LaptopDatabase]:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    database = LaptopDatabase(var=tmp_path / "var", port=port)
    database.start()
    yield database
    database.stop(mode="immediate")


def manage(*args: str, database_url: str) -> None:
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_"))}
    env = keep | {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": database_url}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_laptop_database_stopped_as_by_a_power_cut_comes_back_with_every_record(laptop_database):
    url = laptop_database.url()
    manage("migrate", "--noinput", "-v0", database_url=url)
    manage("demo_county", "--children", "20", database_url=url)
    before = every_record(url)
    assert before["casework_child"][0] > 20 and before["casework_visit"][0] > 0

    laptop_database.stop(mode="immediate")  # no checkpoint, no clean shutdown: only what was made durable survives
    assert not laptop_database.is_running()
    laptop_database.start()

    assert every_record(laptop_database.url()) == before


def test_the_laptop_database_asks_for_its_password_and_listens_on_loopback_only(laptop_database):
    url = laptop_database.url()
    with psycopg.connect(url) as connection:
        settings = dict(connection.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [DURABLE]).fetchall())
    assert settings == {
        "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
        "listen_addresses": "127.0.0.1", "unix_socket_directories": "",
    }  # fmt: skip
    wrong = url.replace(url.split(":")[2].split("@")[0], "not-the-password")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()
    if os.geteuid() == 0:  # PostgreSQL refuses root: the data belong to the server's own user
        assert (laptop_database.data.stat().st_uid) != 0


DURABLE = ["fsync", "synchronous_commit", "full_page_writes", "listen_addresses", "unix_socket_directories"]
