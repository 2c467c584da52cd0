"""Drill: Redis (broker and cache) is down while a delegation requests an extraordinary session.

The request is saved and acknowledged (201, never a 500); its notices wait in the outbox; once Redis is
back, the outbox sweeper (a beat job) queues them and the worker sends each exactly once.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ops.client import Api, Browser, expect
from ops.smoke import SESSION_REQUESTS, iso, next_weekday
from ops.topology import wait_for

from .conftest import ops_only

pytestmark = ops_only

SWEEP = "nrc.tasks.outbox_sweep"
SWEEP_AGE = 60  # nrc.notifications.outbox_pending_ids: notifications younger than this are left to on_commit


def test_a_request_made_while_redis_is_down_is_saved_acknowledged_and_announced_once_it_is_back(topology, redis_server):
    api = Api(topology.base_url).login("delegation-us", topology.password)
    if SESSION_REQUESTS not in api.schema_paths():
        pytest.skip("this build has no extraordinary-session API yet")
    bodies = expect(api.get("/api/v1/bodies/", params={"page_size": 500}), 200).json()
    amb = next(b for b in bodies.get("results", bodies) if b["code"] == "NRC-AMB")
    browser = Browser(topology.base_url).login("delegation-us", topology.password)
    web_log = len(topology.log("web"))
    sql = topology.sql()
    last_notification = sql.value("SELECT coalesce(max(id), 0) FROM nrc_notification")
    requests_before = sql.value("SELECT count(*) FROM meetings_sessionrequest")
    starts = next_weekday(10, 14)

    # Given: Redis is down.
    redis_server.stop()
    try:
        status, health = topology.healthz()
        assert (status, health["status"], health["checks"]["broker"]) == (200, "degraded", "error")

        # When: the delegation requests an extraordinary session.
        resp = api.post(
            SESSION_REQUESTS,
            {
                "body": amb["id"],
                "grounds": "Drill: consultations while the broker is down.",
                "urgency": "urgent",
                "proposed_slots": [{"starts_at": iso(starts), "ends_at": iso(starts + dt.timedelta(hours=2))}],
            },
        )

        # Then: it is saved and acknowledged; its notices wait in the outbox; pages still render.
        expect(resp, 201)
        assert [browser.get(path).status_code for path in ("/", "/meetings/requests/")] == [200, 200]
        request_id = resp.json()["id"]
        assert resp.json()["status"] == "submitted"
        assert sql.value("SELECT count(*) FROM meetings_sessionrequest") == requests_before + 1
        notices = sql.rows(
            "SELECT id, email FROM nrc_notification WHERE id > %s AND context->>'request_id' = %s ORDER BY id",
            [last_notification, str(request_id)],
        )
        recipients = sql.value(
            "SELECT count(*) FROM committees_user WHERE is_active AND email <> '' "
            "AND role IN ('delegation', 'secretariat', 'chair')"
        )
        assert len(notices) == recipients + 1  # every delegation, the secretariat, the chair; the secretariat box
        ids = [pk for pk, _ in notices]
        assert sql.value("SELECT count(*) FROM nrc_notification WHERE id = ANY(%s) AND sent_at IS NULL", [ids]) == len(
            ids
        )
    finally:
        # Always: Redis comes back.
        redis_server.start()

    wait_for(lambda: topology.healthz()[1].get("status") == "ok", timeout=60, what="healthz ok after Redis is back")
    emails_before = {email: topology.log("worker").count(f"To: {email}") for _, email in notices}

    # When: the sweeper runs (beat runs it every 10 minutes) after the notices have aged past its threshold.
    oldest = sql.value("SELECT min(created_at) FROM nrc_notification WHERE id = ANY(%s)", [ids])
    time.sleep(max(0.0, (oldest + dt.timedelta(seconds=SWEEP_AGE + 1) - dt.datetime.now(dt.UTC)).total_seconds()))
    topology.wait_task(topology.send_task(SWEEP))

    # Then: every notice is sent, once.
    def all_sent():
        return sql.value("SELECT count(*) FROM nrc_notification WHERE id = ANY(%s) AND sent_at IS NULL", [ids]) == 0

    wait_for(all_sent, timeout=120, what="the outbox to be delivered")
    assert sql.rows("SELECT DISTINCT attempts FROM nrc_notification WHERE id = ANY(%s)", [ids]) == [(1,)]
    # A second sweep finds nothing left to send.
    topology.wait_task(topology.send_task(SWEEP))
    log = topology.log("worker")
    assert {email: log.count(f"To: {email}") - emails_before[email] for _, email in notices} == {
        email: 1 for _, email in notices
    }
    assert sql.value("SELECT count(*) FROM meetings_sessionrequest") == requests_before + 1
    assert topology.errors("web", since=web_log) == []
    sql.close()
