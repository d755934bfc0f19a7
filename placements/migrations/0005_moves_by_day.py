"""The moves of a week, for the statutory visits measure (a child who moved home in the week is not yet due): an
index on the day a home began, as the expression (started_on + 0), which only a query written the same way uses.

On the plain column, the planner could pick it for any lookup of homes, even a child's own few: with the visits
keeper's settings (no sequential scans) and no statistics yet (a bulk load in one transaction), it scanned the whole
index for each of them, and the demo county's load of homes took minutes. Kept out of the model's Meta for that
reason; the statutory visits measure reads it with `p.started_on + 0`."""

from django.db import migrations

CREATE = "CREATE INDEX placement_moves_by_day ON placements_placementepisode ((started_on + 0))"
DROP = "DROP INDEX IF EXISTS placement_moves_by_day"


class Migration(migrations.Migration):
    dependencies = [("placements", "0004_emergency_moves_residential_reviews")]

    operations = [migrations.RunSQL(CREATE, DROP)]
