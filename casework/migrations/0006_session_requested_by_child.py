"""Each sibling contact session carries whether the child asked for the contact (copied from its arrangement by
the session service), and a partial index of those sessions by day covers what the dashboard counts, so sibling
contact reads that index alone instead of joining every session to its arrangement."""

import importlib

from django.db import migrations, models

on_postgresql = importlib.import_module("casework.migrations.0003_measure_indexes").on_postgresql

COPY = """
UPDATE casework_siblingcontactsession SET requested_by_child = (
    SELECT a.requested_by_child FROM casework_siblingcontactarrangement a WHERE a.id = arrangement_id
)
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS casework_session_asked_on ON casework_siblingcontactsession "
    "(planned_on) INCLUDE (status, cancelled_by, arrangement_id) WHERE requested_by_child"
)


class Migration(migrations.Migration):
    dependencies = [("casework", "0005_visit_in_care_until")]

    operations = [
        migrations.AddField(
            model_name="siblingcontactsession",
            name="requested_by_child",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.RunPython(
            on_postgresql(INDEX), on_postgresql("DROP INDEX IF EXISTS casework_session_asked_on")
        ),
    ]
