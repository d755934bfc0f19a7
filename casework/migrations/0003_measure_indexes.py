"""Partial indexes for the dashboard's measures (casework/measures.py), kept out of the models' state: they only
serve the measures' range scans. Statutory visits by time (statutory visits), signed visits by signing time
(records checked); each covers the child so the scans read the index alone. PostgreSQL only: SQLite (once the
laptop default; Hearth now runs on PostgreSQL only) has no covering indexes."""

from django.db import migrations

INDEXES = {
    "casework_visit_statutory_at": "(visited_at) INCLUDE (child_id, seen_alone) WHERE visit_type = 'statutory'",
    "casework_visit_signed_at": "(signed_at) INCLUDE (child_id) WHERE status = 'signed'",
}


def on_postgresql(sql: str) -> migrations.RunPython:
    def run(apps: object, schema_editor: object) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_child_accounts")]

    operations = [
        migrations.RunPython(
            on_postgresql(f"CREATE INDEX IF NOT EXISTS {name} ON casework_visit {definition}"),
            on_postgresql(f"DROP INDEX IF EXISTS {name}"),
        )
        for name, definition in INDEXES.items()
    ]
