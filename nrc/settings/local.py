"""Local development on the embedded defaults (SQLite, filesystem broker). Not for production."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
NRC_DEMO = env.bool("NRC_DEMO", default=True)
