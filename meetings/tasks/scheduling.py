"""Celery tasks: scheduling. Thin: ids in, one service call, safe to run twice."""

from celery import shared_task

from ..services.scheduling import reminders_send as _reminders_send

__all__ = ["reminders_send"]


@shared_task(name="meetings.tasks.reminders_send", time_limit=300, soft_time_limit=270)
def reminders_send() -> dict:
    """Daily (see CELERY_BEAT_SCHEDULE): reminders a week ahead, and the secretariat's digest."""
    return _reminders_send()
