"""Celery tasks: scheduling. Thin: ids in, one service call, safe to run twice."""
