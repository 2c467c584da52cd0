"""API: decisions, silence procedures, reservations and implementation issues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cooperation.models import CooperationArea
from meetings.models import AgendaItem, ImplementationIssue, JointDecision, SilenceBreak
from tests.cooperation.factories_groups import (
    DecisionFactory,
    IssueFactory,
    circulated_decision,
    held_meeting,
    scheduled_meeting,
)

pytestmark = pytest.mark.django_db


def test_secretariat_records_a_decision_under_silence(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    meeting = held_meeting()
    deadline = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    response = api_client.post(
        "/api/v1/decisions/",
        {
            "meeting": meeting.pk,
            "reference": "NRC-D(API)1",
            "title": "API",
            "text": "Text",
            "areas": ["TMD"],
            "method": "silence",
            "silence_deadline": deadline.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["areas"], body["body"], body["silence_breaks"]) == (
        "circulated",
        ["TMD"],
        "NRC-PC",
        [],
    )


def test_recording_without_a_deadline_is_a_400_naming_the_field(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.post(
        "/api/v1/decisions/",
        {"meeting": held_meeting().pk, "reference": "R", "title": "T", "text": "X", "method": "silence"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["silence_deadline"]
    assert JointDecision.objects.count() == 0


def test_delegation_breaks_silence_then_late_break_is_400(api_client, delegation, other_delegation):
    decision = circulated_decision()
    api_client.force_authenticate(delegation)
    response = api_client.post(f"/api/v1/decisions/{decision.pk}/break-silence/", {"statement": "No"}, format="json")
    assert response.status_code == 201
    assert response.json()["member"] == "US"
    late = circulated_decision(hours=-1)
    api_client.force_authenticate(other_delegation)
    response = api_client.post(f"/api/v1/decisions/{late.pk}/break-silence/", {"statement": "No"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["silence_deadline"]
    late.refresh_from_db()
    assert (late.status, SilenceBreak.objects.filter(decision=late).count()) == ("circulated", 0)


def test_secretariat_cannot_break_silence(api_client, secretariat):
    decision = circulated_decision()
    api_client.force_authenticate(secretariat)
    response = api_client.post(f"/api/v1/decisions/{decision.pk}/break-silence/", {"statement": "No"}, format="json")
    assert response.status_code == 403
    assert SilenceBreak.objects.count() == 0


def test_delegation_cannot_record_decisions(api_client, delegation):
    api_client.force_authenticate(delegation)
    response = api_client.post(
        "/api/v1/decisions/", {"meeting": held_meeting().pk, "reference": "R", "title": "T", "text": "X"}, format="json"
    )
    assert response.status_code == 403
    assert JointDecision.objects.count() == 0


def test_issue_on_behalf_of_another_member_is_403_and_writes_nothing(api_client, delegation):
    decision = DecisionFactory()
    api_client.force_authenticate(delegation)
    response = api_client.post(
        f"/api/v1/decisions/{decision.pk}/issues/",
        {"title": "X", "description": "Y", "member": "RU"},
        format="json",
    )
    assert response.status_code == 403
    assert ImplementationIssue.objects.count() == 0
    response = api_client.post(
        f"/api/v1/decisions/{decision.pk}/issues/", {"title": "X", "description": "Y", "member": "US"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["member"], response.json()["status"]) == ("US", "open")


def test_reservation_via_api(api_client, delegation):
    decision = DecisionFactory()
    api_client.force_authenticate(delegation)
    url = f"/api/v1/decisions/{decision.pk}/reservations/"
    assert api_client.post(url, {"text": "Subject to parliament."}, format="json").status_code == 201
    assert api_client.post(url, {"text": "Again"}, format="json").status_code == 409
    assert decision.reservations.count() == 1


def test_secretariat_answers_moves_and_schedules_an_issue(api_client, secretariat, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    meeting = scheduled_meeting()
    api_client.force_authenticate(secretariat)
    response = api_client.post(
        f"/api/v1/implementation-issues/{issue.pk}/answer/",
        {"text": "Noted.", "status": "under_discussion"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], [a["text"] for a in response.json()["answers"]]) == (
        "under_discussion",
        ["Noted."],
    )
    response = api_client.post(f"/api/v1/implementation-issues/{issue.pk}/status/", {"status": "open"}, format="json")
    assert response.status_code == 409
    response = api_client.post(
        f"/api/v1/implementation-issues/{issue.pk}/agenda/", {"meeting": meeting.pk}, format="json"
    )
    assert response.status_code == 201
    item = AgendaItem.objects.get()
    assert response.json() == {
        "id": item.pk,
        "meeting": meeting.pk,
        "position": 1,
        "title": f"Implementation issue: {issue.title}",
        "implementation_issue": issue.pk,
    }
    listed = api_client.get("/api/v1/implementation-issues/").json()["results"]
    assert listed[0]["agenda_items"][0]["meeting"] == meeting.pk


def test_delegation_cannot_answer(api_client, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    api_client.force_authenticate(delegation)
    assert (
        api_client.post(f"/api/v1/implementation-issues/{issue.pk}/answer/", {"text": "x"}, format="json").status_code
        == 403
    )
    assert issue.answers.count() == 0


@pytest.mark.parametrize("n", [1, 20])
def test_decision_and_issue_lists_have_constant_query_counts(api_client, auditor, django_assert_num_queries, n):
    for _ in range(n):
        IssueFactory(decision=DecisionFactory(areas=list(CooperationArea.objects.filter(code__in=["TER", "CM"]))))
    api_client.force_authenticate(auditor)
    # the area looked up by code, the count, the page, the areas of the page
    with django_assert_num_queries(4):
        response = api_client.get("/api/v1/decisions/", {"q": "co-operate", "area": "TER"})
    assert response.json()["count"] == n
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/implementation-issues/")
    assert response.json()["count"] == n


def test_bad_filter_is_a_400(api_client, auditor):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/decisions/", {"year": "abc"})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


def test_a_body_or_area_that_names_nothing_lists_no_decision(api_client, auditor):
    DecisionFactory()
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/decisions/").json()["count"] == 1
    for query in ({"body": 0}, {"area": "NOPE"}, {"body": 0, "area": "TER"}):
        response = api_client.get("/api/v1/decisions/", query)
        assert (response.status_code, response.json()["count"]) == (200, 0)


def test_a_year_outside_the_council_s_life_is_a_400_and_the_schema_says_so(api_client, auditor):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/decisions/", {"year": 1990})
    assert (response.status_code, list(response.json())) == (400, ["year"])
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    [year] = [p for p in schema["paths"]["/api/v1/decisions/"]["get"]["parameters"] if p["name"] == "year"]
    assert year["schema"] == {"type": "integer", "minimum": 2002, "maximum": 2100}


def test_a_malformed_decision_or_issue_id_is_a_404(api_client, auditor):
    api_client.force_authenticate(auditor)
    for path in ("/api/v1/decisions/null,null/", "/api/v1/implementation-issues/null,null/"):
        assert api_client.get(path).status_code == 404
