"""Pages of the audit trail: browse and filter, one entry with its before/after diff, CSV export."""

from __future__ import annotations

import csv

from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .audit_jobs import AUDIT_EXPORT_JOB, audit_export_params
from .audit_selectors import AUDIT_ROLES, AuditFilter, audit_csv_rows, audit_diff, audit_entries
from .jobs import job_start
from .pagination import paginate
from .permissions import require_role

PAGE_SIZE = 50


class _Echo:
    """A write-only file-like object: csv.writer hands each row straight to the streaming response."""

    def write(self, value: str) -> str:
        return value


@require_GET
def audit_list(request):
    entries = AuditFilter(request.GET or None, queryset=audit_entries(user=request.user))
    page, query = paginate(request, entries.qs, PAGE_SIZE)
    return render(
        request,
        "nrc/audit_list.html",
        {"filter": entries, "page": page, "query": query},
    )


@require_GET
def audit_detail(request, pk: int):
    entry = get_object_or_404(audit_entries(user=request.user), pk=pk)
    return render(request, "nrc/audit_detail.html", {"entry": entry, "diff": audit_diff(entry)})


@require_GET
def audit_export(request):
    entries = AuditFilter(request.GET or None, queryset=audit_entries(user=request.user))
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in audit_csv_rows(entries.qs.order_by("id")))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@require_POST
def audit_export_start(request):
    """Large exports: a background job with a progress page, then a download."""
    require_role(request.user, *AUDIT_ROLES)
    job = job_start(kind=AUDIT_EXPORT_JOB, params=audit_export_params(request.POST), acting_user=request.user)
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))
