"""A case note carries the key of the save that made it, as a visit does: a second click or a resent request finds
the first note instead of making another. Added in three steps so that notes already written each get their own key."""

import uuid

from django.db import migrations, models


def give_each_note_a_key(apps: object, schema_editor: object) -> None:
    notes = apps.get_model("casework", "CaseNote")  # type: ignore[attr-defined]
    for note in notes.objects.filter(idempotency_key__isnull=True).only("pk"):
        note.idempotency_key = uuid.uuid4()
        note.save(update_fields=["idempotency_key"])


class Migration(migrations.Migration):
    dependencies = [("casework", "0019_sibling_slot_kept")]

    operations = [
        migrations.AddField(model_name="casenote", name="idempotency_key", field=models.UUIDField(null=True, editable=False)),
        migrations.AddField(
            model_name="historicalcasenote", name="idempotency_key", field=models.UUIDField(null=True, editable=False, db_index=True)
        ),
        migrations.RunPython(give_each_note_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casenote",
            name="idempotency_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalcasenote",
            name="idempotency_key",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
