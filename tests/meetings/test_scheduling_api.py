"""Scheduling API: meetings, series, agenda items, papers, attendance; filters, pagination, roles, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from committees.models import Member
from meetings.models import AgendaItem, Attendance, Meeting, MeetingSeries, MeetingStatus, Paper
from tests.factories import BodyFactory, MeetingFactory, UserFactory, brussels

from . import scheduling_fixtures
from .scheduling_fixtures import pdf_upload

amb, hq = scheduling_fixtures.amb, scheduling_fixtures.hq  # fixtures


@pytest.fixture
def as_secretariat(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    return api_client


@pytest.fixture
def as_delegation(api_client, delegation):
    api_client.force_authenticate(delegation)
    return api_client


def _payload(amb, **kw):
    return {
        "body": amb.pk,
        "title": "Ambassadors",
        "kind": "regular",
        "starts_at": "2027-03-09T10:00:00+01:00",
        "ends_at": "2027-03-09T12:00:00+01:00",
        **kw,
    }


def test_secretariat_creates_a_meeting(as_secretariat, amb, hq):
    response = as_secretariat.post("/api/v1/meetings/", _payload(amb, venue=hq.pk), format="json")
    assert response.status_code == 201
    meeting = Meeting.objects.get()
    assert response.json()["id"] == meeting.pk
    assert (response.json()["body_code"], response.json()["venue_name"]) == ("NRC-AMB", "NATO Headquarters")
    assert meeting.starts_at == brussels(2027, 3, 9, 10)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"ends_at": "2027-03-09T09:00:00+01:00"}, 400, "ends_at"),
        ({"body": 999999}, 400, "body"),
        ({"starts_at": "not a date"}, 400, "starts_at"),
    ],
)
def test_bad_meeting_input_names_the_field_and_saves_nothing(as_secretariat, amb, change, status, field):
    response = as_secretariat.post("/api/v1/meetings/", _payload(amb, **change), format="json")
    assert response.status_code == status
    assert list(response.json()) == [field]
    assert Meeting.objects.count() == 0


def test_body_that_did_not_exist_that_date_is_a_400_on_body(as_secretariat, reference):
    body = BodyFactory(existed_from=dt.date(2030, 1, 1))
    response = as_secretariat.post("/api/v1/meetings/", _payload(body), format="json")
    assert (response.status_code, list(response.json())) == (400, ["body"])
    assert Meeting.objects.count() == 0


def test_booked_venue_is_a_409(as_secretariat, amb, hq):
    MeetingFactory(body=BodyFactory(), venue=hq, starts_at=brussels(2027, 3, 9, 11), status=MeetingStatus.SCHEDULED)
    response = as_secretariat.post("/api/v1/meetings/", _payload(amb, venue=hq.pk), format="json")
    assert (response.status_code, list(response.json())) == (409, ["venue"])
    assert Meeting.objects.filter(body=amb).count() == 0


def test_delegation_reads_but_cannot_write(as_delegation, amb):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    assert as_delegation.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert as_delegation.post("/api/v1/meetings/", _payload(amb), format="json").status_code == 403
    response = as_delegation.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_delegation_does_not_see_meetings_of_bodies_it_does_not_sit_in(api_client, other_delegation, reference):
    body = BodyFactory()
    body.participants.add(Member.objects.get(iso2="US"))
    meeting = MeetingFactory(body=body)
    api_client.force_authenticate(other_delegation)
    assert api_client.get("/api/v1/meetings/").json()["count"] == 0
    assert api_client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_chair_may_cancel(api_client, chair, amb):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    api_client.force_authenticate(chair)
    response = api_client.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "Crisis"}, format="json")
    assert response.status_code == 200
    assert response.json()[0]["status"] == "cancelled"


def test_filters(as_secretariat, amb, reference):
    other = BodyFactory()
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    MeetingFactory(body=amb, starts_at=brussels(2027, 4, 13, 10), status=MeetingStatus.CANCELLED)
    MeetingFactory(body=other, starts_at=brussels(2027, 3, 10, 10), kind="extraordinary")

    def ids(**params):
        return sorted(m["title"] for m in as_secretariat.get("/api/v1/meetings/", params).json()["results"])

    everything = Meeting.objects.order_by("title").values_list("title", flat=True)
    a, b, c = (Meeting.objects.order_by("starts_at").values_list("title", flat=True))[:3]
    assert ids(body=amb.pk) == sorted([a, c])
    assert ids(status="cancelled") == [c]
    assert ids(kind="extraordinary") == [b]
    assert ids(**{"from": "2027-03-10", "to": "2027-03-31"}) == [b]
    assert ids() == list(everything)


@pytest.mark.parametrize("n", [10, 500])
def test_meeting_list_query_count_does_not_grow(as_delegation, amb, django_assert_num_queries, n):
    start = brussels(2027, 1, 1, 8).astimezone(dt.UTC)
    Meeting.objects.bulk_create(
        [
            Meeting(
                body=amb,
                title=f"M{i}",
                starts_at=start + dt.timedelta(hours=3 * i),
                ends_at=start + dt.timedelta(hours=3 * i + 2),
            )
            for i in range(n)
        ]
    )
    with django_assert_num_queries(2):  # count, page
        response = as_delegation.get("/api/v1/meetings/", {"page_size": 500})
    assert response.json()["count"] == n
    assert len(response.json()["results"]) == n


def test_reschedule_via_api(as_secretariat, amb, hq):
    meeting = MeetingFactory(body=amb, venue=hq, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = as_secretariat.post(
        f"/api/v1/meetings/{meeting.pk}/reschedule/",
        {
            "starts_at": "2027-03-10T15:00:00+01:00",
            "ends_at": "2027-03-10T17:00:00+01:00",
            "venue": hq.pk,
            "reason": "Travel",
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()[0]["sequence"] == 1
    response = as_secretariat.post(
        f"/api/v1/meetings/{meeting.pk}/reschedule/",
        {"starts_at": "2027-03-10T15:00:00+01:00", "ends_at": "2027-03-10T17:00:00+01:00"},
        format="json",
    )
    assert (response.status_code, list(response.json())) == (400, ["reason"])


def test_series_preview_and_create(as_secretariat, amb, hq):
    payload = {
        "body": amb.pk,
        "title": "Ambassadors",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959Z",
        "starts_at": "2027-01-12T10:00:00+01:00",
        "ends_at": "2027-01-12T12:00:00+01:00",
        "venue": hq.pk,
    }
    preview = as_secretariat.post("/api/v1/series/preview/", payload, format="json")
    assert preview.status_code == 200 and len(preview.json()) == 12
    assert MeetingSeries.objects.count() == 0
    created = as_secretariat.post("/api/v1/series/", payload, format="json")
    assert created.status_code == 201
    assert Meeting.objects.filter(series_id=created.json()["id"]).count() == 12
    bad = as_secretariat.post("/api/v1/series/", dict(payload, rrule="FREQ=WEEKLY"), format="json")
    assert (bad.status_code, list(bad.json())) == (400, ["rrule"])
    assert MeetingSeries.objects.count() == 1


def test_agenda_items(as_secretariat, amb):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    for title in ("Opening", "Dialogue"):
        assert (
            as_secretariat.post(
                "/api/v1/agenda-items/", {"meeting": meeting.pk, "title": title}, format="json"
            ).status_code
            == 201
        )
    second = AgendaItem.objects.get(title="Dialogue")
    assert as_secretariat.post(f"/api/v1/agenda-items/{second.pk}/move/", {"direction": "up"}).status_code == 200
    listed = as_secretariat.get("/api/v1/agenda-items/", {"meeting": meeting.pk}).json()["results"]
    assert [(i["position"], i["title"]) for i in listed] == [(1, "Dialogue"), (2, "Opening")]
    assert as_secretariat.delete(f"/api/v1/agenda-items/{second.pk}/").status_code == 204
    assert list(meeting.agenda_items.values_list("title", "position")) == [("Opening", 1)]


def test_paper_upload_and_bad_files(as_secretariat, amb):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    data = {
        "meeting": meeting.pk,
        "reference": "NRC(AMB)D(2027)0001",
        "title": "Agenda",
        "classification": "NATO RESTRICTED",
        "language": "fr",
    }
    ok = as_secretariat.post("/api/v1/papers/", dict(data, file=pdf_upload()), format="multipart")
    assert ok.status_code == 201
    assert (ok.json()["year"], ok.json()["classification"], ok.json()["language"]) == (2027, "NATO RESTRICTED", "fr")
    dup = as_secretariat.post("/api/v1/papers/", dict(data, file=pdf_upload()), format="multipart")
    assert (dup.status_code, list(dup.json())) == (400, ["reference"])
    exe = as_secretariat.post(
        "/api/v1/papers/",
        dict(data, reference="NRC(AMB)D(2027)0002", file=SimpleUploadedFile("x.exe", b"MZ")),
        format="multipart",
    )
    assert (exe.status_code, list(exe.json())) == (400, ["file"])
    with override_settings(PAPER_MAX_BYTES=10):
        big = as_secretariat.post(
            "/api/v1/papers/", dict(data, reference="NRC(AMB)D(2027)0003", file=pdf_upload()), format="multipart"
        )
    assert (big.status_code, list(big.json())) == (400, ["file"])
    assert list(Paper.objects.values_list("reference", flat=True)) == ["NRC(AMB)D(2027)0001"]


def test_attendance_via_api(as_secretariat, amb):
    meeting = MeetingFactory(body=amb, starts_at=timezone.now() - dt.timedelta(days=1))
    us = Member.objects.get(iso2="US")
    response = as_secretariat.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        {
            "rows": [
                {"member": us.pk, "status": "present", "representative": "PR", "representation_level": "Ambassador"}
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert [(r["member_iso2"], r["status"]) for r in response.json()] == [("US", "present")]
    listed = as_secretariat.get("/api/v1/attendance/", {"meeting": meeting.pk}).json()
    assert listed["count"] == 1
    bad = as_secretariat.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", {"rows": [{"member": us.pk, "status": "asleep"}]}, format="json"
    )
    assert bad.status_code == 400
    assert Attendance.objects.get().status == "present"


def test_schema_generates_without_warnings(as_secretariat):
    response = as_secretariat.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/series/preview/" in response.content


def test_partial_update_keeps_what_is_not_sent(as_secretariat, amb):
    meeting = MeetingFactory(
        body=amb, title="Old", chair="SG", starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED
    )
    response = as_secretariat.patch(f"/api/v1/meetings/{meeting.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.title, meeting.chair, meeting.sequence) == ("New", "SG", 1)


# --- the parts of a meeting: agenda items, papers, attendance ----------------------------------------------------

PARTS = ["/api/v1/agenda-items/", "/api/v1/papers/", "/api/v1/attendance/"]


def _meeting_with_parts(amb, n: int, *, title: str = "Ambassadors") -> Meeting:
    """A held meeting with ``n`` agenda items, papers and attendance rows."""
    meeting = MeetingFactory(body=amb, title=title, starts_at=brussels(2026, 3, 9, 10))
    members = list(Member.objects.order_by("pk")[:n])
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, position=i + 1, title=f"Item {i + 1}") for i in range(n)]
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, member=member, status="present") for member in reversed(members)]
    )
    uploader = UserFactory()
    Paper.objects.bulk_create(
        [
            Paper(body=amb, year=2026, reference=f"{title}-{i}", title="P", meeting=meeting, uploaded_by=uploader)
            for i in range(n)
        ]
    )
    return meeting


@pytest.mark.parametrize("path", PARTS)
@pytest.mark.parametrize("query", [{}, {"meeting": ""}])
def test_the_parts_of_a_meeting_are_listed_for_one_meeting_only(as_secretariat, path, query):
    response = as_secretariat.get(path, query)
    assert (response.status_code, response.json()) == (400, {"meeting": ["This field is required."]})


@pytest.mark.parametrize("path", PARTS)
def test_a_meeting_id_that_names_nothing_lists_nothing_and_one_that_is_not_a_number_is_a_400(as_secretariat, path):
    assert as_secretariat.get(path, {"meeting": 0}).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    response = as_secretariat.get(path, {"meeting": "abc"})
    assert (response.status_code, response.json()) == (400, {"meeting": ["Enter a whole number."]})


@pytest.mark.parametrize("path", PARTS)
def test_a_hidden_meeting_lists_nothing_as_if_it_did_not_exist(api_client, other_delegation, reference, path):
    closed = BodyFactory()
    closed.participants.add(Member.objects.get(iso2="US"))
    meeting = _meeting_with_parts(closed, 3)
    api_client.force_authenticate(other_delegation)
    assert api_client.get(path, {"meeting": meeting.pk}).json()["count"] == 0


@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize("path", PARTS)
@pytest.mark.parametrize("role", ["secretariat", "delegation"])
def test_the_parts_of_a_meeting_take_two_queries_whatever_their_number(
    api_client, amb, request, django_assert_num_queries, path, role, n
):
    """The count and the page of one meeting's rows (a delegation's scope is a semi-join in the same queries),
    whatever the number of rows and of other meetings."""
    meeting = _meeting_with_parts(amb, n)
    _meeting_with_parts(amb, 5, title="Other")
    api_client.force_authenticate(request.getfixturevalue(role))
    with django_assert_num_queries(2):
        response = api_client.get(path, {"meeting": meeting.pk})
    assert response.json()["count"] == n


def test_attendance_is_listed_by_member_id_and_agenda_items_by_position(as_secretariat, amb):
    meeting = _meeting_with_parts(amb, 3)
    attendance = as_secretariat.get("/api/v1/attendance/", {"meeting": meeting.pk}).json()["results"]
    assert [row["member"] for row in attendance] == sorted(row["member"] for row in attendance)
    items = as_secretariat.get("/api/v1/agenda-items/", {"meeting": meeting.pk}).json()["results"]
    assert [item["title"] for item in items] == ["Item 1", "Item 2", "Item 3"]


def test_one_part_is_read_by_its_id_without_the_list_s_filters(as_secretariat, amb):
    item = _meeting_with_parts(amb, 1).agenda_items.get()
    response = as_secretariat.get(f"/api/v1/agenda-items/{item.pk}/")
    assert (response.status_code, response.json()["title"], response.json()["area_code"]) == (200, "Item 1", None)


@pytest.mark.parametrize(("query", "field"), [({"year": "0.5"}, "year"), ({"year": "1999"}, "year")])
def test_papers_refuse_a_year_that_is_not_one(as_secretariat, amb, query, field):
    meeting = _meeting_with_parts(amb, 1)
    response = as_secretariat.get("/api/v1/papers/", {"meeting": meeting.pk, **query})
    assert (response.status_code, list(response.json())) == (400, [field])


# --- meeting filters -----------------------------------------------------------------------------------------


def test_empty_meeting_filters_mean_no_filter_and_unreadable_ones_are_400(as_secretariat, amb):
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    MeetingFactory(body=amb, venue=None, starts_at=brussels(2027, 4, 9, 10), status=MeetingStatus.SCHEDULED)
    empty = as_secretariat.get("/api/v1/meetings/", dict.fromkeys(["level", "from", "to", "body", "status"], ""))
    assert (empty.status_code, empty.json()["count"]) == (200, 2)
    assert [m["venue_name"] for m in empty.json()["results"]] == [None, None]
    for query, field in [({"from": "notadate"}, "from"), ({"level": "no such level"}, "level")]:
        response = as_secretariat.get("/api/v1/meetings/", query)
        assert (response.status_code, list(response.json())) == (400, [field])
    assert as_secretariat.get("/api/v1/meetings/", {"to": "9999-12-31"}).json()["count"] == 2


def test_a_body_that_names_nothing_visible_lists_no_meeting(api_client, other_delegation, reference):
    closed = BodyFactory()
    closed.participants.add(Member.objects.get(iso2="US"))
    MeetingFactory(body=closed)
    api_client.force_authenticate(other_delegation)
    for body in (0, closed.pk):
        response = api_client.get("/api/v1/meetings/", {"body": body})
        assert (response.status_code, response.json()["count"]) == (200, 0)


@pytest.mark.parametrize("following", [0, 1, "on", "yes"])
def test_a_boolean_must_be_true_or_false(as_secretariat, amb, following):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = as_secretariat.post(
        f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "x", "following": following}, format="json"
    )
    assert (response.status_code, list(response.json())) == (400, ["following"])
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_the_schema_says_what_may_be_null_and_what_is_required(as_secretariat):
    schema = as_secretariat.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["MeetingOut"]["properties"]["venue_name"]["nullable"] is True
    assert components["AgendaItemOut"]["properties"]["area_code"]["nullable"] is True
    for path in PARTS:
        [meeting] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "meeting"]
        assert (meeting["required"], meeting["schema"]) == (True, {"type": "integer"})
    attendance = schema["paths"]["/api/v1/meetings/{id}/attendance/"]["post"]
    assert attendance["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/AttendanceOut"},
    }
    assert [p["name"] for p in attendance["parameters"]] == ["id"]
