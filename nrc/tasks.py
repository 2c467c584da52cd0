"""Thin tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from .notifications import _queue, notification_send, outbox_pending_ids


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def notification_deliver(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id)


@shared_task(time_limit=120, soft_time_limit=100)
def outbox_sweep() -> int:
    ids = outbox_pending_ids()
    _queue(ids)
    return len(ids)
