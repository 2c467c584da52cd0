"""Celery discovers ``meetings.tasks``; each capability keeps its tasks in its own module."""

from .decisions import *  # noqa: F403
from .scheduling import *  # noqa: F403
from .session_requests import *  # noqa: F403
