"""Celery tasks: decisions. Thin: ids in, one service call, safe to run twice."""

from celery import shared_task

from ..services.decisions import silence_procedures_close as _close_all

__all__ = ["silence_procedures_close"]


@shared_task(name="meetings.tasks.silence_procedures_close", time_limit=120, soft_time_limit=100, acks_late=True)
def silence_procedures_close() -> int:
    """Adopt the decisions whose silence procedure ended unbroken (every 5 minutes, see CELERY_BEAT_SCHEDULE)."""
    return _close_all()
