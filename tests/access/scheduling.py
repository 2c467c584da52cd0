"""Access rows of scheduling: meetings, series, agendas, papers, attendance, minutes and the calendar feeds.

Every role reads the meetings it sees (a delegation: those of the bodies its member sits in); the secretariat
schedules and records; the chair's office may also cancel and approves the minutes. The private iCalendar feeds
are reached by their token alone (no login), and show what the token's owner sees.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from committees.models import Body, Member
from meetings.models import AgendaItem, Minutes, Paper

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
READ = expect(200, anonymous=WEB_ANON)
READ_API = expect(200, anonymous=API_ANON)
GET_ONLY = expect(405, anonymous=WEB_ANON)
SECRETARIAT_PAGE = expect(403, anonymous=WEB_ANON, secretariat=200)
SECRETARIAT_REDIRECT = expect(403, anonymous=WEB_ANON, secretariat=302)
STAFF_PAGE = expect(403, anonymous=WEB_ANON, secretariat=200, chair=200)
INVALID_INPUT = "invalid input: the secretariat gets the form again with errors, the others are refused"


def _factories():
    from tests.cooperation import factories_groups

    return factories_groups


def _ru_only_body() -> Body:
    from tests.factories import BodyFactory

    body = BodyFactory(code="NRC-RU-ONLY")
    body.participants.set([Member.objects.get(iso2="RU")])
    return body


def _paper(meeting, user) -> Paper:
    return Paper.objects.create(
        body=meeting.body,
        year=timezone.localtime(meeting.starts_at).year,
        reference="NRC(PC)D(ACCESS)0001",
        title="Paper",
        meeting=meeting,
        file=ContentFile(b"%PDF-1.4 body", name="paper.pdf"),
        content_type="application/pdf",
        uploaded_by=user,
    )


def a_meeting(ctx) -> dict:
    meeting = _factories().scheduled_meeting()
    return {"kwargs": {"pk": meeting.pk, "id": meeting.pk}, "meeting": meeting}


def a_meeting_without_the_us(ctx) -> dict:
    meeting = _factories().scheduled_meeting()
    meeting.body = _ru_only_body()
    meeting.save()
    return {"kwargs": {"pk": meeting.pk, "id": meeting.pk}}


def a_past_meeting(ctx) -> dict:
    meeting = _factories().scheduled_meeting(days_ahead=-2)
    return {"kwargs": {"pk": meeting.pk, "id": meeting.pk}}


def a_meeting_edit(ctx) -> dict:
    prepared = a_meeting(ctx)
    prepared["data"] = {"title": "Renamed", "kind": "regular", "chair": "", "notes": "", "scope": "this"}
    return prepared


def a_cancellation(ctx) -> dict:
    prepared = a_meeting(ctx)
    prepared["data"] = {"reason": "No quorum.", "scope": "this", "following": False}
    return prepared


def draft_minutes(ctx) -> dict:
    meeting = _factories().held_meeting()
    Minutes.objects.create(meeting=meeting, text="Draft.", drafted_by=ctx.users["secretariat"])
    return {"kwargs": {"pk": meeting.pk}, "data": {"text": "The Council met."}}


def an_agenda_item(ctx) -> dict:
    prepared = a_meeting(ctx)
    meeting = prepared.pop("meeting")
    first = AgendaItem.objects.create(meeting=meeting, position=1, title="Opening")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Any other business")
    prepared["kwargs"].update(item_pk=first.pk, direction="down", id=first.pk)
    prepared["data"] = {"title": "Opening remarks", "direction": "down"}
    return prepared


def a_new_agenda_item(ctx) -> dict:
    prepared = a_meeting(ctx)
    meeting = prepared.pop("meeting")
    prepared["data"] = {"meeting": meeting.pk, "title": "Any other business"}
    return prepared


def a_paper(ctx) -> dict:
    meeting = a_meeting(ctx)["meeting"]
    paper = _paper(meeting, ctx.users["secretariat"])
    return {"kwargs": {"paper_pk": paper.pk, "id": paper.pk}}


def a_paper_without_the_us(ctx) -> dict:
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=a_meeting_without_the_us(ctx)["kwargs"]["pk"])
    paper = _paper(meeting, ctx.users["secretariat"])
    return {"kwargs": {"paper_pk": paper.pk}}


def _series(ctx):
    from meetings.services.scheduling import series_create

    start = (timezone.now() + dt.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    return series_create(
        body=Body.objects.get(code="NRC-PC"),
        title="Monthly",
        rrule="FREQ=MONTHLY;COUNT=2",
        first_starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        acting_user=ctx.users["secretariat"],
    )


def a_series(ctx) -> dict:
    series = _series(ctx)
    return {"kwargs": {"pk": series.pk, "id": series.pk}, "data": {"reason": "The Council no longer meets."}}


def _slot(days: int) -> tuple[str, str]:
    start = (timezone.now() + dt.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
    return start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()


def a_new_meeting_api(ctx) -> dict:
    starts_at, ends_at = _slot(40)
    body = Body.objects.get(code="NRC-PC")
    return {"data": {"body": body.pk, "title": "Access", "starts_at": starts_at, "ends_at": ends_at}}


def a_new_series_api(ctx) -> dict:
    starts_at, ends_at = _slot(45)
    body = Body.objects.get(code="NRC-PC")
    return {
        "data": {
            "body": body.pk,
            "title": "Monthly",
            "rrule": "FREQ=MONTHLY;COUNT=2",
            "starts_at": starts_at,
            "ends_at": ends_at,
        }
    }


def a_rescheduling_api(ctx) -> dict:
    prepared = a_meeting(ctx)
    prepared.pop("meeting")
    starts_at, ends_at = _slot(41)
    prepared["data"] = {"starts_at": starts_at, "ends_at": ends_at, "reason": "Clash."}
    return prepared


def an_attendance_api(ctx) -> dict:
    meeting = _factories().held_meeting()
    prepared = {"kwargs": {"id": meeting.pk}}
    prepared["data"] = {"rows": [{"member": Member.objects.get(iso2="US").pk, "status": "present"}]}
    return prepared


def a_following(ctx) -> dict:
    return {"data": {"action": "follow", "body": Body.objects.get(code="NRC-PC").pk}}


def _token(ctx) -> str:
    from meetings.services.scheduling import calendar_token_issue

    user = ctx.users["delegation"]
    calendar_token_issue(user=user, acting_user=user)
    user.refresh_from_db()
    return user.calendar_token


def a_feed(ctx) -> dict:
    return {"kwargs": {"token": _token(ctx), "body_pk": Body.objects.get(code="NRC-PC").pk}}


def a_feed_of_a_hidden_body(ctx) -> dict:
    return {"kwargs": {"token": _token(ctx), "body_pk": _ru_only_body().pk}}


def an_unknown_token(ctx) -> dict:
    return {"kwargs": {"token": "not-a-token"}}


FEED = expect(200)
FEED_POST = expect(405)

ROWS = [
    # Lists and calendar: every role, on the meetings it sees
    Row("GET", "/meetings/", READ),
    Row("POST", "/meetings/", GET_ONLY),
    Row("GET", "/meetings/calendar/", READ),
    Row("POST", "/meetings/calendar/", GET_ONLY),
    Row("GET", "/meetings/<int:pk>/", READ, setup=a_meeting),
    Row(
        "GET",
        "/meetings/<int:pk>/",
        expect(200, anonymous=WEB_ANON, delegation=404),
        setup=a_meeting_without_the_us,
        note="a delegation does not see meetings of bodies its member does not sit in",
    ),
    Row("POST", "/meetings/<int:pk>/", GET_ONLY, setup=a_meeting),
    # Scheduling and recording: the secretariat (the chair's office also cancels)
    Row("GET", "/meetings/new/", SECRETARIAT_PAGE),
    Row("POST", "/meetings/new/", SECRETARIAT_PAGE, data={}, note=INVALID_INPUT),
    Row("GET", "/meetings/<int:pk>/edit/", SECRETARIAT_PAGE, setup=a_meeting),
    Row("POST", "/meetings/<int:pk>/edit/", SECRETARIAT_REDIRECT, setup=a_meeting_edit),
    Row("GET", "/meetings/<int:pk>/reschedule/", SECRETARIAT_PAGE, setup=a_meeting),
    Row("POST", "/meetings/<int:pk>/reschedule/", SECRETARIAT_PAGE, setup=a_meeting, data={}, note=INVALID_INPUT),
    Row("GET", "/meetings/<int:pk>/cancel/", STAFF_PAGE, setup=a_meeting),
    Row(
        "POST",
        "/meetings/<int:pk>/cancel/",
        expect(403, anonymous=WEB_ANON, secretariat=302, chair=302),
        setup=a_cancellation,
    ),
    Row("GET", "/meetings/<int:pk>/held/", SECRETARIAT_PAGE, setup=a_past_meeting),
    Row("POST", "/meetings/<int:pk>/held/", SECRETARIAT_REDIRECT, setup=a_past_meeting),
    Row("GET", "/meetings/<int:pk>/attendance/", SECRETARIAT_PAGE, setup=a_past_meeting),
    Row("POST", "/meetings/<int:pk>/attendance/", SECRETARIAT_PAGE, setup=a_past_meeting, data={}, note=INVALID_INPUT),
    Row("GET", "/meetings/<int:pk>/minutes/", STAFF_PAGE, setup=draft_minutes),
    Row(
        "POST",
        "/meetings/<int:pk>/minutes/",
        expect(403, anonymous=WEB_ANON, secretariat=302, chair=302),
        setup=draft_minutes,
        note="the secretariat saves the draft, the chair's office approves it",
    ),
    Row("GET", "/meetings/<int:pk>/agenda/", SECRETARIAT_PAGE, setup=a_meeting),
    Row("POST", "/meetings/<int:pk>/agenda/", SECRETARIAT_REDIRECT, setup=a_meeting, data={"title": "AOB"}),
    Row(
        "GET",
        "/meetings/<int:pk>/agenda/<int:item_pk>/move/<str:direction>/",
        expect(403, anonymous=WEB_ANON, secretariat=405),
        setup=an_agenda_item,
    ),
    Row(
        "POST",
        "/meetings/<int:pk>/agenda/<int:item_pk>/move/<str:direction>/",
        SECRETARIAT_REDIRECT,
        setup=an_agenda_item,
    ),
    Row(
        "GET",
        "/meetings/<int:pk>/agenda/<int:item_pk>/delete/",
        expect(403, anonymous=WEB_ANON, secretariat=405),
        setup=an_agenda_item,
    ),
    Row("POST", "/meetings/<int:pk>/agenda/<int:item_pk>/delete/", SECRETARIAT_REDIRECT, setup=an_agenda_item),
    Row("GET", "/meetings/<int:pk>/papers/new/", SECRETARIAT_PAGE, setup=a_meeting),
    Row("POST", "/meetings/<int:pk>/papers/new/", SECRETARIAT_PAGE, setup=a_meeting, data={}, note=INVALID_INPUT),
    Row("GET", "/meetings/papers/<int:paper_pk>/", READ, setup=a_paper),
    Row(
        "GET",
        "/meetings/papers/<int:paper_pk>/",
        expect(200, anonymous=WEB_ANON, delegation=404),
        setup=a_paper_without_the_us,
    ),
    Row("POST", "/meetings/papers/<int:paper_pk>/", GET_ONLY, setup=a_paper),
    # Series
    Row("GET", "/meetings/series/new/", SECRETARIAT_PAGE),
    Row("POST", "/meetings/series/new/", SECRETARIAT_PAGE, data={}, note=INVALID_INPUT),
    Row("GET", "/meetings/series/<int:pk>/", READ, setup=a_series),
    Row("POST", "/meetings/series/<int:pk>/", GET_ONLY, setup=a_series),
    Row("GET", "/meetings/series/<int:pk>/cancel/", SECRETARIAT_PAGE, setup=a_series),
    Row("POST", "/meetings/series/<int:pk>/cancel/", SECRETARIAT_REDIRECT, setup=a_series),
    # Subscriptions: each user their own
    Row("GET", "/meetings/subscriptions/", READ),
    Row("POST", "/meetings/subscriptions/", expect(302, anonymous=WEB_ANON), setup=a_following),
    # Private feeds: the token is the credential, whoever presents it; the owner's scope applies
    Row("GET", "/meetings/feeds/<str:token>/all.ics", FEED, setup=a_feed),
    Row("GET", "/meetings/feeds/<str:token>/all.ics", expect(404), setup=an_unknown_token),
    Row("POST", "/meetings/feeds/<str:token>/all.ics", FEED_POST, setup=a_feed),
    Row("GET", "/meetings/feeds/<str:token>/followed.ics", FEED, setup=a_feed),
    Row("POST", "/meetings/feeds/<str:token>/followed.ics", FEED_POST, setup=a_feed),
    Row("GET", "/meetings/feeds/<str:token>/body-<int:body_pk>.ics", FEED, setup=a_feed),
    Row(
        "GET",
        "/meetings/feeds/<str:token>/body-<int:body_pk>.ics",
        expect(404),
        setup=a_feed_of_a_hidden_body,
        note="the US delegation's token does not open a body the United States does not sit in",
    ),
    Row("POST", "/meetings/feeds/<str:token>/body-<int:body_pk>.ics", FEED_POST, setup=a_feed),
    # API: meetings
    Row("GET", "/api/v1/meetings/", READ_API),
    Row("GET", "/api/v1/meetings/{id}/", READ_API, setup=a_meeting),
    Row(
        "GET",
        "/api/v1/meetings/{id}/",
        expect(200, anonymous=API_ANON, delegation=404),
        setup=a_meeting_without_the_us,
    ),
    Row("POST", "/api/v1/meetings/", expect(403, anonymous=API_ANON, secretariat=201), setup=a_new_meeting_api),
    Row(
        "PATCH",
        "/api/v1/meetings/{id}/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_meeting,
        data={"title": "Renamed"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{id}/reschedule/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_rescheduling_api,
    ),
    Row(
        "POST",
        "/api/v1/meetings/{id}/cancel/",
        expect(403, anonymous=API_ANON, secretariat=200, chair=200),
        setup=a_meeting,
        data={"reason": "No quorum."},
    ),
    Row("POST", "/api/v1/meetings/{id}/held/", expect(403, anonymous=API_ANON, secretariat=200), setup=a_past_meeting),
    Row(
        "POST",
        "/api/v1/meetings/{id}/attendance/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=an_attendance_api,
    ),
    # API: series
    Row("GET", "/api/v1/series/", READ_API),
    Row("GET", "/api/v1/series/{id}/", READ_API, setup=a_series),
    Row("POST", "/api/v1/series/", expect(403, anonymous=API_ANON, secretariat=201), setup=a_new_series_api),
    Row(
        "POST",
        "/api/v1/series/preview/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_new_series_api,
        note="writes nothing, but only the secretariat plans series",
    ),
    Row(
        "POST",
        "/api/v1/series/{id}/cancel-rest/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_series,
    ),
    # API: agenda items, papers, attendance
    Row("GET", "/api/v1/agenda-items/", READ_API, setup=a_meeting, sample="/api/v1/agenda-items/?meeting={id}"),
    Row("GET", "/api/v1/agenda-items/{id}/", READ_API, setup=an_agenda_item),
    Row(
        "POST",
        "/api/v1/agenda-items/",
        expect(403, anonymous=API_ANON, secretariat=201),
        setup=a_new_agenda_item,
    ),
    Row("PATCH", "/api/v1/agenda-items/{id}/", expect(403, anonymous=API_ANON, secretariat=200), setup=an_agenda_item),
    Row("DELETE", "/api/v1/agenda-items/{id}/", expect(403, anonymous=API_ANON, secretariat=204), setup=an_agenda_item),
    Row(
        "POST",
        "/api/v1/agenda-items/{id}/move/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=an_agenda_item,
    ),
    Row("GET", "/api/v1/papers/", READ_API, setup=a_meeting, sample="/api/v1/papers/?meeting={id}"),
    Row("GET", "/api/v1/papers/{id}/", READ_API, setup=a_paper),
    Row(
        "POST",
        "/api/v1/papers/",
        expect(403, anonymous=API_ANON, secretariat=415),
        setup=a_new_agenda_item,
        note="an upload takes multipart/form-data (the matrix posts JSON): 415 for the secretariat, refused for others",
    ),
    Row("DELETE", "/api/v1/papers/{id}/", expect(403, anonymous=API_ANON, secretariat=204), setup=a_paper),
    Row("GET", "/api/v1/attendance/", READ_API, setup=a_meeting, sample="/api/v1/attendance/?meeting={id}"),
]
