"""Celery tasks: session_requests. Thin: ids in, one service call, safe to run twice."""
