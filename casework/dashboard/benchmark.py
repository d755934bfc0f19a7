"""The dashboard benchmark (`manage.py kpi_benchmark`, run by bin/benchmark-kpis): time every dashboard measure
and the whole dashboard page on this database.

Meant for a national-sized county (bin/benchmark-kpis builds one: 100,000 children in care). For each
measure: the median time over several runs of its one selector (chosen period, period before and 8
quarters), its query count for every child and for one team (the same: the count does not grow with the
data), and its ratio to one forced sequential scan of the largest table it reads, the floor for a figure
worked out from the records. Then the dashboard page through Django's test client as a head of service."""

import re
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from psycopg import sql

from casework import codes, selectors
from casework.dashboard.figures import measure_figures
from casework.dashboard.registry import Measure, Periods, all_measures, periods_for
from casework.models import User

MEASURE_TARGET_MS, PAGE_TARGET_MS = 500, 2000
TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z][a-z0-9_]*)"?', re.IGNORECASE)


def _timed(action: Callable[[], Any], runs: int) -> tuple[float, int, list[str]]:
    """Median milliseconds over `runs` after one warm-up run, the queries of one run, and their SQL."""
    action()
    times, queries = [], None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            action()
            times.append((time.perf_counter() - began) * 1000)
        queries = queries or [query["sql"] for query in captured.captured_queries]
    return statistics.median(times), len(queries or []), queries or []


def _largest_table(sql: list[str]) -> str:
    tables = {name for statement in sql for name in TABLE.findall(statement)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) ORDER BY pg_relation_size(oid) DESC LIMIT 1", [list(tables)]
        )
        row = cursor.fetchone()
    return row[0] if row else ""


def _seq_scan_ms(table: str, runs: int) -> float:
    """One sequential scan of `table` (index scans turned off for the statement), median of `runs`."""

    count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))

    def scan() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
                cursor.execute(sql.SQL("SET LOCAL {} = off").format(sql.Identifier(setting)).as_string(cursor.connection))
            cursor.execute(count.as_string(cursor.connection))

    return _timed(scan, runs)[0]


class KpiBenchmark:
    """Writes its lines to `out` (a management command's stdout)."""

    def __init__(self, out: Any) -> None:
        self.stdout = out

    def run(self, *, runs: int, months: int, measures: list[str], page: bool = True) -> None:
        head = User.objects.filter(role=codes.Role.HEAD_OF_SERVICE, is_active=True).order_by("pk").first()
        manager = User.objects.filter(role=codes.Role.TEAM_MANAGER, is_active=True, team__isnull=False).order_by("pk").first()
        if head is None or manager is None:
            raise CommandError("No head of service or team manager: fill the database with manage.py demo_county first.")
        periods = periods_for(on=timezone.localdate(), months=months)
        everyone, team = selectors.children_for_figures(user=head), selectors.children_for_figures(user=manager)
        self._sizes(everyone, team, periods)
        chosen = [m for m in all_measures() if not measures or m.key in measures]
        failures = [self._measure(measure, everyone, team, periods, runs) for measure in chosen]
        if page:
            failures.append(self._page(head, runs))
        self.stdout.write("All targets met." if not any(failures) else "Some targets missed (marked MISSED above).")

    def _sizes(self, everyone: Any, team: Any, periods: Periods) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM casework_careepisode WHERE ended_on IS NULL")
            in_care = cursor.fetchone()[0]
        self.stdout.write(
            f"{everyone.count():,} children, {in_care:,} in care now; one team's children: {team.count():,}. "
            f"Chosen period {periods.current.label}, {len(periods.all)} periods per measure."
        )
        columns = f"{'median ms':>9} {'queries':>7} {'(team)':>6}  {'largest table read':<32} {'scan ms':>8} {'ratio':>6}"
        self.stdout.write(f"{'measure':<28} {columns}")

    def _measure(self, measure: Measure, everyone: Any, team: Any, periods: Periods, runs: int) -> bool:
        ms, queries, sql = _timed(lambda: measure_figures(measure=measure, children=everyone, periods=periods), runs)
        _, team_queries, _ = _timed(lambda: measure_figures(measure=measure, children=team, periods=periods), 1)
        table = _largest_table(sql)
        floor = _seq_scan_ms(table, runs) if table else 0
        missed = ms > MEASURE_TARGET_MS or queries != team_queries
        ratio = f"{ms / floor:6.2f}" if floor else "     –"
        flag = "  MISSED" if missed else ""
        self.stdout.write(f"{measure.key:<28} {ms:9.0f} {queries:7d} {team_queries:6d}  {table:<32} {floor:8.0f} {ratio}{flag}")
        return missed

    def _page(self, head: User, runs: int) -> bool:
        hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"]
        client = Client(headers={"host": hosts[0] if hosts else "localhost"})
        client.force_login(head)
        url = reverse("casework:dashboard")

        def get() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"The dashboard answered {response.status_code}.")

        # In turn on one connection first: its query count is the page's whole count (CaptureQueriesContext sees
        # only this thread's connection); then as configured, measures at once on HEARTH_DASHBOARD_CONNECTIONS.
        with override_settings(HEARTH_DASHBOARD_CONNECTIONS=1):
            one_ms, queries, _ = _timed(get, runs)
        self.stdout.write(f"{'whole page, one connection':<28} {one_ms:9.0f} {queries:7d}")
        ms, _, _ = _timed(get, runs)
        connections = settings.HEARTH_DASHBOARD_CONNECTIONS
        missed = ms > PAGE_TARGET_MS
        self.stdout.write(
            f"{f'whole page, {connections} connections':<28} {ms:9.0f} {queries:7d}  (target {PAGE_TARGET_MS} ms; "
            f"{one_ms / ms:.2f}x){'  MISSED' if missed else ''}"
        )
        return missed
