"""PostgreSQL only: leave room on each page of the tables the nightly job updates in place.

The finishing step updates every snapshot row of the day once (percentile, value score, risk
level) and the state row of every partner; flag episodes get their "last seen" day. None of
those columns is indexed, so with free space on the page PostgreSQL makes them HOT updates
(no new index entries). Measured at 10,000 partners: almost none were HOT at the default
fillfactor of 100. SQLite has no such setting: nothing to do there.
"""
from django.db import migrations

TABLES = {
    "lifecycle_lifecyclesnapshot": 50,
    "lifecycle_partnerlifecycle": 70,
    "lifecycle_riskflag": 70,
}


def apply(apps, schema_editor, reverse=False):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fillfactor in TABLES.items():
        if reverse:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fillfactor})")


def unapply(apps, schema_editor):
    apply(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_defaults")]
    operations = [migrations.RunPython(apply, unapply)]
