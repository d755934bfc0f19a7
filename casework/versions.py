"""Optimistic locking: two people saving the same record never silently overwrite each other.

A record's `updated_at` is its version. A page keeps the version it showed in a hidden field, and an
API client sends back the `updated_at` it read as `version`. The service locks the row
(select_for_update) and compares before it writes, so the check and the write are one atomic step,
shared by the pages and the API. A mismatch raises RecordChanged: the pages keep what the person
typed and show it back; the API answers 409 Conflict. Nothing is saved over the other person's work.
"""

import datetime
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils import timezone


class Versioned(Protocol):
    """A record with a version: its `updated_at`, and its simple_history `history` to say who changed it."""

    @property
    def updated_at(self) -> datetime.datetime: ...

    @property
    def history(self) -> Any: ...  # simple_history's manager is untyped


class RecordChanged(ValidationError):
    """Someone else saved the record after this person opened it. Nothing was saved."""

    def __init__(self, *, changed_by: str, changed_at: datetime.datetime, current_version: datetime.datetime) -> None:
        self.changed_by, self.changed_at, self.current_version = changed_by, changed_at, current_version
        when = timezone.localtime(changed_at)
        self.when = f"{when:%H:%M} on {when.day} {when:%B %Y}"
        super().__init__(
            f"This record was changed by {changed_by} at {self.when} since you opened it. "
            "Your changes have not been saved; they are shown below so you can copy them.",
            code="changed",
        )

    def api_detail(self) -> str:
        return (
            f"This record was changed by {self.changed_by} at {self.when} since you read it. Your changes have not "
            "been saved: read the record again, re-apply your changes and send its new updated_at as version."
        )


def check_version(record: Versioned, *, version: datetime.datetime | None) -> None:
    """Refuse a write based on an older version. Call with the row locked (select_for_update).

    `version` None means the caller did not say what it read (an older API client): the write goes ahead."""
    if version is None or version == record.updated_at:
        return
    changed_by, changed_at = _last_change(record)
    raise RecordChanged(changed_by=changed_by, changed_at=changed_at, current_version=record.updated_at)


def _last_change(record: Versioned) -> tuple[str, datetime.datetime]:
    latest = record.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if latest is None:
        return "someone else", record.updated_at
    return (str(latest.history_user) if latest.history_user else "Hearth (an automatic update)"), latest.history_date
