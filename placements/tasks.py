"""Celery tasks for placements. Each takes ids and calls a service; the services make them idempotent."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from placements import services, validation

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)  # the database blinked: worth another try
SOFT_LIMIT = validation.TIMEOUT_SECONDS + 60  # the validator's own timeout comes first, with a clear error


@shared_task(
    name=services.CHECK_RETURN,
    bind=True,
    # Acknowledged only when done and handed back if its process dies: the next claim finds the lock free.
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    max_retries=3,
    soft_time_limit=SOFT_LIMIT,
    time_limit=SOFT_LIMIT + 60,
)
def check_return(self: Task[[int], str], check_id: int) -> str:
    try:
        check = services.return_check_run(check_id=check_id)
    except SoftTimeLimitExceeded:
        services.return_check_fail(check_id=check_id, failure="The check took too long and was stopped. Check again.")
        raise
    except Exception as error:
        if isinstance(error, TRANSIENT) and (self.max_retries is None or self.request.retries < self.max_retries):
            raise
        logger.exception("Checking the SSDA903 return (check %s) failed", check_id)
        services.return_check_fail(check_id=check_id, failure="The check stopped with an error. Check again.")
        raise
    return check.status if check else "skipped"
