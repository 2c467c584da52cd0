"""Progress and download of a background job (only for the user who started it)."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .jobs import job_for_user
from .models import JobStatus


def _job_or_404(request, pk: int):
    job = job_for_user(user=request.user, job_id=pk)
    if job is None:
        raise Http404
    return job


@require_GET
def job_detail(request, pk: int):
    return render(request, "nrc/job_detail.html", {"job": _job_or_404(request, pk)})


@require_GET
def job_status(request, pk: int):
    job = _job_or_404(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "message": job.message,
            "download_url": reverse("job_download", args=[job.pk]) if job.status == JobStatus.DONE else None,
        }
    )


@require_GET
def job_download(request, pk: int):
    job = _job_or_404(request, pk)
    if job.status != JobStatus.DONE:
        raise Http404
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result_name, content_type=job.content_type
    )
