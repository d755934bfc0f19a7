"""Stop and start the test run's own PostgreSQL and Redis (the private ones bin/services starts), and run
a real Django process, for the fault tests. Every stop waits until the service is really gone, and every
start waits until it answers again, so a test leaves the services as it found them."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

from tests.celery_worker import worker_env

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = Path(os.environ.get("HEARTH_TEST_STATE_DIR", "/tmp/hearth-test-services"))  # noqa: S108 - bin/services' default
PG_DATA = STATE_DIR / "pg"
PG_PORT = int(os.environ.get("HEARTH_TEST_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("HEARTH_TEST_REDIS_PORT", "63799"))


def require_own_services() -> None:
    if not (PG_DATA / "PG_VERSION").exists():
        pytest.skip("Fault tests restart the PostgreSQL and Redis that bin/services runs; there are none here.")


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait(done: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.1)
    raise RuntimeError(f"Timed out waiting for {what}")


def _pg_ctl(*args: str) -> None:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    command = [str(pg_bin / "pg_ctl"), "-D", str(PG_DATA), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]  # PostgreSQL refuses to run as root
    subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 - fixed arguments


def _start_services() -> None:
    subprocess.run([str(ROOT / "bin" / "services"), "test"], check=True, capture_output=True, timeout=120)  # noqa: S603


@contextmanager
def postgres_stopped() -> Iterator[None]:
    """PostgreSQL down (every connection cut), then back up; this process's broken connections are dropped."""
    _pg_ctl("stop", "-m", "fast", "-w")
    _wait(lambda: not _answers(PG_PORT), "PostgreSQL to stop")
    try:
        yield
    finally:
        _start_services()
        _wait(lambda: _answers(PG_PORT), "PostgreSQL to start")
        connections.close_all()


@contextmanager
def redis_stopped() -> Iterator[None]:
    """Redis (the broker and the cache) down, then back up, empty, as a restarted Redis is."""
    subprocess.run(  # noqa: S603 - fixed arguments
        ["redis-cli", "-h", "127.0.0.1", "-p", str(REDIS_PORT), "shutdown", "nosave"],  # noqa: S607
        capture_output=True,
        timeout=30,
    )
    _wait(lambda: not _answers(REDIS_PORT), "Redis to stop")
    try:
        yield
    finally:
        _start_services()
        _wait(lambda: _answers(REDIS_PORT), "Redis to start")


class Server:
    """Hearth in its own process (single-threaded, so it keeps one database connection between requests)."""

    def __init__(self, log: Path) -> None:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            self.port = free.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"]
        with log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=worker_env(), stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _wait(lambda: _answers(self.port), "Hearth to start")

    def get(self, path: str, session: str) -> tuple[int, str, str]:
        """(status, content type, body) for a GET as the user whose session id is given."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                return response.status, response.headers["Content-Type"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
