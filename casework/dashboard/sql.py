"""The measures' query toolkit. Where the ORM would be too slow, a measure's query is composed with psycopg.sql: named
CTEs read top to bottom, and every value is a named parameter of one dict, so nothing is lined up by position.

Here: which records a measure reads for a set of children (`of_children`, `children_sql`), running a composed query
(`fetch`), a block with room to hash (`roomy_query`), and day masks (`mask_days`, `days_open`): one bigint a child
answers every period with."""

import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet
from psycopg import sql

from casework.models import Child
from config.replica import read_alias

M = TypeVar("M", bound=Model)
Params = dict[str, Any]
Query = tuple[sql.Composed, Params]  # a composed query and the values of its named parameters
NOTHING = sql.SQL("")


def column(path: str) -> sql.Identifier:
    """`e.child_id` as an identifier (quoted, each part on its own)."""
    return sql.Identifier(*path.split("."))


def fetch(query: sql.Composable, params: Params) -> list[tuple[Any, ...]]:
    """The rows of a composed query with named parameters, on this thread's connection (so a dashboard snapshot
    helper's on its own thread). Django's cursor takes the query as text, written for that connection."""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def every_child(children: QuerySet[Child]) -> bool:
    """True for a head of service's children (all of them): a measure then reads its table without the
    `child_id IN (133,000 ids)` filter, which would only cost time."""
    return children.model is Child and not children.query.where and not children.query.is_sliced


def of_children(records: QuerySet[M], children: QuerySet[Child], path: str = "child") -> QuerySet[M]:
    """The records of these children (the access rule), or all of them when the children are everyone."""
    return records if every_child(children) else records.filter(**{f"{path}__in": children.values("pk")})


# Django writes positional placeholders (%s; %% is a percent sign); psycopg takes one kind in a query, so the
# children's query names its own.
DJANGO_PLACEHOLDER = re.compile(r"%[s%]")


@dataclass(frozen=True)
class ChildrenSQL:
    """The children a raw measure query reads: `IN (<their ids>)` and its parameters, or None for everyone."""

    ids: sql.Composable | None
    params: Params

    def only(self, path: str) -> sql.Composable:
        """`AND <path> IN (<their ids>)`, or nothing when the children are everyone."""
        return NOTHING if self.ids is None else sql.SQL("AND {} IN {}").format(column(path), self.ids)


def children_sql(children: QuerySet[Child]) -> ChildrenSQL:
    """The children for a raw measure query: Django's query of their ids, its placeholders named `children_<i>`."""
    if every_child(children):
        return ChildrenSQL(None, {})
    unordered = children if children.query.is_sliced else children.order_by()  # an IN list needs no order
    text, values = unordered.values("pk").query.sql_with_params()
    names = iter(f"children_{i}" for i in range(len(values)))
    named = DJANGO_PLACEHOLDER.sub(lambda found: "%%" if found[0] == "%%" else f"%({next(names)})s", text)
    return ChildrenSQL(sql.SQL("({})").format(sql.SQL(named)), {f"children_{i}": v for i, v in enumerate(values)})


# Settings for the transaction only (as SET LOCAL), their names and values parameters.
SET_LOCALLY = "SELECT set_config(name, setting, true) FROM unnest(%(names)s::text[], %(settings)s::text[]) AS s (name, setting)"


@contextmanager
def roomy_query(*, parallel: bool = True, hashed: bool = False) -> Iterator[None]:
    """For a measure's one big aggregate (100,000 children or 500,000 star areas hashed): enough memory to hash
    in one pass rather than spill to disk (the server default is 4 MB), and no JIT compilation, which costs more
    than it saves on a query of well under a second. For this block only.

    parallel=False keeps it to one core, where parallel workers cost more than they save: queries of many short index
    range scans, each of which would start its own (measured with bin/benchmark-kpis: records checked 540 ms with
    them, 350 ms without), or a scan whose parallel plan is slower (social worker changes, 300 ms against 200).
    hashed=True groups by hashing alone (enable_sort off): grouping a subquery's rows by child, PostgreSQL has no
    statistics to estimate how many rows come out and guesses 200, so it would sort the 100,000 per-child rows to
    count the few hundred masks among them (about 50 ms) where hashing them takes a few."""
    settings = {"work_mem": "64MB", "jit": "off"}
    settings |= {} if parallel else {"max_parallel_workers_per_gather": "0"}
    settings |= {"enable_sort": "off"} if hashed else {}
    alias = read_alias()
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute(SET_LOCALLY, {"names": list(settings), "settings": list(settings.values())})
        yield
        # The block only reads, so it is rolled back rather than committed: the settings end with it, also inside
        # an outer transaction (the dashboard's snapshot), where a released savepoint would keep them to its end
        # and every later measure on that connection would plan with them.
        transaction.set_rollback(True, using=alias)


# Day masks: a child's answer for each of up to 62 sorted days as the bits of one bigint (bit i for days[i]), so
# that one row a child answers for every period, and a query returns the few distinct masks, counted by day. A
# record's days are a run of the sorted days, found by binary searches of the days' array (width_bucket), so a
# mask costs the same for any number of days.
MASK_DAYS = 62  # bits of a signed bigint, less one to shift into: the dashboard asks for 10 days


def mask_days(days: Iterable[datetime.date]) -> list[datetime.date]:
    """The sorted days of a day mask (each once): bit i of a mask is the i-th of them."""
    ordered = sorted(set(days))
    if len(ordered) > MASK_DAYS:
        raise ValueError(f"A day mask holds at most {MASK_DAYS} days; {len(ordered)} were asked for.")
    return ordered


def days_before(date: str, days: str) -> sql.Composed:
    """How many of the sorted days (the date array parameter `days`) come before the date column: width_bucket
    counts those up to the day before."""
    return sql.SQL("width_bucket({} - 1, {}::date[])").format(column(date), sql.Placeholder(days))


def day_run(first: sql.Composable, stop: sql.Composable, *, may_be_empty: bool = False) -> sql.Composed:
    """The bits from `first` up to (not including) `stop`. Where the stop can come before the first (`may_be_empty`),
    the run is empty then; elsewhere that check costs a third binary search a row for nothing."""
    if may_be_empty:
        stop = sql.SQL("GREATEST({}, {})").format(stop, first)
    return sql.SQL("((1::bigint << {}) - (1::bigint << {}))").format(stop, first)


def days_open(alias: str = "e", days: str = "days") -> sql.Composed:
    """A mask of the sorted `days` on which the episode `alias` is open (started by the day and not ended by it, as
    `in_care_on` and `placements.measures.open_on`). One still open is open on all of them (the array's length)."""
    ended = sql.SQL("COALESCE({}, cardinality({}::date[]))").format(days_before(f"{alias}.ended_on", days), sql.Placeholder(days))
    return day_run(days_before(f"{alias}.started_on", days), ended)


def counts_by_day(
    days: Sequence[datetime.date], ordered: list[datetime.date], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[int, int]]:
    """(count, total) by day from (counted, met, children) rows: masks of the `ordered` days and how many children."""
    counts = []
    for day in days:
        bit = 1 << ordered.index(day)
        total = sum(n for counted_days, _, n in rows if counted_days and counted_days & bit)
        count = sum(n for _, met_days, n in rows if met_days and met_days & bit)
        counts.append((count, total))
    return counts
