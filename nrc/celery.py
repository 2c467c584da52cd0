"""The Celery application: tasks are discovered from every installed app.

The broker comes from settings (Redis when REDIS_URL is set, a filesystem broker otherwise).
The beat schedule is declared in one place: ``CELERY_BEAT_SCHEDULE`` in ``nrc/settings/base.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrc.settings.local")

app = Celery("nrc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
