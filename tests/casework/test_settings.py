"""Production settings, and the real services the test run stands on."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "DJANGO_ALLOWED_HOSTS": "hearth.example.gov.uk",
    "DATABASE_URL": "postgres://hearth:pw@127.0.0.1:5432/hearth",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_hashes_passwords_with_argon2():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])", env=PRODUCTION_ENV
    )
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher", result.stderr


def test_tests_run_against_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.set("hearth:test", "stored", 5)
    assert cache.get("hearth:test") == "stored"


def test_health_reports_database_and_cache(client, db):
    response = client.get(reverse("casework:health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
