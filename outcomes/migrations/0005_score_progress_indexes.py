"""Index the child's scores that change their area's progress, and retired areas, for the star measure."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_score_progress")]

    operations = [
        migrations.AddIndex(
            model_name="checkinscore",
            index=models.Index(
                condition=models.Q(
                    ("respondent", "child"),
                    models.Q(("counted_change", 0), ("improved_change", 0), ("latest_change", 0), _negated=True),
                ),
                fields=["check_in_date"],
                include=("template_area", "area", "counted_change", "improved_change", "first_change", "latest_change"),
                name="child_progress_changes",
            ),
        ),
        migrations.AddIndex(
            model_name="stararea",
            index=models.Index(condition=models.Q(("retired_on__isnull", False)), fields=["retired_on"], name="retired_areas"),
        ),
    ]
