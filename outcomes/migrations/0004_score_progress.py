"""Copy each area's template area onto its scores, and each child's score's change to its area's progress
(outcomes.progress, which says why), the index for them is 0005's (a table with rows just updated under a new foreign key can't be indexed in the
same transaction on PostgreSQL)."""

import django.db.models.deletion
from django.db import migrations, models

TEMPLATE_AREAS = """
UPDATE outcomes_checkinscore SET template_area_id = a.template_area_id
FROM outcomes_stararea AS a WHERE a.id = outcomes_checkinscore.area_id AND a.template_area_id IS NOT NULL
"""
# progress_changes in SQL: from an area's second score on, counted, improved while above the first, first, latest.
PROGRESS = """
UPDATE outcomes_checkinscore SET
    counted_change = CASE WHEN o.nth = 2 THEN 1 ELSE 0 END,
    improved_change = (CASE WHEN o.score > o.first THEN 1 ELSE 0 END)
        - (CASE WHEN o.nth > 2 AND o.before > o.first THEN 1 ELSE 0 END),
    first_change = CASE WHEN o.nth = 2 THEN o.first ELSE 0 END,
    latest_change = o.score - (CASE WHEN o.nth > 2 THEN o.before ELSE 0 END)
FROM (
    SELECT id, score, row_number() OVER w AS nth, first_value(score) OVER w AS first, lag(score) OVER w AS before
    FROM outcomes_checkinscore WHERE respondent = 'child'
    WINDOW w AS (PARTITION BY area_id ORDER BY check_in_date, check_in_id)
) AS o
WHERE o.id = outcomes_checkinscore.id AND o.nth >= 2
"""


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0003_score_check_in_date'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkinscore',
            name='counted_change',
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='checkinscore',
            name='first_change',
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='checkinscore',
            name='improved_change',
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='checkinscore',
            name='latest_change',
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='checkinscore',
            name='template_area',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='outcomes.templatearea'),
        ),
        migrations.RunSQL(TEMPLATE_AREAS, migrations.RunSQL.noop),
        migrations.RunSQL(PROGRESS, migrations.RunSQL.noop),
    ]
