"""Drill: two secretariat officers book the same venue at the same time, at the same moment, over HTTP.

Exactly one booking succeeds (201); the other gets a clear conflict (409 naming the venue); the database
holds one meeting. Several rounds, each with both requests released together on two gunicorn workers.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from ops.client import Api
from ops.smoke import MEETINGS, iso, next_weekday

from .conftest import ops_only

pytestmark = ops_only

ROUNDS = 5


def book(officer: Api, payload: dict, barrier: threading.Barrier, responses: list, i: int) -> None:
    barrier.wait()
    responses[i] = officer.post(MEETINGS, payload)


def test_two_concurrent_bookings_of_one_venue_and_time_give_one_meeting_and_one_conflict(topology):
    officers = [Api(topology.base_url).login("secretariat", topology.password) for _ in range(2)]
    if MEETINGS not in officers[0].schema_paths():
        pytest.skip("this build has no meetings API yet")
    sql = topology.sql()
    venue = sql.value("SELECT id FROM meetings_venue ORDER BY id LIMIT 1")
    body = sql.value("SELECT id FROM committees_body WHERE code = 'NRC-AMB'")
    for round_ in range(ROUNDS):
        starts = next_weekday(40, 8) + dt.timedelta(weeks=round_)
        payload = {
            "body": body,
            "venue": venue,
            "title": f"Double-booking drill {round_}",
            "starts_at": iso(starts),
            "ends_at": iso(starts + dt.timedelta(hours=3)),
        }
        barrier = threading.Barrier(2)
        responses = [None, None]

        threads = [threading.Thread(target=book, args=(officers[i], payload, barrier, responses, i)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        conflict = next(r for r in responses if r.status_code == 409).json()
        assert list(conflict) == ["venue"] and conflict["venue"], conflict
        assert (
            sql.value(
                "SELECT count(*) FROM meetings_meeting WHERE venue_id = %s AND starts_at = %s "
                "AND status <> 'cancelled'",
                [venue, starts],
            )
            == 1
        )
    sql.close()
