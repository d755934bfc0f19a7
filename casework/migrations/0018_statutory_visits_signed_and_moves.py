"""Statutory visits as DESIGN.md defines them: only a signed record is a visit, and a move makes the next visit due
a week after it (not six weeks after the last visit).

- Visit.next_statutory_at now links a signed statutory visit to the child's next *signed* one: a draft written later
  no longer hides the visit before it from the dashboard, and is not itself a visit.
- Visit.moved_after_on (new, kept the same way): the first day after a signed statutory visit's day on which the
  child moved home (a placement episode began in another home than the one before: a change of carer or address). A visit followed by a move counts for the days before the move's
  week is up: after that the child is due a visit (the move's own week is counted as "new", as coming into care is).
- The triggers that keep them: the visit trigger now watches a visit's status and the new value, and a trigger on
  placements' episodes recomputes the child's visits when a move is recorded, moved or removed.
- The statutory visits' index covers only signed visits, with the new value, so the dashboard still counts the
  visits in time on a day from the index alone.

PostgreSQL only, as 0008: elsewhere only the column is added."""

import importlib

from django.db import migrations, models

kept = importlib.import_module("casework.migrations.0008_kept_values_triggers")
PostgreSQLOnly, keep_on_change, PLAN, TIME_ZONE = kept.PostgreSQLOnly, kept.keep_on_change, kept.PLAN, kept.TIME_ZONE

# A move is a change of carer or address: a new episode in the home the child was already in (its type or provider
# changed, or the 903 cut an episode for another reason) is not one.
A_MOVE = (
    "NOT EXISTS (SELECT 1 FROM placements_placementepisode AS q "
    "WHERE q.child_id = p.child_id AND q.home_id = p.home_id AND q.ended_on = p.started_on)"
)

VISITS_KEEP = f"""
-- Visit.next_statutory_at, Visit.in_care_until and Visit.moved_after_on for the children's visits. On a signed
-- statutory visit: the child's next signed statutory visit in time order (none yet: empty), the latest end of a care
-- episode begun by the visit's local day (9999-12-31 while it goes on; empty if none had begun), and the first day
-- after the visit's local day on which one of the child's homes began (empty if none has). Otherwise all empty.
CREATE OR REPLACE FUNCTION casework_visits_keep(children bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
BEGIN
    IF cardinality(children) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(children);
    WITH kept AS (
        SELECT mine.* FROM unnest(children) AS child (id) CROSS JOIN LATERAL (
            SELECT v.id,
                CASE WHEN v.counts THEN
                    lead(v.visited_at) OVER (PARTITION BY v.counts ORDER BY v.visited_at, v.id)
                END AS next_statutory_at,
                CASE WHEN v.counts THEN (
                    SELECT max(coalesce(e.ended_on, DATE '9999-12-31')) FROM casework_careepisode AS e
                    WHERE e.child_id = child.id AND e.started_on <= v.day
                ) END AS in_care_until,
                CASE WHEN v.counts THEN (
                    SELECT min(p.started_on) FROM placements_placementepisode AS p
                    WHERE p.child_id = child.id AND p.started_on > v.day AND {A_MOVE}
                ) END AS moved_after_on
            FROM (
                SELECT id, visited_at, (visited_at AT TIME ZONE {TIME_ZONE})::date AS day,
                    visit_type = 'statutory' AND status = 'signed' AS counts
                FROM casework_visit WHERE child_id = child.id
            ) AS v
        ) AS mine
    )
    UPDATE casework_visit AS v
    SET next_statutory_at = kept.next_statutory_at, in_care_until = kept.in_care_until,
        moved_after_on = kept.moved_after_on
    FROM kept
    WHERE v.id = kept.id AND (v.next_statutory_at, v.in_care_until, v.moved_after_on)
        IS DISTINCT FROM (kept.next_statutory_at, kept.in_care_until, kept.moved_after_on);
END $$
"""

VISIT_COLUMNS = ["child_id", "visit_type", "visited_at", "status", "next_statutory_at", "in_care_until", "moved_after_on"]
# What a move is made of: the episode's child, home and day, and the end of the one before it (A_MOVE).
MOVE_COLUMNS = ["child_id", "home_id", "started_on", "ended_on"]
TRIGGERS = [
    *keep_on_change("casework_visit", "casework_visits_keep", "child_id", VISIT_COLUMNS),
    *keep_on_change("placements_placementepisode", "casework_visits_keep", "child_id", MOVE_COLUMNS),
]
# Before the values are worked out again for every visit: 0008's visit trigger (which would set the keeper off a
# second time for every child the recomputation writes to) and the old index (kept up to date row by row) go first.
CLEAR = ["DROP FUNCTION casework_visit_keep() CASCADE", "DROP INDEX IF EXISTS casework_visit_statutory_at"]
COVERING = (
    "CREATE INDEX casework_visit_statutory_at ON casework_visit "
    "(visited_at) INCLUDE (child_id, seen_alone, next_statutory_at, in_care_until, moved_after_on) "
    "WHERE visit_type = 'statutory' AND status = 'signed'"
)
HOLD = "LOCK TABLE casework_visit, casework_careepisode, placements_placementepisode IN SHARE ROW EXCLUSIVE MODE"
RECOMPUTE = "SELECT casework_visits_keep(ARRAY(SELECT id FROM casework_child))"

# Undone: 0008's keeper and visit trigger, no trigger on the homes, 0005's index.
EARLIER = [
    "DROP FUNCTION IF EXISTS placements_placementepisode_keep() CASCADE",
    "DROP FUNCTION casework_visit_keep() CASCADE",
    kept.VISITS_KEEP.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
    *keep_on_change(
        "casework_visit", "casework_visits_keep", "child_id", ["child_id", "visit_type", "visited_at", "next_statutory_at", "in_care_until"]
    ),
    "DROP INDEX IF EXISTS casework_visit_statutory_at; CREATE INDEX casework_visit_statutory_at ON casework_visit "
    "(visited_at) INCLUDE (child_id, seen_alone, next_statutory_at, in_care_until) WHERE visit_type = 'statutory'",
    "SELECT casework_visits_keep(ARRAY(SELECT id FROM casework_child))",
]


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0017_merge_care_notes_import_siblings"),
        ("placements", "0004_emergency_moves_residential_reviews"),
    ]

    operations = [
        migrations.AddField(model_name="visit", name="moved_after_on", field=models.DateField(editable=False, null=True)),
        PostgreSQLOnly([HOLD, *CLEAR, VISITS_KEEP, RECOMPUTE, *TRIGGERS, COVERING], EARLIER),
    ]
