"""The audit trail exported to CSV in the background, for exports too large to stream comfortably."""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model
from django.utils import timezone

from .audit_selectors import AuditFilter, audit_csv_rows, audit_entries
from .jobs import job_kind

AUDIT_EXPORT_JOB = "nrc.audit_csv"
FILTER_KEYS = ("object_type", "object_id", "action", "actor", "date_from", "date_to")


def audit_export_params(query) -> dict[str, str]:
    """The filters of the page, kept as the job's parameters (only the known keys)."""
    return {key: query.get(key) for key in FILTER_KEYS if query.get(key)}


@job_kind(AUDIT_EXPORT_JOB)
def audit_export_run(*, job, progress):
    # The role is checked again when the job runs: an account demoted in the meantime gets nothing.
    user = get_user_model().objects.get(pk=job.user_id)
    entries = AuditFilter(job.params or None, queryset=audit_entries(user=user)).qs.order_by("id")
    total = entries.count() or 1
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for done, row in enumerate(audit_csv_rows(entries)):
        writer.writerow(row)
        if done and done % 2000 == 0:
            progress(min(99, done * 100 // total), f"{done} / {total}")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return f"audit-trail-{stamp}.csv", "text/csv; charset=utf-8", buffer.getvalue().encode()
