"""Thin tasks: ids in, one service call. The flag refresh is idempotent, hence acks_late."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def cadence_flags_refresh() -> dict:
    """Hourly (CELERY_BEAT_SCHEDULE): evaluate every rule and upsert the flags."""
    return services.cadence_flags_refresh().as_dict
