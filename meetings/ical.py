"""iCalendar (RFC 5545) feeds of meetings, built with the icalendar library.

Each meeting keeps one UID for its whole life, and its SEQUENCE is the meeting's revision (raised by every
service that changes it), so calendar clients replace the event instead of adding a copy. Cancelled meetings
stay in the feed with STATUS:CANCELLED so that clients remove them. Times carry TZID=Europe/Brussels, with
the VTIMEZONE the clients need.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting, MeetingStatus

PRODID = "-//NATO-Russia Council//NRC Meetings//EN"
UID_DOMAIN = "nrc-meetings"

_STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def meeting_event(meeting: Meeting, *, url: str = "") -> Event:
    tz = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at.astimezone(zoneinfo.ZoneInfo("UTC")))
    event.add("last-modified", meeting.updated_at.astimezone(zoneinfo.ZoneInfo("UTC")))
    event.add("created", meeting.created_at.astimezone(zoneinfo.ZoneInfo("UTC")))
    event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
    event.add("dtend", timezone.localtime(meeting.ends_at, tz))
    event.add("summary", f"{meeting.body.code}: {meeting.title}")
    event.add("status", _STATUS[meeting.status])
    event.add("categories", [meeting.body.code, meeting.get_kind_display()])
    if meeting.venue_id:
        event.add("location", meeting.venue.name)
    description = [meeting.body.name_en]
    if meeting.chair:
        description.append(f"Chair: {meeting.chair}")
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancellation_reason:
        description.append(f"Cancelled: {meeting.cancellation_reason}")
    event.add("description", "\n".join(description))
    if url:
        event.add("url", url)
    return event


def meetings_calendar(meetings: Iterable[Meeting], *, name: str, url_for=None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the VTIMEZONE of every zone used."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.COUNCIL_TIME_ZONE)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url=url_for(meeting) if url_for else ""))
    cal.add_missing_timezones()
    return cal.to_ical()
