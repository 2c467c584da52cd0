"""Benchmark settings: production-like (DEBUG off, PostgreSQL, Redis cache, persistent connections) on loopback
HTTP, with two minimal "floor" views (bench/urls.py) that go through the same middleware, server and
authentication as the real pages. Used by ``bench/run`` only; never in production."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
# The benchmark database holds generated data only (``generate_large_dataset`` needs NRC_DEMO).
NRC_DEMO = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="bench-only-not-a-secret-" + "0" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"

DATABASES["default"] = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/nrc_bench")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/6")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = REDIS_URL
NRC_PAGE_CACHE = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# The API token throttle would turn a load test into 429s.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000000/min"}}  # noqa: F405
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
