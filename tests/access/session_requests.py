"""Access rows of extraordinary sessions.

A delegation asks for its own member (the chair's office for the Secretary General); only the requester withdraws
or adds papers; the chair and the secretariat convene, the chair declines; the secretariat decides which bodies
allow extraordinary sessions; every role reads the requests. The rows' requests are the US delegation's.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from committees.models import Body, Member

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
READ = expect(200, anonymous=WEB_ANON)
READ_API = expect(200, anonymous=API_ANON)
GET_ONLY = expect(405, anonymous=WEB_ANON)
STAFF_PAGE = expect(403, anonymous=WEB_ANON, secretariat=200, chair=200)


def _in_days(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    return (local + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M")


def _us_request(ctx):
    from tests.meetings.factories_requests import SessionRequestFactory

    return SessionRequestFactory(requested_by=ctx.users["delegation"])


def a_request(ctx) -> dict:
    request = _us_request(ctx)
    return {"kwargs": {"pk": request.pk, "id": request.pk}}


def a_request_with_a_paper(ctx) -> dict:
    from meetings.services.session_requests import session_request_paper_add

    request = _us_request(ctx)
    paper = session_request_paper_add(
        request=request,
        upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4 body"),
        title="Note verbale",
        acting_user=ctx.users["delegation"],
    )
    return {"kwargs": {"pk": request.pk, "paper_pk": paper.pk}}


def a_new_request_form(ctx) -> dict:
    return {
        "data": {
            "body": Body.objects.get(code="NRC-AMB").pk,
            "urgency": "urgent",
            "grounds": "Grounds for the session.",
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "1",
            "slots-MAX_NUM_FORMS": "10",
            "slots-0-starts_at": _local(_in_days(6, 10)),
            "slots-0-ends_at": _local(_in_days(6, 12)),
        }
    }


def a_new_request_for_the_us(ctx) -> dict:
    return {
        "data": {
            "body": Body.objects.get(code="NRC-AMB").pk,
            "on_behalf_of": Member.objects.get(iso2="US").pk,
            "grounds": "Grounds for the session.",
            "urgency": "urgent",
            "proposed_slots": [
                {"starts_at": _in_days(6, 10).isoformat(), "ends_at": _in_days(6, 12).isoformat()},
            ],
        }
    }


def _status_change(ctx, data: dict) -> dict:
    prepared = a_request(ctx)
    prepared["data"] = data
    return prepared


def a_convening(ctx) -> dict:
    day = _in_days(20, 15).date().isoformat()
    return _status_change(
        ctx,
        {"to": "convened", "convened-date": day, "convened-start_time": "15:00", "convened-end_time": "17:00"},
    )


def a_refusal(ctx) -> dict:
    return _status_change(ctx, {"to": "declined", "declined-reasons": "No urgency."})


def a_withdrawal(ctx) -> dict:
    return _status_change(ctx, {"to": "withdrawn", "withdrawn-note": "Settled."})


def a_convening_api(ctx) -> dict:
    return _status_change(
        ctx, {"starts_at": _in_days(20, 15).isoformat(), "ends_at": _in_days(20, 17).isoformat(), "title": ""}
    )


def a_refusal_api(ctx) -> dict:
    return _status_change(ctx, {"reasons": "No urgency."})


def a_withdrawal_api(ctx) -> dict:
    return _status_change(ctx, {"note": "Settled."})


def a_body_setting(ctx) -> dict:
    body = Body.objects.get(code="NRC-PC")
    return {"kwargs": {"id": body.pk}, "data": {"body": body.pk, "allowed": "1", "allows_extraordinary": True}}


def a_body_without_the_us(ctx) -> dict:
    from tests.factories import BodyFactory

    body = BodyFactory(code="NRC-RU-ONLY", allows_extraordinary=True)
    body.participants.set([Member.objects.get(iso2="RU")])
    return {"kwargs": {"id": body.pk}, "data": {"allows_extraordinary": False}}


ROWS = [
    # Pages
    Row("GET", "/meetings/requests/", READ),
    Row("POST", "/meetings/requests/", expect(405, anonymous=WEB_ANON), note="the list only reads"),
    Row("GET", "/meetings/requests/new/", READ, note="the other roles are told who may ask"),
    Row(
        "POST",
        "/meetings/requests/new/",
        expect(403, anonymous=WEB_ANON, delegation=302, other_delegation=302, chair=302),
        setup=a_new_request_form,
        note="each delegation for its own member, the chair's office for the Secretary General",
    ),
    Row("GET", "/meetings/requests/<int:pk>/", READ, setup=a_request),
    Row("POST", "/meetings/requests/<int:pk>/", READ, setup=a_request, note="the page only reads"),
    Row("GET", "/meetings/requests/<int:pk>/status/", GET_ONLY, setup=a_request),
    Row(
        "POST",
        "/meetings/requests/<int:pk>/status/",
        expect(403, anonymous=WEB_ANON, secretariat=302, chair=302),
        setup=a_convening,
    ),
    Row("POST", "/meetings/requests/<int:pk>/status/", expect(403, anonymous=WEB_ANON, chair=302), setup=a_refusal),
    Row(
        "POST",
        "/meetings/requests/<int:pk>/status/",
        expect(403, anonymous=WEB_ANON, delegation=302),
        setup=a_withdrawal,
        note="only the requester withdraws: not the Russian delegation, not the chair",
    ),
    Row("GET", "/meetings/requests/<int:pk>/papers/<int:paper_pk>/download/", READ, setup=a_request_with_a_paper),
    Row(
        "POST",
        "/meetings/requests/<int:pk>/papers/<int:paper_pk>/download/",
        READ,
        setup=a_request_with_a_paper,
        note="a download whatever the method: it writes nothing",
    ),
    Row("GET", "/meetings/requests/queue/", STAFF_PAGE),
    Row("POST", "/meetings/requests/queue/", STAFF_PAGE, note="the queue only reads"),
    Row("GET", "/meetings/requests/bodies/", expect(403, anonymous=WEB_ANON, secretariat=200)),
    Row(
        "POST",
        "/meetings/requests/bodies/",
        expect(403, anonymous=WEB_ANON, secretariat=302),
        setup=a_body_setting,
    ),
    # API
    Row("GET", "/api/v1/session-requests/", READ_API),
    Row("GET", "/api/v1/session-requests/{id}/", READ_API, setup=a_request),
    Row("GET", "/api/v1/session-requests/queue/", expect(403, anonymous=API_ANON, secretariat=200, chair=200)),
    Row("GET", "/api/v1/session-requests/statistics/", READ_API),
    Row(
        "POST",
        "/api/v1/session-requests/",
        expect(403, anonymous=API_ANON, delegation=201, other_delegation=400, chair=400),
        setup=a_new_request_for_the_us,
        note="only the US delegation asks on behalf of the United States: the others are refused on on_behalf_of",
    ),
    Row(
        "POST",
        "/api/v1/session-requests/{id}/convene/",
        expect(403, anonymous=API_ANON, secretariat=200, chair=200),
        setup=a_convening_api,
    ),
    Row(
        "POST",
        "/api/v1/session-requests/{id}/decline/",
        expect(403, anonymous=API_ANON, chair=200),
        setup=a_refusal_api,
    ),
    Row(
        "POST",
        "/api/v1/session-requests/{id}/withdraw/",
        expect(403, anonymous=API_ANON, delegation=200),
        setup=a_withdrawal_api,
        note="only the requester withdraws",
    ),
    Row(
        "POST",
        "/api/v1/session-requests/{id}/papers/",
        expect(403, anonymous=API_ANON, delegation=400, other_delegation=400, secretariat=400, chair=400),
        setup=a_request,
        note="without a file (the matrix posts JSON): refused for the roles that never write, 400 for the others",
    ),
    Row("GET", "/api/v1/extraordinary-bodies/", READ_API),
    Row("GET", "/api/v1/extraordinary-bodies/{id}/", READ_API, setup=a_body_setting),
    Row(
        "GET",
        "/api/v1/extraordinary-bodies/{id}/",
        expect(200, anonymous=API_ANON, delegation=404),
        setup=a_body_without_the_us,
        note="delegations only see bodies their member sits in",
    ),
    Row(
        "POST",
        "/api/v1/extraordinary-bodies/{id}/allow/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_body_setting,
    ),
]
