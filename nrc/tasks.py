"""Thin tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from .jobs import _queue as job_queue
from .jobs import job_execute, jobs_pending_ids
from .notifications import _queue, notification_send, outbox_pending_ids


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def notification_deliver(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id)


@shared_task(time_limit=120, soft_time_limit=100)
def outbox_sweep() -> int:
    """Queue what could not be queued at commit time: notifications and background jobs."""
    ids = outbox_pending_ids()
    _queue(ids)
    job_ids = jobs_pending_ids()
    for job_id in job_ids:
        job_queue(job_id)
    return len(ids) + len(job_ids)


@shared_task(time_limit=1800, soft_time_limit=1700)
def job_run(job_id: int) -> bool:
    return job_execute(job_id=job_id)
