"""gunicorn settings shared by docker compose (web) and bin/topology: one place, the same behaviour.

Workers default to WEB_CONCURRENCY (else 2 × cores + 1); access and error logs are JSON lines on stdout,
like the application's (nrc.logging.JsonFormatter). The proxy in front terminates TLS and sets
X-Forwarded-Proto, which Django trusts (SECURE_PROXY_SSL_HEADER); gunicorn trusts it from FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# A request that takes longer than this is a bug: the worker is recycled and the request logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes a node down; jitter avoids all at once.
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "nrc.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
