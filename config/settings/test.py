"""The test run: PostgreSQL and Redis started by bin/test (DATABASE_URL, CACHE_URL, CELERY_BROKER_URL)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES, VAR_DIR, env

# A fast hasher keeps fixtures quick; tests/casework/test_settings.py checks production uses argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = env.path("HEARTH_MEDIA_ROOT", default=VAR_DIR / "test-media")
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
