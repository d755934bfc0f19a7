"""A real Celery worker process on Redis against the test database, and waiting for recordings."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from voice.models import Recording

ROOT = Path(__file__).resolve().parents[1]
STALE_SECONDS = 3  # the worker's HEARTH_VOICE_STALE_SECONDS: a dead claim is taken over after this


class Worker:
    """A real `celery worker` process, started in its own process group so it can be killed outright."""

    def __init__(self, env: dict[str, str], log: Path, command: list[str] | None = None, ready: str = "ready.") -> None:
        """`command`: how to start it (a Procfile line, say; by default one worker process, quick to start), and
        what its log says once it is ready (gunicorn's web processes say "Booting worker")."""
        self.env, self.log, self.command, self.ready = env, log, command, ready
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Worker":
        command = self.command or [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
        if self.command is None:
            command += ["--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own worker
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready in self.log.read_text():
                return
            if self.process is None or self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.command or 'The Celery worker'} did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker, parent and pool process, as if the machine died."""
        assert self.process is not None, "the worker was never started"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.write_text(self.log.read_text().replace("ready.", "(killed)"))

    def pool_processes(self) -> list[int]:
        """The pool's process ids (the worker's children): the processes that run the tasks."""
        assert self.process is not None, "the worker was never started"
        # Every thread's children: the pool starts a process in place of a dead one from a thread of its own.
        threads = Path(f"/proc/{self.process.pid}/task").glob("*/children")
        return [int(pid) for children in threads for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def worker_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,  # the test database, not the one it was made from
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "HEARTH_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "HEARTH_VOICE_STALE_SECONDS": str(STALE_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """A worker for one test. Data must be committed for it to see: hence transactional_db."""
    yield from _worker(worker_env(), tmp_path)


@pytest.fixture
def patient_celery_worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """A worker with production's patience: a claim's heartbeat goes stale only after 120 s, and Redis hands
    an unacknowledged message out again only after two hours. Whatever it recovers sooner, it recovers
    without them."""
    yield from _worker(worker_env() | {"HEARTH_VOICE_STALE_SECONDS": "120", "CELERY_VISIBILITY_TIMEOUT": "7200"}, tmp_path)


def _worker(env: dict[str, str], tmp_path: Path) -> Iterator[Worker]:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # nothing left over from another test
    worker = Worker(env, tmp_path / "worker.log").start()
    yield worker
    worker.stop()


def wait_for(recording_id: int, done: Callable[[Recording], bool], timeout: float = 120) -> Recording:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recording = Recording.objects.get(pk=recording_id)
        if done(recording):
            return recording
        time.sleep(0.1)
    raise AssertionError(f"Recording {recording_id} is still {recording.status} after {timeout}s")


def finished(recording: Recording) -> bool:
    return recording.is_finished
