"""Partial indexes for the dashboard's measures (casework/measures.py), kept out of the models' state: they only
serve the measures' range scans. Statutory visits by time (statutory visits), signed visits by signing time
(records checked); each covers the child so the scans read the index alone."""

from django.db import migrations

INDEXES = {
    "casework_visit_statutory_at": "(visited_at) INCLUDE (child_id, seen_alone) WHERE visit_type = 'statutory'",
    "casework_visit_signed_at": "(signed_at) INCLUDE (child_id) WHERE status = 'signed'",
}


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_child_accounts")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON casework_visit {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
