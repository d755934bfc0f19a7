"""Each statutory visit carries the end of the care it was made in (Visit.in_care_until, kept by the visit and care
services), and the statutory visits' index covers it, so the dashboard counts the visits in time on a day from the
index alone instead of joining each to the child's care episodes."""

import datetime
import importlib

from django.conf import settings
from django.db import migrations, models

on_postgresql = importlib.import_module("casework.migrations.0003_measure_indexes").on_postgresql
links = importlib.import_module("casework.migrations.0004_statutory_visit_links")
EARLIER, index = links.COVERING, links.index  # the index as 0004 left it, and how it is rebuilt

# services.care_until in SQL: the latest end (date.max while open) of the child's care begun by the visit's local day.
FILL = """
UPDATE casework_visit v SET in_care_until = (
    SELECT MAX(COALESCE(e.ended_on, DATE '9999-12-31')) FROM casework_careepisode e
    WHERE e.child_id = v.child_id AND e.started_on <= (v.visited_at AT TIME ZONE %s)::date
) WHERE v.visit_type = 'statutory'
"""
COVERING = "(visited_at) INCLUDE (child_id, seen_alone, next_statutory_at, in_care_until) WHERE visit_type = 'statutory'"


def fill(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL, [settings.TIME_ZONE])
        return
    # Elsewhere (SQLite, once the laptop's default; Hearth now runs on PostgreSQL only) the same rule in Python, with the local day worked out here.
    from django.utils import timezone

    episodes = apps.get_model("casework", "CareEpisode").objects
    for visit in apps.get_model("casework", "Visit").objects.filter(visit_type="statutory"):
        day = timezone.localdate(visit.visited_at)
        ends = episodes.filter(child_id=visit.child_id, started_on__lte=day).values_list("ended_on", flat=True)
        visit.in_care_until = max((ended or datetime.date.max for ended in ends), default=None)
        visit.save(update_fields=["in_care_until"])


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_statutory_visit_links")]

    operations = [
        migrations.AddField(model_name="visit", name="in_care_until", field=models.DateField(editable=False, null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(index(COVERING)), on_postgresql(index(EARLIER))),
    ]
