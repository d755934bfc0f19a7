"""Each statutory visit points at the child's next one (Visit.next_statutory_at, kept by the visit services),
and the statutory visits' index covers it, so the dashboard reads each child's latest visit before a day from
the index alone."""

import importlib

from django.db import migrations, models

on_postgresql = importlib.import_module("casework.migrations.0003_measure_indexes").on_postgresql

# services.statutory_visits_link in SQL: the next statutory visit of the same child, in time order.
LINK = """
UPDATE casework_visit SET next_statutory_at = n.next_at
FROM (
    SELECT id, lead(visited_at) OVER (PARTITION BY child_id ORDER BY visited_at, id) AS next_at
    FROM casework_visit WHERE visit_type = 'statutory'
) AS n
WHERE n.id = casework_visit.id AND n.next_at IS NOT NULL
"""
COVERING = "(visited_at) INCLUDE (child_id, seen_alone, next_statutory_at) WHERE visit_type = 'statutory'"
EARLIER = "(visited_at) INCLUDE (child_id, seen_alone) WHERE visit_type = 'statutory'"


def index(definition: str) -> str:
    return f"DROP INDEX IF EXISTS casework_visit_statutory_at; CREATE INDEX casework_visit_statutory_at ON casework_visit {definition}"


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_measure_indexes")]

    operations = [
        migrations.AddField(model_name="visit", name="next_statutory_at", field=models.DateTimeField(editable=False, null=True)),
        migrations.RunSQL(LINK, migrations.RunSQL.noop),
        migrations.RunPython(on_postgresql(index(COVERING)), on_postgresql(index(EARLIER))),
    ]
