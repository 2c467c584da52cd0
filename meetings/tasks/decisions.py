"""Celery tasks: decisions. Thin: ids in, one service call, safe to run twice."""
