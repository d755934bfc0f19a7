"""The values kept only to make the dashboard's measures fast get one owner: PostgreSQL triggers, so every way a
row is written (the services, the admin, the API, save(), update(), bulk_create, raw SQL, the demo's COPY) keeps
them right, and no write path has to remember to.

- Allocation.first_change_that_day: the allocation's end is the child's first change of worker that day (social
  worker changes counts days with a new worker: two changes on one day are one).
- Visit.next_statutory_at and Visit.in_care_until: on a statutory visit, when the child's next statutory visit was,
  and until when the care it was made in lasted (statutory visits reads both from the statutory visits' index).
- SiblingContactSession.requested_by_child: its arrangement's (sibling contact counts the sessions the child asked
  for from one partial index).

Each trigger is an AFTER ... FOR EACH STATEMENT trigger with its transition table: it works out which children the
statement touched (for an update, only rows whose inputs or kept values changed: a full save() that writes back a
stale kept value is put right), locks those children's rows in id order (so two saves for one child come out as if
in turn, and in the order the visit services lock in), and recomputes their values set-based, writing only those
that differ. A COPY of a million visits is one recomputation, not a million. The keepers' own updates fire the
triggers again one level down, where they stop (pg_trigger_depth() > 1; so a write made by some other table's
trigger would not be kept either: there is none). Written by UPDATE, never through Django, so the kept values add no
history row and leave updated_at (a visit's version) alone. The rules are written once, here: the services, the
demo and the tests' factories no longer work them out.

PostgreSQL only: on another database (Hearth once defaulted to SQLite; it now runs on PostgreSQL only) this migration does nothing."""

from typing import Any

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on any other database."""

    def database_forwards(self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# The day a visit was on, as the services and the dashboard count days (in settings.TIME_ZONE, fixed here when the
# migration runs: a council that changes its time zone runs this migration's SQL again).
TIME_ZONE = "'" + settings.TIME_ZONE.replace("'", "''") + "'"

LOCK = """
-- One keeper at a time for a child: the children's rows are locked in id order before any of their kept values is
-- read, and in READ COMMITTED each statement after the lock sees what the other save committed. FOR NO KEY UPDATE,
-- not FOR UPDATE: two inserts for one child each hold a KEY SHARE lock on the child (the foreign key check), which
-- FOR UPDATE would wait on, each for the other.
CREATE FUNCTION casework_children_lock(children bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM casework_child WHERE id = ANY(children) ORDER BY id FOR NO KEY UPDATE;
END $$
"""

# The keepers read each child's rows through a LATERAL subquery and write them back by primary key: child by child
# through the indexes, however large the table. Their settings say so, since in the middle of a demo build (one
# transaction, no statistics yet) PostgreSQL would guess that a few thousand children have most of the rows and
# hash the whole table, or JIT-compile a query that takes milliseconds; and where the statistics say a table is
# nearly empty (a test database, or one just made) it would scan all of it for every visit: with a thousand rolled-back
# test counties in the heap, the care episodes were read 37 million times for one small county.
PLAN = "SET jit = off SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off"

ALLOCATIONS_KEEP = f"""
-- Allocation.first_change_that_day for the children's allocations: an allocation that ended is the first change
-- that day when no allocation of the child made before it (a lower id) ended the same day; the others that ended
-- then are the same new worker. An allocation still open is no change.
CREATE FUNCTION casework_allocations_keep(children bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
BEGIN
    IF cardinality(children) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(children);
    WITH kept AS (
        SELECT mine.* FROM unnest(children) AS child (id) CROSS JOIN LATERAL (
            SELECT a.id, a.ended_on IS NOT NULL AND a.id = min(a.id) OVER (PARTITION BY a.ended_on) AS first_change_that_day
            FROM casework_allocation AS a WHERE a.child_id = child.id
        ) AS mine
    )
    UPDATE casework_allocation AS a SET first_change_that_day = kept.first_change_that_day
    FROM kept
    WHERE a.id = kept.id AND a.first_change_that_day <> kept.first_change_that_day;
END $$
"""

VISITS_KEEP = f"""
-- Visit.next_statutory_at and Visit.in_care_until for the children's visits. On a statutory visit: the child's next
-- statutory visit in time order (none yet: empty), and the latest end of a care episode begun by the visit's local
-- day (9999-12-31 while it goes on; empty if none had begun). On any other visit both are empty.
CREATE FUNCTION casework_visits_keep(children bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
BEGIN
    IF cardinality(children) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(children);
    WITH kept AS (
        SELECT mine.* FROM unnest(children) AS child (id) CROSS JOIN LATERAL (
            SELECT v.id,
                CASE WHEN v.visit_type = 'statutory' THEN
                    lead(v.visited_at) OVER (PARTITION BY v.visit_type ORDER BY v.visited_at, v.id)
                END AS next_statutory_at,
                CASE WHEN v.visit_type = 'statutory' THEN (
                    SELECT max(coalesce(e.ended_on, DATE '9999-12-31')) FROM casework_careepisode AS e
                    WHERE e.child_id = child.id AND e.started_on <= (v.visited_at AT TIME ZONE {TIME_ZONE})::date
                ) END AS in_care_until
            FROM casework_visit AS v WHERE v.child_id = child.id
        ) AS mine
    )
    UPDATE casework_visit AS v SET next_statutory_at = kept.next_statutory_at, in_care_until = kept.in_care_until
    FROM kept
    WHERE v.id = kept.id
        AND (v.next_statutory_at, v.in_care_until) IS DISTINCT FROM (kept.next_statutory_at, kept.in_care_until);
END $$
"""

SESSIONS_KEEP = f"""
-- SiblingContactSession.requested_by_child for the arrangements' sessions: the arrangement's.
CREATE FUNCTION casework_sessions_keep(arrangements bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
BEGIN
    IF cardinality(arrangements) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(
        ARRAY(SELECT child_id FROM casework_siblingcontactarrangement WHERE id = ANY(arrangements))
    );
    WITH kept AS (
        SELECT mine.* FROM unnest(arrangements) AS arrangement (id) CROSS JOIN LATERAL (
            SELECT s.id, a.requested_by_child
            FROM casework_siblingcontactarrangement AS a JOIN casework_siblingcontactsession AS s ON s.arrangement_id = a.id
            WHERE a.id = arrangement.id
        ) AS mine
    )
    UPDATE casework_siblingcontactsession AS s SET requested_by_child = kept.requested_by_child
    FROM kept
    WHERE s.id = kept.id AND s.requested_by_child <> kept.requested_by_child;
END $$
"""


# The transition tables each event has: the rows inserted (new_rows), deleted (old_rows), or both for an update.
TRANSITION = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def keep_on_change(
    table: str, keeper: str, key: str, columns: list[str], events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")
) -> list[str]:
    """A trigger function and its statement triggers on `table`: they call `keeper` with the `key` (child_id or
    arrangement_id) of every row the statement inserted or deleted, and of every row it updated whose `columns`
    changed (what the kept values are worked out from, and the kept values themselves)."""
    before, after = (", ".join(f"{rows}.{column}" for column in columns) for rows in ("o", "n"))
    function = f"""
CREATE FUNCTION {table}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;  -- a keeper's own update: what it writes is kept already
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM {keeper}(ARRAY(SELECT DISTINCT {key} FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {keeper}(ARRAY(SELECT DISTINCT {key} FROM old_rows));
    ELSE
        PERFORM {keeper}(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.{key}, n.{key}]) FROM old_rows AS o JOIN new_rows AS n USING (id)
            WHERE ({before}) IS DISTINCT FROM ({after})
        ));
    END IF;
    RETURN NULL;
END $$
"""
    triggers = [
        f"CREATE TRIGGER {table}_keep_{event.lower()} AFTER {event} ON {table} REFERENCING {TRANSITION[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_keep()"
        for event in events
    ]
    return [function, *triggers]


# What each trigger watches: the columns its kept values are worked out from, and the kept values themselves.
TRIGGERS = [
    *keep_on_change(
        "casework_allocation", "casework_allocations_keep", "child_id", ["child_id", "ended_on", "first_change_that_day"]
    ),
    *keep_on_change(
        "casework_visit",
        "casework_visits_keep",
        "child_id",
        ["child_id", "visit_type", "visited_at", "next_statutory_at", "in_care_until"],
    ),
    *keep_on_change("casework_careepisode", "casework_visits_keep", "child_id", ["child_id", "started_on", "ended_on"]),
    # A session's own: when it is recorded, or moved to another arrangement, or its kept value written over.
    *keep_on_change(
        "casework_siblingcontactsession",
        "casework_sessions_keep",
        "arrangement_id",
        ["arrangement_id", "requested_by_child"],
        ("INSERT", "UPDATE"),
    ),
    # An arrangement's sessions, when whether the child asked for it is corrected (a new one has no sessions yet).
    *keep_on_change("casework_siblingcontactarrangement", "casework_sessions_keep", "id", ["requested_by_child"], ("UPDATE",)),
]

# Once, for every record there is (0004 to 0007 filled them as the services kept them; this puts right anything a
# write path that did not call a service left wrong). Before the triggers are made, so the keepers' own updates do
# not set them off (at this depth they would work everything out again), and with the tables held against writes
# from here to the end of the migration, so none is made between the two.
HOLD = (
    "LOCK TABLE casework_allocation, casework_visit, casework_careepisode, casework_siblingcontactsession, "
    "casework_siblingcontactarrangement IN SHARE ROW EXCLUSIVE MODE"
)
RECOMPUTE = [
    "SELECT casework_allocations_keep(ARRAY(SELECT id FROM casework_child))",
    "SELECT casework_visits_keep(ARRAY(SELECT id FROM casework_child))",
    "SELECT casework_sessions_keep(ARRAY(SELECT id FROM casework_siblingcontactarrangement))",
]

# Undone: each trigger function with its triggers (CASCADE), then the keepers.
DROP = [
    *(
        f"DROP FUNCTION IF EXISTS {table}_keep() CASCADE"
        for table in ("casework_allocation", "casework_visit", "casework_careepisode", "casework_siblingcontactsession",
                      "casework_siblingcontactarrangement")  # fmt: skip
    ),
    "DROP FUNCTION casework_allocations_keep(bigint[])",
    "DROP FUNCTION casework_visits_keep(bigint[])",
    "DROP FUNCTION casework_sessions_keep(bigint[])",
    "DROP FUNCTION casework_children_lock(bigint[])",
]


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_allocation_first_change_that_day")]

    operations = [
        PostgreSQLOnly([HOLD, LOCK, ALLOCATIONS_KEEP, VISITS_KEEP, SESSIONS_KEEP, *RECOMPUTE, *TRIGGERS], DROP),
    ]
