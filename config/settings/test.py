"""The test run: PostgreSQL and Redis started by bin/test (DATABASE_URL, CACHE_URL, CELERY_BROKER_URL)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, HEARTH_AUDIO_BUCKET, STORAGES, VAR_DIR, audio_files, env

# A fast hasher keeps fixtures quick; tests/casework/test_settings.py checks production uses argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = env.path("HEARTH_MEDIA_ROOT", default=VAR_DIR / "test-media")
# bin/test sets HEARTH_AUDIO_BUCKET (and the address of the S3 server it starts): audio is then in that bucket.
if not HEARTH_AUDIO_BUCKET:
    STORAGES["private"] = audio_files(PRIVATE_MEDIA_ROOT)
# The same test database under a second name, as a read replica would be (tests/test_replica.py); nothing
# reads from it unless HEARTH_READ_REPLICA names it.
if "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
