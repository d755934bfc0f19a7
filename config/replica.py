"""Reading from the read replica: the dashboard's measures and exports, and nothing else.

A council at national scale points DATABASE_REPLICA_URL at a PostgreSQL hot standby. Inside
`reading_from_replica()` (the dashboard's pages and exports) every ORM read and every raw query that asks
`read_alias()` goes there; writes (the access log) always go to the primary, and so does everything outside
the block. Figures a few seconds behind the primary are fine; a page that then writes what it read is not,
so only pages that only count use it. With no replica configured the block changes nothing."""

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponseBase, StreamingHttpResponse

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view that only counts: it reads from the replica, and so does its streamed export as it is sent."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:  # rows read after the view returns
            response.streaming_content = _streamed_from_replica(response.streaming_content)  # type: ignore[arg-type]
        return response

    return wrapped


def _streamed_from_replica(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Each chunk is made inside the block, and the block ends before the chunk is handed on: the web server's
    own context (shared by the requests that thread serves next) never stays pointed at the replica."""
    rows = iter(chunks)
    while True:
        with reading_from_replica():
            chunk = next(rows, None)
        if chunk is None:
            return
        yield chunk


def read_alias() -> str:
    """The database this thread's reads go to now: the replica inside the block when there is one."""
    if _reading_from_replica.get() and settings.HEARTH_READ_REPLICA:
        return str(settings.HEARTH_READ_REPLICA)
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: a row from either relates to a row from the other

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a standby follows the primary's schema by itself
