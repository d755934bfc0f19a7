"""Every record in a database, to compare two databases (or one before and after) row for row."""

from typing import Any

import psycopg
from psycopg import sql

DIGEST = "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} AS t"


def every_record(url: str) -> dict[str, tuple[Any, ...] | None]:
    """Each table's row count and a digest of all its rows."""
    with psycopg.connect(url) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: db.execute(sql.SQL(DIGEST).format(sql.Identifier(table))).fetchone() for table in tables}
