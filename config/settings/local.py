"""A laptop: the laptop's own PostgreSQL in var/postgres (bin/run starts it), a folder broker in var/broker and
an in-process cache unless CELERY_BROKER_URL and CACHE_URL name a Redis, local files, DEBUG on."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
