"""The check of the return through a real Celery worker on Redis: asked for on the page, run once, and finished
even when the worker dies in the middle of it."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from placements import codes
from placements.models import ReturnCheck
from tests.celery_worker import Worker, worker_env

pytestmark = pytest.mark.pipeline
PAGE = reverse("placements:ssda903-check")
YEAR = 2025  # 2025/26, by its start


@pytest.fixture
def check_worker(transactional_db, tmp_path: Path) -> Iterator[Worker]:
    """A worker that does not load Whisper (it checks returns here, it transcribes nothing)."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    worker = Worker(worker_env() | {"HEARTH_WHISPER_PRELOAD": "false"}, tmp_path / "worker.log").start()
    yield worker
    worker.stop()


def wait_for(check_id: int, *statuses: str, timeout: float = 120) -> ReturnCheck:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check = ReturnCheck.objects.get(pk=check_id)
        if check.status in statuses:
            return check
        time.sleep(0.1)
    raise AssertionError(f"Return check {check_id} is still {check.status} after {timeout}s")


def test_a_check_asked_for_on_the_page_is_run_by_a_worker_and_shown(check_worker, client, county, wrong_ethnicity):
    client.force_login(county.head)
    assert client.post(PAGE, {"year": YEAR}).status_code == 302
    assert client.post(PAGE, {"year": YEAR}).status_code == 302  # a second click while it waits or runs
    check = wait_for(ReturnCheck.objects.get().pk, codes.ReturnCheckStatus.DONE)
    assert ReturnCheck.objects.count() == 1 and check.attempts == 1
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    card = html.split(f'data-child="{wrong_ethnicity.pk}"')[1]
    assert 'data-rule="103"' in card and "Checked" in html


def test_a_worker_killed_mid_check_finishes_it_once_after_restart(check_worker, client, county, wrong_ethnicity):
    client.force_login(county.head)
    client.post(PAGE, {"year": YEAR})
    check = wait_for(ReturnCheck.objects.get().pk, codes.ReturnCheckStatus.RUNNING)
    check_worker.kill()  # the whole worker, as if its machine died: the message was never acknowledged
    assert ReturnCheck.objects.get(pk=check.pk).status == codes.ReturnCheckStatus.RUNNING
    check_worker.start()  # Redis hands the message out again after the visibility timeout (5 s in the tests)
    done = wait_for(check.pk, codes.ReturnCheckStatus.DONE, codes.ReturnCheckStatus.FAILED)
    assert done.status == codes.ReturnCheckStatus.DONE and done.attempts == 2
    assert any(issue["rule"] == "103" and issue["child_id"] == wrong_ethnicity.pk for issue in done.issues)
    assert ReturnCheck.objects.count() == 1
