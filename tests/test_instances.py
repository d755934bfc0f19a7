"""Instances of Hearth on one machine (a laptop's bin/run, bin/test, bin/benchmark-voice) each have a broker of
their own, so that none of their Celery workers takes another's tasks (issue 19: a benchmark hung while bin/run's
worker took its notes from the same Redis database)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def services_env(role: str) -> dict[str, str]:
    result = subprocess.run(  # noqa: S603 - our own script with a fixed argument
        [str(ROOT / "bin" / "services"), role], capture_output=True, text=True, timeout=120, check=True
    )
    pairs = (line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines())
    return dict(pairs)


def test_tests_and_benchmarks_have_redis_databases_of_their_own_apart_from_a_laptops():
    test, benchmark = services_env("test"), services_env("benchmark")
    laptop_redis = f"redis://127.0.0.1:{test['HEARTH_TEST_REDIS_PORT']}/0"  # the database a laptop's own Redis uses first
    used = [test["CELERY_BROKER_URL"], test["CACHE_URL"], benchmark["CELERY_BROKER_URL"], benchmark["CACHE_URL"], laptop_redis]
    assert len(set(used)) == len(used), used


def test_services_refuses_to_guess_which_instance_it_serves():
    result = subprocess.run([str(ROOT / "bin" / "services")], capture_output=True, text=True, timeout=30)  # noqa: S603
    assert result.returncode == 2 and "usage: bin/services test|benchmark" in result.stderr


def test_a_laptop_without_redis_has_a_folder_broker_in_its_own_var():
    show = (
        "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])"
    )
    keep = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_", "CACHE_"))}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env=keep | {"DJANGO_SETTINGS_MODULE": "config.settings.local"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    broker, folder = result.stdout.splitlines()[-1].split()
    assert broker == "filesystem://"
    assert Path(folder).is_relative_to(ROOT / "var")
