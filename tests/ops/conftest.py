"""Fixtures of the operations drills: the native production topology, on a private redis-server.

Tests marked ``ops`` start real processes (gunicorn, Celery worker and beat, redis-server, PostgreSQL) and
run only when asked: ``NRC_OPS=1`` (what ``.ci/drills`` sets). They need the local PostgreSQL at
127.0.0.1:5432 (user postgres, trust) and create only databases named ``nrc_ops*``.
"""

from __future__ import annotations

import os

import pytest

from ops.topology import Topology, private_redis

OPS = os.environ.get("NRC_OPS") == "1"

#: Put on every module of drills: marked ``ops``, skipped unless NRC_OPS=1.
ops_only = [pytest.mark.ops, pytest.mark.skipif(not OPS, reason="operations drill: run by .ci/drills (NRC_OPS=1)")]


def pytest_configure(config):
    config.addinivalue_line("markers", "ops: drills against the native topology; run by .ci/drills (NRC_OPS=1)")


@pytest.fixture(scope="session")
def redis_server():
    """A private redis-server (broker and cache) that drills may stop; the shared one is never touched."""
    with private_redis() as server:
        yield server


@pytest.fixture(scope="session")
def topology(redis_server):
    """gunicorn (2 workers), a Celery worker and beat, production settings, scratch database nrc_ops_drills."""
    with Topology(database="nrc_ops_drills", redis_url=redis_server.url + "/0") as topo:
        yield topo
