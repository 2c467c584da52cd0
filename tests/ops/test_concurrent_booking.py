"""Two bookings of one venue and time in two transactions at once, on PostgreSQL: both pass the scheduling
service's own check before either commits, so the exclusion constraint decides. Exactly one meeting is
created; the other booking gets a clear conflict naming the venue."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from committees.models import Body
from meetings.models import Meeting, Venue
from meetings.services import scheduling
from nrc.errors import Conflict
from tests.factories import brussels


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_venue_and_time_give_one_meeting_and_one_conflict(secretariat, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    body = Body.objects.get(code="NRC-AMB")
    venue = Venue.objects.get(name="NATO Headquarters")
    both_checked = threading.Barrier(2, timeout=20)
    check = scheduling.meeting_slot_check

    def check_then_wait(**kwargs):
        check(**kwargs)
        both_checked.wait()  # neither has inserted yet: the application check passed for both

    monkeypatch.setattr(scheduling, "meeting_slot_check", check_then_wait)
    outcomes: list = [None, None]

    def book(i: int) -> None:
        try:
            outcomes[i] = scheduling.meeting_create(
                body=body,
                title=f"Booking {i}",
                starts_at=brussels(2027, 3, 2, 10),
                ends_at=brussels(2027, 3, 2, 13),
                venue=venue,
                acting_user=secretariat,
            )
        except Conflict as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    created = [o for o in outcomes if isinstance(o, Meeting)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(created), len(refused)) == (1, 1), outcomes
    assert refused[0].message_dict == {"venue": ["This venue is already booked at that time."]}
    assert list(Meeting.objects.filter(venue=venue).values_list("title", flat=True)) == [created[0].title]
