"""Several read-only selectors at once, each on its own database connection, all reading one snapshot.

The dashboard asks eleven measures of the same records. On PostgreSQL each query runs on one core, so run in
turn they leave the server's other cores idle. Here the caller's connection opens a REPEATABLE READ
transaction and exports its snapshot (`pg_export_snapshot()`, as `pg_dump --jobs` does); each extra
connection imports it, so every figure on the page is worked out from the same instant of the records, as
if the measures had run one after another in one transaction. The work is shared from one queue, so a
slow measure does not hold up the rest, and each query keeps to one core (no parallel workers).

It runs in turn instead where other connections could not see what the caller sees: a caller
already inside a transaction (its own writes, or a test's, are invisible to any other connection)."""

import contextvars
import logging
import queue
import re
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import DatabaseError, OperationalError, transaction
from django.db import connections as databases

from config.replica import read_alias

T = TypeVar("T")
logger = logging.getLogger(__name__)
# The connections already share out the server's cores: parallel workers for each query on top only add
# overhead (measured: the dashboard page 2.8 s with them, 2.4 s without, on 2 cores; bin/benchmark-kpis).
ONE_CORE_A_QUERY = "SET LOCAL max_parallel_workers_per_gather = 0"
HELPER_LOCK_TIMEOUT = "1s"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_not_available: the lock timeout ran out
# A helper stuck longer than this (connecting, say) is left; the caller works out what it had not finished.
HELPER_WAIT_SECONDS = 120
SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def can_share_a_snapshot() -> bool:
    return not databases[read_alias()].in_atomic_block  # the read replica, on the dashboard, when there is one


def read_together(tasks: Sequence[Callable[[], T]], *, connections: int) -> list[T]:
    """Each task's result, in order. Tasks must only read: the extra connections are READ ONLY."""
    if connections < 2 or len(tasks) < 2 or not can_share_a_snapshot():
        return [task() for task in tasks]
    waiting: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(tasks)):
        waiting.put(i)
    results: dict[int, T] = {}
    errors: list[BaseException] = []
    alias = read_alias()
    with transaction.atomic(using=alias), databases[alias].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(ONE_CORE_A_QUERY)
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # Each helper runs in a copy of this context, so it reads from the same database (config.replica).
        helpers = [
            threading.Thread(
                target=contextvars.copy_context().run, args=(_helper, snapshot, tasks, waiting, results, errors), daemon=True
            )
            for _ in range(min(connections, len(tasks)) - 1)
        ]
        for helper in helpers:
            helper.start()
        _work(tasks, waiting, results, errors)  # this connection takes its share too
        for helper in helpers:
            helper.join(HELPER_WAIT_SECONDS)  # the exported snapshot lives only as long as this transaction
        # Whatever a helper handed back or never finished, this connection works out itself.
        for i in range(len(tasks)):
            if i not in results and not errors:
                _work_one(tasks, i, results, errors)
    if errors:
        raise errors[0]
    return [results[i] for i in range(len(tasks))]


def _work(
    tasks: Sequence[Callable[[], T]], waiting: queue.SimpleQueue[int], results: dict[int, T], errors: list[BaseException]
) -> None:
    while not errors:
        try:
            i = waiting.get_nowait()
        except queue.Empty:
            return
        _work_one(tasks, i, results, errors)


def _work_one(tasks: Sequence[Callable[[], T]], i: int, results: dict[int, T], errors: list[BaseException]) -> None:
    try:
        results[i] = tasks[i]()
    except BaseException as error:  # handed to the caller's thread, which raises it
        errors.append(error)


def _helping(
    tasks: Sequence[Callable[[], T]], waiting: queue.SimpleQueue[int], results: dict[int, T], errors: list[BaseException]
) -> None:
    """A helper's share. A table locked by someone waiting for an exclusive lock (a migration, say) makes the
    helper give up within HELPER_LOCK_TIMEOUT: it queues behind that lock, which queues behind the caller's
    transaction, which waits for the helper, a circle the server cannot see. The task goes back to the caller,
    whose connection already holds what it read, and the helper stops (its transaction has failed)."""
    while not errors:
        try:
            i = waiting.get_nowait()
        except queue.Empty:
            return
        try:
            results[i] = tasks[i]()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                errors.append(error)
            return  # a lock it could not get: the caller works this one out
        except BaseException as error:  # handed to the caller's thread, which raises it
            errors.append(error)


def _helper(
    snapshot: str,
    tasks: Sequence[Callable[[], T]],
    waiting: queue.SimpleQueue[int],
    results: dict[int, T],
    errors: list[BaseException],
) -> None:
    """One more connection (this thread's own), in the caller's snapshot, taking tasks until none are left. One
    that cannot start (the server is full, say) only does not help: the caller's connection does the rest."""
    alias = read_alias()
    try:
        with transaction.atomic(using=alias):
            _join_snapshot(snapshot)
            _helping(tasks, waiting, results, errors)  # keeps any task's error for the caller
    except DatabaseError:
        logger.warning("A helper connection could not join the snapshot; carrying on without it", exc_info=True)
    finally:
        databases[alias].close()  # a thread's connection is its own: nothing else would close it


def _join_snapshot(snapshot: str) -> None:
    if not SNAPSHOT_ID.match(snapshot):  # SET TRANSACTION SNAPSHOT takes a literal, not a parameter
        raise DatabaseError(f"Unexpected snapshot id {snapshot!r}")
    with databases[read_alias()].cursor() as cursor:  # the helper's copy of the caller's context says which
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        cursor.execute(ONE_CORE_A_QUERY)
        cursor.execute(f"SET LOCAL lock_timeout = '{HELPER_LOCK_TIMEOUT}'")
