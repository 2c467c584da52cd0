"""Background jobs with progress: long exports and long series run in Celery while the page shows progress.

A capability registers a runner with ``@job_kind("compliance.report_pdf")``: a function
``runner(*, job: BackgroundJob, progress: Callable[[int, str], None]) -> tuple[str, str, bytes]`` returning
(file name, content type, content). ``job_start`` creates the job and queues it after commit; the sweeper
re-queues jobs whose publishing failed. Running a job twice is harmless: a finished job is not run again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)
Runner = Callable[..., tuple[str, str, bytes]]
_RUNNERS: dict[str, Runner] = {}


def job_kind(name: str) -> Callable[[Runner], Runner]:
    def register(func: Runner) -> Runner:
        _RUNNERS[name] = func
        return func

    return register


_discovered = False


def _runners() -> dict[str, Runner]:
    # Discover every app's ``jobs`` module once, even when some runner registered itself earlier on import.
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return _RUNNERS


def _queue(job_id: int) -> None:
    from .tasks import job_run

    try:
        job_run.delay(job_id)
    except Exception:  # the broker is down: the sweeper will queue it
        logger.warning("job %s not queued; the sweeper will retry", job_id, exc_info=True)


@transaction.atomic
def job_start(*, kind: str, params: dict, acting_user) -> BackgroundJob:
    if kind not in _runners():
        raise ValidationError({"kind": _("Unknown job kind.")})
    job = BackgroundJob.objects.create(kind=kind, params=params, user=acting_user)
    audit_record(actor=acting_user, action="job.start", obj=job, after={"kind": kind, "params": params})
    transaction.on_commit(partial(_queue, job.pk), robust=True)
    return job


def job_execute(*, job_id: int) -> bool:
    """Run one job. Returns False when there is nothing to do (unknown, finished or running elsewhere)."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id, status=JobStatus.QUEUED).first()
        if job is None:
            return False
        job.status = JobStatus.RUNNING
        job.save(update_fields=["status"])

    def progress(percent: int, message: str = "") -> None:
        BackgroundJob.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message[:255])

    try:
        # Exports are written in the language of the person who asked for them.
        with translation.override(job.user.language or settings.LANGUAGE_CODE):
            name, content_type, content = _runners()[job.kind](job=job, progress=progress)
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=str(exc)[:255], finished_at=timezone.now()
        )
        return False
    job.refresh_from_db()
    job.result.save(name, ContentFile(content), save=False)
    job.result_name, job.content_type = name, content_type
    job.status, job.progress, job.finished_at = JobStatus.DONE, 100, timezone.now()
    job.save(update_fields=["result", "result_name", "content_type", "status", "progress", "finished_at"])
    return True


def jobs_pending_ids(*, older_than_seconds: int = 60) -> list[int]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        BackgroundJob.objects.filter(status=JobStatus.QUEUED, created_at__lte=cutoff).values_list("id", flat=True)
    )


def job_for_user(*, user, job_id: int) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(pk=job_id, user=user).first()
