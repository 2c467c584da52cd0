"""/healthz: the load balancer's probe. 503 only when the database fails; a broker outage is 'degraded'."""

from __future__ import annotations

import pytest
from django.db import OperationalError

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_is_ok_when_everything_answers(client, settings):
    settings.REDIS_URL = ""
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in resp["Cache-Control"]


@pytest.mark.django_db
def test_a_broker_outage_is_reported_as_degraded_and_the_node_keeps_serving(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    settings.CELERY_BROKER_URL = CLOSED_PORT
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "ok", "broker": "error"}}


@pytest.mark.django_db
def test_a_database_outage_takes_the_node_out(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("nrc.views.connection.cursor", refuse)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json() == {"status": "error", "checks": {"database": "error", "cache": "ok"}}
