"""Copy each check-in's date and respondent onto its scores (see CheckInScore), fill existing rows, and index
the child's own scores per area in date order for the dashboard's star measure."""

from django.db import migrations, models

FILL = """
UPDATE {table} AS s SET check_in_date = c.date, respondent = c.respondent
FROM outcomes_checkin AS c WHERE c.id = s.check_in_id AND s.check_in_date IS NULL
"""
# A history row of a score whose check-in has since been deleted (with its star) has nothing to copy.
FILL_ORPHANS = "UPDATE outcomes_historicalcheckinscore SET check_in_date = {day}, respondent = '' WHERE check_in_date IS NULL"


def fill_orphans(apps: object, schema_editor: object) -> None:
    day = "history_date::date" if schema_editor.connection.vendor == "postgresql" else "date(history_date)"
    schema_editor.execute(FILL_ORPHANS.format(day=day))
RESPONDENTS = [("child", "The child"), ("parent", "A parent"), ("carer", "A carer"), ("worker", "The worker")]


def _fields(model: str, *, null: bool) -> list[migrations.operations.base.Operation]:
    operation = migrations.AddField if null else migrations.AlterField
    return [
        operation(model_name=model, name="check_in_date", field=models.DateField(editable=False, null=null)),
        operation(
            model_name=model,
            name="respondent",
            field=models.CharField(choices=RESPONDENTS, editable=False, max_length=10, null=null),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0002_default_template")]

    operations = [
        *_fields("checkinscore", null=True),
        *_fields("historicalcheckinscore", null=True),
        migrations.RunSQL(FILL.format(table="outcomes_checkinscore"), migrations.RunSQL.noop),
        migrations.RunSQL(FILL.format(table="outcomes_historicalcheckinscore"), migrations.RunSQL.noop),
        migrations.RunPython(fill_orphans, migrations.RunPython.noop),
        *_fields("checkinscore", null=False),
        *_fields("historicalcheckinscore", null=False),
        migrations.AddIndex(
            model_name="checkinscore",
            index=models.Index(
                condition=models.Q(("respondent", "child")),
                fields=["area", "check_in_date", "check_in"],
                include=("score",),
                name="child_scores_in_order",
            ),
        ),
    ]
