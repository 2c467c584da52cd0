"""Indexes found missing by the benchmark at 100,000 meetings (see BENCHMARKS.md).

Plain SQL (valid on PostgreSQL and SQLite) so that the models' state is unchanged:

- ``perf_meeting_ends_at``: the calendar's range filter (``ends_at > month start AND starts_at < month end``)
  is only selective on ``ends_at`` for recent months; without it PostgreSQL scans every meeting (34 ms → 1.4 ms
  for the current month).
- ``perf_paper_year_reference``: the paper list's order (``-year, reference``) without sorting every paper
  (127 ms → 0.3 ms for a page of 50).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_venue_exclusion_postgresql"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS perf_meeting_ends_at ON meetings_meeting (ends_at)",
            "DROP INDEX IF EXISTS perf_meeting_ends_at",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS perf_paper_year_reference ON meetings_paper (year DESC, reference)",
            "DROP INDEX IF EXISTS perf_paper_year_reference",
        ),
    ]
