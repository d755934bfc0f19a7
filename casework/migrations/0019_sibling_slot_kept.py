"""Each sibling contact session keeps the slot of its arrangement's frequency it falls in (casework.contact_due), so
the sibling contact figure counts the slots met from one partial index, by the slots' last days, rather than working
out the slot of every session (650,000 at national scale) on every request.

- SiblingContactSession.slot_ends: the last day of the slot the session falls in, while that slot is due at all:
  empty for 'other' (no slots), a session before the arrangement started, or a slot the arrangement ended before.
- SiblingContactSession.stands_for_slot: this session stands for its slot, one a slot: the first (by id) of those
  that happened, or if none did the first recorded. So, over the sessions that stand for a slot, a count is of slots
  with something recorded, and a count of those that happened is of slots met (a slot is met at most once).

Both have the same owner as SiblingContactSession.requested_by_child: the one keeper of sessions, casework_sessions_keep
(migration 0008), which this replaces with one that works out all three for an arrangement's sessions together, as a
slot's session depends on its neighbours. Its triggers now also watch a session's day and status and its deletion (the
session that stood for a slot may go), and an arrangement's frequency, start and end (every slot moves). Everything
else is as 0008: statement triggers, children locked in id order, only changed values written, no history.

PostgreSQL only, as 0008: on SQLite the columns are there and nothing keeps them (the dashboard does not run there)."""

import importlib

from django.db import migrations, models

kept_values = importlib.import_module("casework.migrations.0008_kept_values_triggers")
PostgreSQLOnly, PLAN, keep_on_change = kept_values.PostgreSQLOnly, kept_values.PLAN, kept_values.keep_on_change

# casework.contact_due.STEPS as this migration was written: from one slot's start to the next, whole months or days
# (the kept-values test holds the kept slots to contact_due's, so a change there that is not made here fails it).
STEPS = "('weekly', 0, 7), ('fortnightly', 0, 14), ('monthly', 1, 0), ('quarterly', 3, 0)"
HAPPENED = "'happened'"  # codes.ContactSessionStatus.HAPPENED

SLOT_ENDS = f"""
-- The last day of the slot (casework.contact_due) that `day` falls in, of contact at `frequency` from `started_on`
-- to `ended_on` (its last day; empty while it lasts), while that slot is due at all: empty for a frequency with no
-- slots ('other'), a day before the start, or a slot that ends after the arrangement did. The k-th slot (from 0) runs
-- from the start plus k steps to the day before the start plus k + 1; in months, a shorter month's last day stands
-- in for a day it does not have, so the day is in month slot j (from 0) when it is j whole months after the start,
-- less one when its day of the month comes before the start's and it is not its month's last day.
CREATE FUNCTION casework_contact_slot_ends(started_on date, frequency text, ended_on date, day date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT slot.ends
    FROM (VALUES {STEPS}) AS step (frequency, months, days)
        CROSS JOIN LATERAL (
            SELECT CASE WHEN step.months > 0 THEN (
                (extract(year FROM $4)::int - extract(year FROM $1)::int) * 12
                + extract(month FROM $4)::int - extract(month FROM $1)::int
                - (extract(day FROM $4) < extract(day FROM $1) AND extract(day FROM $4 + 1) <> 1)::int
            ) / step.months ELSE ($4 - $1) / step.days END AS k
        ) AS slot_no
        CROSS JOIN LATERAL (
            SELECT ($1 + make_interval(months => (slot_no.k + 1) * step.months, days => (slot_no.k + 1) * step.days))::date
                - 1 AS ends
        ) AS slot
    WHERE step.frequency = $2 AND $4 >= $1 AND ($3 IS NULL OR slot.ends <= $3)
$$
"""

SESSIONS_KEEP = f"""
-- For the arrangements' sessions: SiblingContactSession.requested_by_child (the arrangement's), slot_ends (the last
-- day of the due slot the session falls in, casework_contact_slot_ends) and stands_for_slot (the session stands for
-- its slot: of the arrangement's sessions in it, the first by id that happened, or the first by id if none did).
CREATE OR REPLACE FUNCTION casework_sessions_keep(arrangements bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
BEGIN
    IF cardinality(arrangements) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(
        ARRAY(SELECT child_id FROM casework_siblingcontactarrangement WHERE id = ANY(arrangements))
    );
    WITH kept AS (
        SELECT mine.* FROM unnest(arrangements) AS arrangement (id) CROSS JOIN LATERAL (
            SELECT slotted.id, slotted.requested_by_child, slotted.slot_ends,
                slotted.slot_ends IS NOT NULL AND row_number() OVER (
                    PARTITION BY slotted.slot_ends ORDER BY slotted.status = {HAPPENED} DESC, slotted.id
                ) = 1 AS stands_for_slot
            FROM (
                SELECT s.id, s.status, a.requested_by_child,
                    casework_contact_slot_ends(a.started_on, a.frequency, a.ended_on, s.planned_on) AS slot_ends
                FROM casework_siblingcontactarrangement AS a
                    JOIN casework_siblingcontactsession AS s ON s.arrangement_id = a.id
                WHERE a.id = arrangement.id
            ) AS slotted
        ) AS mine
    )
    UPDATE casework_siblingcontactsession AS s
    SET requested_by_child = kept.requested_by_child, slot_ends = kept.slot_ends, stands_for_slot = kept.stands_for_slot
    FROM kept
    WHERE s.id = kept.id
        AND (s.requested_by_child, s.slot_ends, s.stands_for_slot)
            IS DISTINCT FROM (kept.requested_by_child, kept.slot_ends, kept.stands_for_slot);
END $$
"""

SESSION_TABLES = ("casework_siblingcontactsession", "casework_siblingcontactarrangement")
DROP_TRIGGERS = [f"DROP FUNCTION {table}_keep() CASCADE" for table in SESSION_TABLES]

TRIGGERS = [
    # A session's own: recorded, moved (to another day or arrangement), held or cancelled, deleted (another session
    # may then stand for its slot), or a kept value written over.
    *keep_on_change(
        "casework_siblingcontactsession",
        "casework_sessions_keep",
        "arrangement_id",
        ["arrangement_id", "planned_on", "status", "requested_by_child", "slot_ends", "stands_for_slot"],
    ),
    # An arrangement's sessions, when whether the child asked, its frequency, start or end is corrected (a new one has
    # no sessions yet, and one with sessions cannot be deleted).
    *keep_on_change(
        "casework_siblingcontactarrangement",
        "casework_sessions_keep",
        "id",
        ["requested_by_child", "frequency", "started_on", "ended_on"],
        ("UPDATE",),
    ),
]

# Once, for every session there is, with the triggers dropped (so the keeper's own update does not set them off) and
# the tables held against writes until the new triggers are made.
HOLD = "LOCK TABLE casework_siblingcontactsession, casework_siblingcontactarrangement IN SHARE ROW EXCLUSIVE MODE"
RECOMPUTE = "SELECT casework_sessions_keep(ARRAY(SELECT id FROM casework_siblingcontactarrangement ORDER BY id))"

# What the figure reads: the sessions that stand for a slot the child asked for, by the slot's last day, with their
# status (met or not) and arrangement (a team's children), so the count reads the index alone.
INDEX = (
    "CREATE INDEX casework_session_slot_ends ON casework_siblingcontactsession (slot_ends) "
    "INCLUDE (status, arrangement_id) WHERE requested_by_child AND stands_for_slot"
)

# Undone: 0008's keeper and triggers back (its keeper only writes requested_by_child, which these kept right).
OLD_TRIGGERS = [
    *keep_on_change(
        "casework_siblingcontactsession",
        "casework_sessions_keep",
        "arrangement_id",
        ["arrangement_id", "requested_by_child"],
        ("INSERT", "UPDATE"),
    ),
    *keep_on_change("casework_siblingcontactarrangement", "casework_sessions_keep", "id", ["requested_by_child"], ("UPDATE",)),
]
UNDO = [
    HOLD,
    "DROP INDEX casework_session_slot_ends",
    *DROP_TRIGGERS,
    kept_values.SESSIONS_KEEP.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
    "DROP FUNCTION casework_contact_slot_ends(date, text, date, date)",
    *OLD_TRIGGERS,
]


class Migration(migrations.Migration):
    dependencies = [("casework", "0018_statutory_visits_signed_and_moves")]

    operations = [
        migrations.AddField(
            model_name="siblingcontactsession",
            name="slot_ends",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="siblingcontactsession",
            name="stands_for_slot",
            field=models.BooleanField(default=False, editable=False),
        ),
        PostgreSQLOnly([HOLD, *DROP_TRIGGERS, SLOT_ENDS, SESSIONS_KEEP, RECOMPUTE, *TRIGGERS, INDEX], UNDO),
    ]
