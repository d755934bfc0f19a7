"""Production settings, and the real services the test run stands on."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework.demo.county import DEMO_PASSWORD
from casework.models import User
from config.celery import app as celery_app
from tests import factories
from tests.audio_storage import free_port

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


def test_production_cookies_are_secure_and_http_only_with_hsts():
    names = "SESSION_COOKIE_SECURE SESSION_COOKIE_HTTPONLY CSRF_COOKIE_SECURE CSRF_COOKIE_HTTPONLY SECURE_HSTS_SECONDS"
    code = f"from django.conf import settings; print(*[getattr(settings, n) for n in {names.split()!r}])"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "True True True True 31536000", result.stderr


def test_pages_carry_a_content_security_policy_with_no_inline_script_or_style(client, county):
    client.force_login(county.worker)
    response = client.get(reverse("casework:caseload"))
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_templates_have_no_inline_script_style_or_event_handlers():
    """The policy would block them: every script and style is a static file."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
    templates = [path for path in ROOT.glob("*/templates/**/*.html") if ".venv" not in path.parts]
    assert len(templates) > 20
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group()}" for path in templates for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


def test_a_session_ends_after_thirty_minutes_without_a_request(client, county):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(county.worker)
    response = client.get(reverse("casework:caseload"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60  # pushed back on every request
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # 30 idle minutes later
    response = client.get(reverse("casework:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, county):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": county.worker.username, "password": "not-the-password-at-all"})
    response = client.post(reverse("login"), {"username": county.worker.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "This account is locked for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_in_before_the_limit(client, county):
    client.post(reverse("login"), {"username": county.worker.username, "password": "not-the-password-at-all"})
    response = client.post(reverse("login"), {"username": county.worker.username, "password": factories.PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(county.worker.pk)


@pytest.mark.parametrize("password", [DEMO_PASSWORD, factories.PASSWORD])
def test_the_demo_and_test_passwords_meet_the_rules(password, db):
    validate_password(password, user=User(username="sw.north", first_name="Sam", last_name="Smith"))


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short-pw-1", "at least 12 characters"), ("password1234", "too common"), ("804127394652", "entirely numeric")],
)
def test_weak_passwords_are_refused(password, reason, db):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=User(username="sw.north"))
    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_without_database_url_a_laptop_uses_its_own_postgresql_never_sqlite():
    """PostgreSQL is the one engine: a laptop without DATABASE_URL gets the server bin/run starts in var/."""
    show = "from django.db import connection as c; print(c.vendor, c.settings_dict['HOST'], c.settings_dict['PORT'])"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "HEARTH_LAPTOP_DB_PORT": "54999"}
    result = run_manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    vendor, host, port = result.stdout.splitlines()[-1].split()
    assert (vendor, host) == ("postgresql", "127.0.0.1")
    made = ROOT / "var" / "database-url"  # bin/run made the server here: the port it last started on
    assert int(port) == (urlsplit(made.read_text().strip()).port if made.exists() else 54999), port


def test_ready_reports_the_database_the_broker_and_the_audio_storage(client, db):
    response = client.get(reverse("casework:ready"))
    assert (response.status_code, response.json()) == (200, {"default": "ok", "broker": "ok", "audio storage": "ok"})


def test_ready_is_503_while_the_broker_cannot_be_reached(client, db, monkeypatch):
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{free_port()}/0")  # Celery reads it first
    assert celery_app.conf.broker_url.startswith("redis://127.0.0.1:")
    response = client.get(reverse("casework:ready"))
    assert (response.status_code, response.json()["broker"]) == (503, "unavailable")


def test_ready_is_503_while_the_audio_bucket_cannot_be_reached(client, db, audio_in_bucket, settings):
    dead = {**settings.STORAGES["private"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"], "OPTIONS": dead}}
    response = client.get(reverse("casework:ready"))
    assert (response.status_code, response.json()) == (503, {"default": "ok", "broker": "ok", "audio storage": "unavailable"})


@pytest.mark.django_db(databases=["default", "replica"])
def test_ready_checks_the_read_replica_when_there_is_one(client, settings):
    settings.HEARTH_READ_REPLICA = "replica"
    response = client.get(reverse("casework:ready"))
    assert response.status_code == 200 and response.json()["replica"] == "ok"


def test_production_reads_the_replica_and_the_bucket_from_the_environment():
    env = PRODUCTION_ENV | {
        "DATABASE_REPLICA_URL": "postgres://hearth:pw@replica.internal:5432/hearth",
        "HEARTH_AUDIO_BUCKET": "council-hearth-audio",
    }
    code = (
        "from django.conf import settings; s = settings.STORAGES['private']; "
        "print(settings.DATABASES['replica']['HOST'], settings.HEARTH_READ_REPLICA, s['BACKEND'], "
        "s['OPTIONS']['bucket_name'], s['OPTIONS']['object_parameters']['ServerSideEncryption'])"
    )
    result = run_manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == (
        "replica.internal replica voice.storage.PrivateS3Storage council-hearth-audio AES256"
    ), result.stderr


def test_a_laptop_keeps_audio_on_disk_and_reads_only_the_primary():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "HEARTH_AUDIO_BUCKET": "", "DATABASE_REPLICA_URL": ""}
    code = "from django.conf import settings; print(settings.STORAGES['private']['BACKEND'], sorted(settings.DATABASES))"
    result = run_manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "voice.storage.PrivateFileSystemStorage ['default']", result.stderr
