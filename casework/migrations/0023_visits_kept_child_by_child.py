"""The visits' keeper (0018) works child by child: one statement per child, each joining only that child's visits.

0018's keeper worked out every child's visits in one statement and wrote them back with a join between the visits
and what it had worked out. The join's plan depends on the statistics of the moment: in the middle of a demo build
or in a test database (tables just filled, not yet analysed) PostgreSQL sometimes ran the whole working-out again
for every visit it wrote, so one COPY of the demo county's homes took many minutes of CPU (care episodes and homes
read tens of millions of times). Child by child, whatever plan it picks is bounded by one child's visits. The
values kept are the same; nothing is recomputed here.

PostgreSQL only, as 0008."""

import importlib

from django.db import migrations

kept = importlib.import_module("casework.migrations.0008_kept_values_triggers")
statutory = importlib.import_module("casework.migrations.0018_statutory_visits_signed_and_moves")
PostgreSQLOnly, PLAN, TIME_ZONE, A_MOVE = kept.PostgreSQLOnly, kept.PLAN, kept.TIME_ZONE, statutory.A_MOVE

VISITS_KEEP = f"""
-- Visit.next_statutory_at, Visit.in_care_until and Visit.moved_after_on for the children's visits, as 0018 says,
-- one child at a time: each statement reads and writes that child's visits alone, so no plan can read every child's.
CREATE OR REPLACE FUNCTION casework_visits_keep(children bigint[]) RETURNS void LANGUAGE plpgsql {PLAN} AS $$
DECLARE
    one bigint;
BEGIN
    IF cardinality(children) = 0 THEN
        RETURN;
    END IF;
    PERFORM casework_children_lock(children);
    FOREACH one IN ARRAY children LOOP
        WITH kept AS MATERIALIZED (
            SELECT v.id,
                CASE WHEN v.counts THEN
                    lead(v.visited_at) OVER (PARTITION BY v.counts ORDER BY v.visited_at, v.id)
                END AS next_statutory_at,
                CASE WHEN v.counts THEN (
                    SELECT max(coalesce(e.ended_on, DATE '9999-12-31')) FROM casework_careepisode AS e
                    WHERE e.child_id = one AND e.started_on <= v.day
                ) END AS in_care_until,
                CASE WHEN v.counts THEN (
                    SELECT min(p.started_on) FROM placements_placementepisode AS p
                    WHERE p.child_id = one AND p.started_on > v.day AND {A_MOVE}
                ) END AS moved_after_on
            FROM (
                SELECT id, visited_at, (visited_at AT TIME ZONE {TIME_ZONE})::date AS day,
                    visit_type = 'statutory' AND status = 'signed' AS counts
                FROM casework_visit WHERE child_id = one
            ) AS v
        )
        UPDATE casework_visit AS v
        SET next_statutory_at = kept.next_statutory_at, in_care_until = kept.in_care_until,
            moved_after_on = kept.moved_after_on
        FROM kept
        WHERE v.id = kept.id AND v.child_id = one AND (v.next_statutory_at, v.in_care_until, v.moved_after_on)
            IS DISTINCT FROM (kept.next_statutory_at, kept.in_care_until, kept.moved_after_on);
    END LOOP;
END $$
"""  # noqa: S608 (the migrations' own constants, no input)


class Migration(migrations.Migration):
    dependencies = [("casework", "0022_shared_record_child_versions")]

    operations = [PostgreSQLOnly([VISITS_KEEP], [statutory.VISITS_KEEP])]
