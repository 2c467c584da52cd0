"""iCalendar feeds: private token URLs, stable UIDs, SEQUENCE raised on change, STATUS:CANCELLED, VTIMEZONE."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from committees.models import Member
from meetings.services import scheduling as services
from tests.factories import BodyFactory, MeetingFactory, brussels

from . import scheduling_fixtures

amb, hq = scheduling_fixtures.amb, scheduling_fixtures.hq  # fixtures


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def series_2027(secretariat, amb, hq):
    series = services.series_create(
        body=amb,
        title="Ambassadors",
        rrule="FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959Z",
        first_starts_at=brussels(2027, 1, 12, 10),
        ends_at=brussels(2027, 1, 12, 12),
        venue=hq,
        acting_user=secretariat,
    )
    return list(series.meetings.order_by("starts_at"))


def test_feed_shows_rescheduled_with_higher_sequence_and_cancelled(secretariat, delegation, hq, series_2027):
    # Given a delegation's private feed and a series of 12 meetings
    token = services.calendar_token_issue(user=delegation, acting_user=delegation)
    url = reverse("meetings:feed_all", args=[token])
    client = Client()  # calendar clients are not logged in
    _cal, before = _events(client.get(url))
    moved, dropped = series_2027[2], series_2027[4]
    uid_moved, uid_dropped = f"meeting-{moved.pk}@nrc-meetings", f"meeting-{dropped.pk}@nrc-meetings"
    assert (before[uid_moved]["SEQUENCE"], str(before[uid_moved]["STATUS"])) == (0, "CONFIRMED")
    # When one meeting is rescheduled and another cancelled
    services.meeting_reschedule(
        meeting=moved,
        starts_at=brussels(2027, 3, 10, 15),
        ends_at=brussels(2027, 3, 10, 17),
        venue=hq,
        reason="Clash with a summit",
        acting_user=secretariat,
    )
    services.meeting_cancel(meeting=dropped, reason="No agenda", acting_user=secretariat)
    # Then the feed parsed back keeps the UIDs, raises SEQUENCE and marks the cancellation
    cal, after = _events(client.get(url))
    assert len(after) == 12
    assert after[uid_moved]["SEQUENCE"] == 1
    assert after[uid_moved].decoded("DTSTART") == brussels(2027, 3, 10, 15)
    assert after[uid_moved]["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert (after[uid_dropped]["SEQUENCE"], str(after[uid_dropped]["STATUS"])) == (1, "CANCELLED")
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(after[uid_moved]["LOCATION"]) == "NATO Headquarters"


def test_followed_and_body_feeds(delegation, amb, series_2027):
    other = BodyFactory(code="NRC-OTHER")
    MeetingFactory(body=other, starts_at=brussels(2027, 2, 1, 10))
    token = services.calendar_token_issue(user=delegation, acting_user=delegation)
    client = Client()
    _c, followed = _events(client.get(reverse("meetings:feed_followed", args=[token])))
    assert followed == {}
    services.body_follow(user=delegation, body=amb, follow=True, acting_user=delegation)
    _c, followed = _events(client.get(reverse("meetings:feed_followed", args=[token])))
    assert len(followed) == 12
    _c, body_feed = _events(client.get(reverse("meetings:feed_body", args=[token, other.pk])))
    assert [str(e["SUMMARY"]) for e in body_feed.values()] == [f"NRC-OTHER: {other.meetings.get().title}"]


def test_revoked_or_unknown_token_gives_404(delegation, series_2027):
    token = services.calendar_token_issue(user=delegation, acting_user=delegation)
    url = reverse("meetings:feed_all", args=[token])
    services.calendar_token_revoke(user=delegation, acting_user=delegation)
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("meetings:feed_all", args=["x" * 43])).status_code == 404


def test_feed_is_scoped_to_what_the_token_owner_may_see(other_delegation, reference):
    us_only = BodyFactory()
    us_only.participants.add(Member.objects.get(iso2="US"))
    MeetingFactory(body=us_only, starts_at=brussels(2027, 2, 1, 10))
    token = services.calendar_token_issue(user=other_delegation, acting_user=other_delegation)
    _c, events = _events(Client().get(reverse("meetings:feed_all", args=[token])))
    assert events == {}
    assert Client().get(reverse("meetings:feed_body", args=[token, us_only.pk])).status_code == 404


@pytest.mark.parametrize("n", [10, 200])
def test_feed_query_count_does_not_grow(delegation, amb, django_assert_num_queries, n):
    start = brussels(2027, 1, 1, 8).astimezone(dt.UTC)
    for i in range(n):
        MeetingFactory(body=amb, starts_at=start + dt.timedelta(hours=3 * i))
    token = services.calendar_token_issue(user=delegation, acting_user=delegation)
    client = Client()
    # the token's user, the visible bodies for a delegation are a subquery: then the meetings
    with django_assert_num_queries(2):
        _c, events = _events(client.get(reverse("meetings:feed_all", args=[token])))
    assert len(events) == n
