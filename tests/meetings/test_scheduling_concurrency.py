"""Two secretaries book the same venue at the same time from two connections: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from committees.models import Body
from meetings.models import Meeting, Venue
from meetings.services import scheduling as services
from nrc.errors import Conflict
from tests.factories import BodyFactory, brussels

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two PostgreSQL connections")


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_venue_cannot_both_succeed(secretariat):
    venue = Venue.objects.get(name="NATO Headquarters")
    bodies = [Body.objects.get(code="NRC-AMB"), BodyFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(body):
        try:
            barrier.wait(timeout=10)
            services.meeting_create(
                body=body,
                title="Booking",
                starts_at=brussels(2027, 5, 4, 10),
                ends_at=brussels(2027, 5, 4, 12),
                venue=venue,
                acting_user=secretariat,
            )
            outcomes.append("booked")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["booked", "conflict"]
    assert Meeting.objects.filter(venue=venue).count() == 1
