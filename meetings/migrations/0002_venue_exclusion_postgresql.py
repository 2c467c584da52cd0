"""On PostgreSQL, the database itself refuses two live meetings in one venue at overlapping times.

An exclusion constraint over (venue, time range) with btree_gist; cancelled meetings are left out. Other
databases rely on the scheduling service's check (see meetings.services.scheduling).
"""

from django.db import migrations

CONSTRAINT = "meeting_venue_no_overlap"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE meetings_meeting ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (venue_id IS NOT NULL AND status <> 'cancelled')"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE meetings_meeting DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
