"""The API of extraordinary-session requests: list, detail, create, convene, decline, withdraw, papers, queue,
statistics and the body setting. Errors name the field (400), refuse the role (403) or the state (409)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from committees.models import Body, Member
from meetings.models import Meeting, MeetingKind, Paper, SessionRequest, SessionRequestStatus, Venue
from nrc.models import AuditEntry, Notification
from tests.factories import UserFactory

from .factories_requests import SessionRequestFactory, in_days
from .test_session_requests_services import state

S = SessionRequestStatus
URL = "/api/v1/session-requests/"


def payload(**overrides) -> dict:
    data = {
        "body": Body.objects.get(code="NRC-AMB").pk,
        "grounds": "Consultations on the crisis.",
        "urgency": "urgent",
        "proposed_slots": [{"starts_at": in_days(4, 10).isoformat(), "ends_at": in_days(4, 12).isoformat()}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def users(secretariat, chair, auditor, administrator, delegation, other_delegation):
    return {
        "secretariat": secretariat,
        "chair": chair,
        "auditor": auditor,
        "administrator": administrator,
        "delegation": delegation,
        "other_delegation": other_delegation,
    }


@pytest.mark.django_db
def test_a_delegation_creates_a_request_and_sees_it_at_once(api_client, delegation, other_delegation):
    api_client.force_authenticate(delegation)
    response = api_client.post(URL, payload(), format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert (body["status"], body["on_behalf_of"]["iso2"], body["requested_by"], body["urgency"]) == (
        "submitted",
        "US",
        "delegation-us",
        "urgent",
    )
    assert body["allowed_actions"] == ["withdrawn"]
    assert [(t["from_status"], t["to_status"], t["actor"]) for t in body["transitions"]] == [
        ("", "submitted", "delegation-us")
    ]
    assert api_client.get(f"{URL}{body['id']}/").data["status"] == "submitted"
    # Another delegation sees it too, without any action
    api_client.force_authenticate(other_delegation)
    other_view = api_client.get(f"{URL}{body['id']}/").data
    assert (other_view["status"], other_view["allowed_actions"]) == ("submitted", [])


@pytest.mark.django_db
def test_the_chair_s_office_requests_for_the_secretary_general(api_client, chair):
    api_client.force_authenticate(chair)
    response = api_client.post(URL, payload(on_behalf_of=None), format="json")
    assert response.status_code == 201
    assert response.data["on_behalf_of"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("body_not_allowed", "body"),
        ("past_date", "proposed_slots"),
        ("no_dates", "proposed_slots"),
        ("other_member", "on_behalf_of"),
        ("no_grounds", "grounds"),
        ("unknown_body", "body"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(api_client, delegation, case, field):
    api_client.force_authenticate(delegation)
    overrides = {
        "body_not_allowed": {"body": Body.objects.get(code="NRC-PC").pk},
        "past_date": {
            "proposed_slots": [{"starts_at": in_days(-3).isoformat(), "ends_at": in_days(-3, 12).isoformat()}]
        },
        "no_dates": {"proposed_slots": []},
        "other_member": {"on_behalf_of": Member.objects.get(iso2="RU").pk},
        "no_grounds": {"grounds": ""},
        "unknown_body": {"body": 999_999},
    }[case]
    before = state()
    response = api_client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    assert list(response.data) == [field]
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "auditor", "administrator"])
def test_other_roles_may_not_create(api_client, users, role):
    api_client.force_authenticate(users[role])
    before = state()
    assert api_client.post(URL, payload(), format="json").status_code == 403
    assert state() == before


def _act(api_client, req, action):
    data = {
        "convene": {
            "starts_at": in_days(9, 15).isoformat(),
            "ends_at": in_days(9, 17).isoformat(),
            "venue": Venue.objects.get(name="NATO Headquarters").pk,
        },
        "decline": {"reasons": "Covered by the regular meeting."},
        "withdraw": {"note": "No longer needed."},
    }[action]
    return api_client.post(f"{URL}{req.pk}/{action}/", data, format="json")


API_CASES = [
    # (action, role, status code on a submitted request of the US delegation)
    ("convene", "secretariat", 200),
    ("convene", "chair", 200),
    ("convene", "auditor", 403),
    ("convene", "administrator", 403),
    ("convene", "delegation", 403),
    ("convene", "other_delegation", 403),
    ("decline", "secretariat", 403),
    ("decline", "chair", 200),
    ("decline", "auditor", 403),
    ("decline", "administrator", 403),
    ("decline", "delegation", 403),
    ("decline", "other_delegation", 403),
    ("withdraw", "secretariat", 403),
    ("withdraw", "chair", 403),
    ("withdraw", "auditor", 403),
    ("withdraw", "administrator", 403),
    ("withdraw", "delegation", 200),
    ("withdraw", "other_delegation", 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role", "code"), API_CASES)
def test_api_actions_for_every_role(api_client, users, action, role, code):
    req = SessionRequestFactory(requested_by=users["delegation"])
    api_client.force_authenticate(users[role])
    before = state()
    response = _act(api_client, req, action)
    assert response.status_code == code, response.data
    if code == 200:
        expected = {"convene": "convened", "decline": "declined", "withdraw": "withdrawn"}[action]
        assert response.data["status"] == expected
        assert response.data["transitions"][-1]["actor"] == users[role].username
        if action == "convene":
            assert response.data["meeting"]["kind"] == "extraordinary"
            assert response.data["meeting"]["venue"] == "NATO Headquarters"
    else:
        assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "role"),
    [("convene", "chair"), ("convene", "secretariat"), ("decline", "chair"), ("withdraw", "delegation")],
)
def test_a_decided_request_answers_409_and_changes_nothing(api_client, users, action, role):
    req = SessionRequestFactory(requested_by=users["delegation"], status=S.WITHDRAWN)
    api_client.force_authenticate(users[role])
    before = state()
    response = _act(api_client, req, action)
    assert response.status_code == 409
    assert list(response.data) == ["status"]
    assert state() == before


@pytest.mark.django_db
def test_declining_without_reasons_is_a_400(api_client, users):
    req = SessionRequestFactory(requested_by=users["delegation"])
    api_client.force_authenticate(users["chair"])
    before = state()
    response = api_client.post(f"{URL}{req.pk}/decline/", {"reasons": ""}, format="json")
    assert (response.status_code, list(response.data)) == (400, ["reasons"])
    assert state() == before


@pytest.mark.django_db
def test_convening_in_the_past_is_a_400_naming_starts_at(api_client, users):
    req = SessionRequestFactory(requested_by=users["delegation"])
    api_client.force_authenticate(users["chair"])
    before = state()
    response = api_client.post(
        f"{URL}{req.pk}/convene/",
        {"starts_at": in_days(-1).isoformat(), "ends_at": in_days(-1, 12).isoformat()},
        format="json",
    )
    assert (response.status_code, list(response.data)) == (400, ["starts_at"])
    assert state() == before


@pytest.mark.django_db
def test_papers_are_uploaded_by_the_requester_and_checked(api_client, users, settings):
    req = SessionRequestFactory(requested_by=users["delegation"])
    api_client.force_authenticate(users["delegation"])
    ok = api_client.post(
        f"{URL}{req.pk}/papers/",
        {"file": SimpleUploadedFile("note.pdf", b"%PDF-1.4 body"), "title": "Note verbale"},
        format="multipart",
    )
    assert ok.status_code == 201
    assert [(p["title"], p["content_type"]) for p in ok.data["papers"]] == [("Note verbale", "application/pdf")]
    bad = api_client.post(f"{URL}{req.pk}/papers/", {"file": SimpleUploadedFile("x.exe", b"MZ")}, format="multipart")
    assert (bad.status_code, list(bad.data)) == (400, ["papers"])
    api_client.force_authenticate(users["other_delegation"])
    other = api_client.post(
        f"{URL}{req.pk}/papers/", {"file": SimpleUploadedFile("y.pdf", b"%PDF-1")}, format="multipart"
    )
    assert other.status_code == 403
    assert Paper.objects.count() == 1


def _bulk(users, n: int):
    hq = Venue.objects.get(name="NATO Headquarters")
    offset = SessionRequest.objects.count()  # later batches book later days: the hall is never double-booked
    for i in range(offset, offset + n):
        req = SessionRequestFactory(
            requested_by=users["delegation"] if i % 2 else users["other_delegation"],
            slots=[(in_days(5 + i), in_days(5 + i, 12)), (in_days(6 + i), in_days(6 + i, 12))],
        )
        if i % 3 == 0:
            meeting = Meeting.objects.create(
                body=req.body,
                kind=MeetingKind.EXTRAORDINARY,
                title=f"E{i}",
                starts_at=in_days(30 + i),
                ends_at=in_days(30 + i, 12),
                venue=hq,
            )
            SessionRequest.objects.filter(pk=req.pk).update(
                status=S.CONVENED, meeting=meeting, decided_at=timezone.now()
            )


@pytest.mark.django_db
def test_list_and_detail_run_a_constant_number_of_queries(api_client, users):
    api_client.force_authenticate(users["other_delegation"])
    _bulk(users, 2)

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            response = api_client.get(path)
            assert response.status_code == 200
        return len(ctx.captured_queries), response

    small, response = count(URL)
    assert response.data["count"] == 2
    _bulk(users, 25)
    large, response = count(URL)
    assert response.data["count"] == 27
    assert small == large == 3  # count, page (body, member, requester, meeting, venue joined), proposed slots
    detail, _ = count(f"{URL}{SessionRequest.objects.order_by('pk').first().pk}/")
    assert detail == 4  # request with its joins, slots, papers, transitions with actors


@pytest.mark.django_db
def test_filters_by_status_and_body(api_client, users):
    _bulk(users, 6)
    api_client.force_authenticate(users["auditor"])
    assert api_client.get(URL, {"status": "convened"}).data["count"] == 2
    assert api_client.get(URL, {"status": "submitted", "body": "NRC-AMB"}).data["count"] == 4
    assert api_client.get(URL, {"body": "NRC-PC"}).data["count"] == 0


@pytest.mark.django_db
def test_queue_is_oldest_first_with_ages_for_the_staff_only(api_client, users):
    now = timezone.now()
    newer = SessionRequestFactory(requested_by=users["delegation"], submitted_at=now - dt.timedelta(days=1))
    older = SessionRequestFactory(requested_by=users["other_delegation"], submitted_at=now - dt.timedelta(days=5))
    SessionRequestFactory(requested_by=users["delegation"], status=S.WITHDRAWN)
    api_client.force_authenticate(users["chair"])
    with CaptureQueriesContext(connection) as ctx:
        rows = api_client.get(f"{URL}queue/").data
    assert [r["request"]["id"] for r in rows] == [older.pk, newer.pk]
    assert 5 * 86400 <= rows[0]["age_seconds"] < 5 * 86400 + 60
    assert len(ctx.captured_queries) == 2  # pending requests with their joins, proposed slots
    api_client.force_authenticate(users["delegation"])
    assert api_client.get(f"{URL}queue/").status_code == 403


@pytest.mark.django_db
def test_statistics_give_median_and_longest_per_year(api_client, users):
    def convened(submitted: dt.datetime, days_to_meeting: float):
        req = SessionRequestFactory(requested_by=users["delegation"], submitted_at=submitted)
        start = submitted + dt.timedelta(days=days_to_meeting)
        meeting = Meeting.objects.create(
            body=req.body,
            kind=MeetingKind.EXTRAORDINARY,
            title="E",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        SessionRequest.objects.filter(pk=req.pk).update(status=S.CONVENED, meeting=meeting)

    base = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    convened(base, 2)
    convened(base + dt.timedelta(days=30), 4)
    convened(base + dt.timedelta(days=60), 9)
    convened(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), 3)
    convened(dt.datetime(2025, 7, 1, 9, tzinfo=dt.UTC), 6)
    SessionRequestFactory(requested_by=users["delegation"], submitted_at=base, status=S.WITHDRAWN)
    api_client.force_authenticate(users["auditor"])
    assert api_client.get(f"{URL}statistics/").json() == [
        {"year": 2025, "convened": 2, "median_days": 4.5, "longest_days": 6.0},
        {"year": 2024, "convened": 3, "median_days": 4.0, "longest_days": 9.0},
    ]


@pytest.mark.django_db
def test_the_secretariat_allows_extraordinary_sessions_through_the_api(api_client, users):
    pc = Body.objects.get(code="NRC-PC")
    url = f"/api/v1/extraordinary-bodies/{pc.pk}/allow/"
    api_client.force_authenticate(users["chair"])
    assert api_client.post(url, {"allows_extraordinary": True}, format="json").status_code == 403
    api_client.force_authenticate(users["secretariat"])
    response = api_client.post(url, {"allows_extraordinary": True}, format="json")
    assert response.status_code == 200
    assert response.data == {"id": pc.pk, "code": "NRC-PC", "name_en": pc.name_en, "allows_extraordinary": True}
    assert AuditEntry.objects.filter(action="body.allow_extraordinary", object_id=str(pc.pk)).count() == 1
    listed = api_client.get("/api/v1/extraordinary-bodies/").data
    assert {b["code"] for b in listed if b["allows_extraordinary"]} == {"NRC-AMB", "NRC-PC"}
    assert api_client.post(url, {}, format="json").status_code == 400


@pytest.mark.django_db
def test_notices_are_written_for_every_delegation_and_the_secretariat(api_client, users):
    UserFactory(username="delegation-fr", role="delegation", member=Member.objects.get(iso2="FR"))
    api_client.force_authenticate(users["delegation"])
    api_client.post(URL, payload(), format="json")
    assert Notification.objects.filter(template="session_request_submitted").count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0.0", "2026.5", "1990", "100000"])
def test_a_year_that_is_not_one_of_the_council_s_is_a_400(api_client, users, year):
    api_client.force_authenticate(users["auditor"])
    response = api_client.get(URL, {"year": year})
    assert (response.status_code, list(response.json())) == (400, ["year"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", "convene/"), ("post", "decline/"), ("post", "withdraw/"), ("post", "papers/")],
)
def test_a_malformed_request_id_is_a_404(api_client, users, method, suffix):
    api_client.force_authenticate(users["secretariat"])
    response = getattr(api_client, method)(f"{URL}null,null/{suffix}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


@pytest.mark.django_db
def test_allowing_extraordinary_sessions_takes_a_real_boolean(api_client, users):
    body = Body.objects.get(code="NRC-AMB")
    api_client.force_authenticate(users["secretariat"])
    response = api_client.post(
        f"/api/v1/extraordinary-bodies/{body.pk}/allow/", {"allows_extraordinary": 0}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["allows_extraordinary"])
    assert Body.objects.get(pk=body.pk).allows_extraordinary is True
