"""Finding a child by a name spelled as it sounds ("Jon Smyth" for "John Smith"): PostgreSQL's pg_trgm.

pg_trgm is a trusted extension (PostgreSQL 13 and later), so the database's owner may create it without
being a superuser. On another database (Hearth once defaulted to SQLite; it now runs on PostgreSQL only) nothing is created."""

from django.db import migrations


def create_pg_trgm(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("casework", "0012_child_identity")]

    operations = [migrations.RunPython(create_pg_trgm, migrations.RunPython.noop)]
