"""Hearth used FCONTA for "transfer between teams"; in the 903 it is first contact, a child's first worker, and
never the reason for a change (rules SW10a, SW10b). A change already recorded as FCONTA was a transfer between
teams as the usual process: TSPROC. The history rows move too, so every version of an allocation reads the same."""

from django.db import migrations


def fconta_to_tsproc(apps, schema_editor):
    for model in ("Allocation", "HistoricalAllocation"):
        apps.get_model("casework", model).objects.filter(end_reason="FCONTA").update(end_reason="TSPROC")


class Migration(migrations.Migration):
    dependencies = [("casework", "0025_sex_as_903_codes_worker_registration")]

    # Not reversible to what it was: a TSPROC recorded before cannot be told apart from one moved here.
    operations = [migrations.RunPython(fconta_to_tsproc, migrations.RunPython.noop)]
