"""The measures' query toolkit: which records a measure reads for a set of children, a block with room to hash,
and day masks (one bigint a child answers every period with)."""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import QuerySet

from casework.models import Child


def every_child(children: QuerySet[Child]) -> bool:
    """True for a head of service's children (all of them): a measure then reads its table without the
    `child_id IN (133,000 ids)` filter, which would only cost time."""
    return children.model is Child and not children.query.where and not children.query.is_sliced


def of_children(records: QuerySet, children: QuerySet[Child], path: str = "child") -> QuerySet:
    """The records of these children (the access rule), or all of them when the children are everyone."""
    return records if every_child(children) else records.filter(**{f"{path}__in": children.values("pk")})


def children_sql(children: QuerySet[Child]) -> tuple[str, tuple]:
    """`AND <column> IN (...)` for a raw measure query, or nothing when the children are everyone."""
    if every_child(children):
        return "", ()
    unordered = children if children.query.is_sliced else children.order_by()  # an IN list needs no order
    sql, params = unordered.values("pk").query.sql_with_params()
    return f"IN ({sql})", tuple(params)


@contextmanager
def roomy_query(*, parallel: bool = True, hashed: bool = False) -> Iterator[None]:
    """For a measure's one big aggregate (100,000 children or 500,000 star areas hashed): enough memory to hash
    in one pass rather than spill to disk (the server default is 4 MB), and no JIT compilation, which costs more
    than it saves on a query of well under a second. For this block only.

    parallel=False keeps it to one core, for queries of many short index range scans, each of which would start
    its own parallel workers (measured with bin/benchmark-kpis: records checked 540 ms with them, 350 ms without).
    hashed=True groups by hashing alone: grouping a subquery's rows by child, PostgreSQL has no statistics to
    estimate how many rows come out and guesses 200, so it would sort the 100,000 per-child rows to count the few
    hundred masks among them (about 50 ms) where hashing them takes a few."""
    settings_sql = ["set_config('work_mem', '64MB', true)", "set_config('jit', 'off', true)"]
    if not parallel:
        settings_sql.append("set_config('max_parallel_workers_per_gather', '0', true)")
    if hashed:
        settings_sql.append("set_config('enable_sort', 'off', true)")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {', '.join(settings_sql)}")
        yield
        # The block only reads, so it is rolled back rather than committed: the settings end with it, also inside
        # an outer transaction (the dashboard's snapshot), where a released savepoint would keep them to its end
        # and every later measure on that connection would plan with them.
        transaction.set_rollback(True)


# Day masks: a child's answer for each of up to 62 sorted days as the bits of one bigint (bit i for days[i]), so
# that one row a child answers for every period, and a query returns the few distinct masks, counted by day.
MASK_DAYS = 62  # bits of a signed bigint, less one to shift into: the dashboard asks for 10 days


def days_before(date_sql: str, days: Sequence[datetime.date]) -> tuple[str, list]:
    """How many of the sorted `days` come before the date (SQL and parameters): width_bucket counts those up to it."""
    return f"width_bucket({date_sql} - 1, %s::date[])", [list(days)]


def day_run(first_bit: tuple[str, list], stop_bit: tuple[str, list], *, may_be_empty: bool = False) -> tuple[str, list]:
    """The bits from `first_bit` up to (not including) `stop_bit`, each SQL with its parameters. Where the stop
    can come before the first (`may_be_empty`), the run is empty then; elsewhere that check costs a third
    binary search a row for nothing."""
    (first, first_params), (stop, stop_params) = first_bit, stop_bit
    if not may_be_empty:
        return f"((1::bigint << {stop}) - (1::bigint << {first}))", [*stop_params, *first_params]
    sql = f"((1::bigint << GREATEST({stop}, {first})) - (1::bigint << {first}))"
    return sql, [*stop_params, *first_params, *first_params]


def check_mask_days(days: Sequence[datetime.date]) -> None:
    if len(days) > MASK_DAYS:
        raise ValueError(f"A day mask holds at most {MASK_DAYS} days; {len(days)} were asked for.")


def days_open(days: list[datetime.date], alias: str = "e") -> tuple[str, list]:
    """SQL for a mask of the sorted `days` on which the episode `alias` is open (started by the day and not
    ended by it, as `in_care_on` and `placements.measures.open_on`). Those days are a run, found by two binary
    searches, so the mask costs the same for any number of days."""
    check_mask_days(days)
    ended, ended_params = days_before(f"{alias}.ended_on", days)
    return day_run(days_before(f"{alias}.started_on", days), (f"COALESCE({ended}, {len(days)})", ended_params))


def counts_by_day(days: Sequence[datetime.date], ordered: list[datetime.date], rows: list[tuple]) -> list[tuple[int, int]]:
    """(count, total) by day from (counted, met, children) rows: masks of the `ordered` days and how many children."""
    counts = []
    for day in days:
        bit = 1 << ordered.index(day)
        total = sum(n for counted_days, _, n in rows if counted_days and counted_days & bit)
        count = sum(n for _, met_days, n in rows if met_days and met_days & bit)
        counts.append((count, total))
    return counts
