"""Each ended allocation says whether its end was the child's first change of worker that day (kept by
allocation_change), so social worker changes counts a child's days with a new worker with a plain count, which
PostgreSQL can hash, rather than COUNT(DISTINCT ended_on), which it can only sort for."""

from django.db import migrations, models

# The first allocation (lowest id) of a child to end on a day; the others that ended then are the same new worker.
FILL = """
UPDATE casework_allocation SET first_change_that_day = TRUE WHERE id IN (
    SELECT MIN(id) FROM casework_allocation WHERE ended_on IS NOT NULL GROUP BY child_id, ended_on
)
"""


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_session_requested_by_child")]

    operations = [
        migrations.AddField(
            model_name="allocation", name="first_change_that_day", field=models.BooleanField(default=False, editable=False)
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
