"""Decision and issue pages: filters, search, query counts, and the refusals shown on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Body
from cooperation.models import CooperationArea
from meetings.models import AgendaItem, ImplementationIssue, JointDecision, Minutes, SilenceBreak
from tests.cooperation.factories_groups import (
    DecisionFactory,
    IssueFactory,
    circulated_decision,
    held_meeting,
    scheduled_meeting,
)

pytestmark = pytest.mark.django_db

DECISION_LIST_QUERIES = 7
# plus the area looked up by its code and the delegation's visible-bodies scope
FILTERED_DECISION_LIST_QUERIES = 9


def _decisions(n: int) -> None:
    areas = list(CooperationArea.objects.order_by("position")[:3])
    for i in range(n):
        DecisionFactory(meeting=held_meeting("NRC-PC", days_ago=5 + i), areas=areas, reference=f"D-{n}-{i}")


@pytest.mark.parametrize("n", [1, 30])
def test_decision_list_query_count_is_constant(auditor_client, django_assert_num_queries, n):
    _decisions(n)
    with django_assert_num_queries(DECISION_LIST_QUERIES):
        response = auditor_client.get(reverse("meetings:decision_list"))
    assert response.status_code == 200
    assert len(response.context["decisions"]) == min(n, 25)


@pytest.mark.parametrize("n", [1, 30])
def test_filtered_decision_list_query_count_is_constant(delegation_client, django_assert_num_queries, n):
    _decisions(n)
    with django_assert_num_queries(FILTERED_DECISION_LIST_QUERIES):
        response = delegation_client.get(
            reverse("meetings:decision_list"), {"area": "TER", "status": "adopted", "q": "co-operate"}
        )
    assert response.status_code == 200


def test_decision_list_filters_by_area_body_year_and_status(auditor_client):
    tmd, cm = CooperationArea.objects.get(code="TMD"), CooperationArea.objects.get(code="CM")
    pc = DecisionFactory(meeting=held_meeting("NRC-PC", days_ago=3), areas=[tmd], reference="PC-TMD")
    amb = DecisionFactory(meeting=held_meeting("NRC-AMB", days_ago=400), areas=[cm], reference="AMB-CM")
    silent = circulated_decision(meeting=held_meeting("NRC-PC", days_ago=1), reference="PC-SIL")
    url = reverse("meetings:decision_list")

    def refs(**params):
        return [d.reference for d in auditor_client.get(url, params).context["decisions"]]

    assert refs() == ["PC-SIL", "PC-TMD", "AMB-CM"]
    assert refs(area="TMD") == ["PC-TMD"]
    assert refs(body=Body.objects.get(code="NRC-AMB").pk) == ["AMB-CM"]
    assert refs(year=amb.meeting.starts_at.year) == (
        ["AMB-CM"] if amb.meeting.starts_at.year != pc.meeting.starts_at.year else ["PC-SIL", "PC-TMD", "AMB-CM"]
    )
    assert refs(status="circulated") == [silent.reference]


def test_search_covers_decisions_agenda_items_and_minutes(auditor_client, secretariat):
    DecisionFactory(text="Submarine crew rescue framework.", reference="BY-TEXT")
    by_agenda = DecisionFactory(reference="BY-AGENDA")
    AgendaItem.objects.create(meeting=by_agenda.meeting, position=1, title="Exercise Kaliningrad logistics")
    by_minutes = DecisionFactory(reference="BY-MINUTES")
    Minutes.objects.create(
        meeting=by_minutes.meeting, text="Delegations discussed Cosmodrome telemetry.", drafted_by=secretariat
    )
    DecisionFactory(reference="OTHER")
    url = reverse("meetings:decision_list")

    def refs(q):
        return [d.reference for d in auditor_client.get(url, {"q": q}).context["decisions"]]

    assert refs("submarine") == ["BY-TEXT"]
    assert refs("Kaliningrad") == ["BY-AGENDA"]
    assert refs("telemetry") == ["BY-MINUTES"]
    assert refs("nothing-like-this") == []


def test_the_decision_form_shows_a_past_deadline_on_its_field(secretariat_client):
    meeting = held_meeting()
    past = timezone.localtime(timezone.now() - dt.timedelta(hours=2))
    response = secretariat_client.post(
        reverse("meetings:decision_create"),
        {
            "meeting": meeting.pk,
            "reference": "R-1",
            "title": "T",
            "text": "X",
            "method": "silence",
            "silence_deadline": past.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"silence_deadline": ["The deadline must be in the future."]}
    assert JointDecision.objects.count() == 0


def test_breaking_silence_after_the_deadline_shows_an_error_and_changes_nothing(delegation_client):
    decision = circulated_decision(hours=-1)  # the deadline has passed; the beat task has not run yet
    response = delegation_client.post(
        reverse("meetings:decision_detail", args=[decision.pk]), {"action": "break_silence", "statement": "Late"}
    )
    assert response.status_code == 400
    assert "silence can no longer be broken" in response.content.decode()
    decision.refresh_from_db()
    assert (decision.status, SilenceBreak.objects.count()) == ("circulated", 0)


def test_the_secretariat_cannot_break_silence_or_raise_issues(secretariat_client):
    decision = circulated_decision()
    assert (
        secretariat_client.post(
            reverse("meetings:decision_detail", args=[decision.pk]), {"action": "break_silence", "statement": "X"}
        ).status_code
        == 403
    )
    adopted = DecisionFactory()
    assert (
        secretariat_client.post(
            reverse("meetings:decision_detail", args=[adopted.pk]),
            {"action": "raise_issue", "title": "X", "description": "Y"},
        ).status_code
        == 403
    )
    assert (SilenceBreak.objects.count(), ImplementationIssue.objects.count()) == (0, 0)


def test_delegations_cannot_record_decisions_or_answer_issues(delegation_client, delegation):
    assert delegation_client.get(reverse("meetings:decision_create")).status_code == 403
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    assert (
        delegation_client.post(
            reverse("meetings:issue_detail", args=[issue.pk]), {"action": "answer", "text": "x", "status": "resolved"}
        ).status_code
        == 403
    )
    assert (
        delegation_client.post(
            reverse("meetings:issue_detail", args=[issue.pk]), {"action": "agenda", "meeting": scheduled_meeting().pk}
        ).status_code
        == 403
    )
    issue.refresh_from_db()
    assert (issue.status, issue.answers.count(), issue.agenda_items.count()) == ("open", 0, 0)


def test_every_delegation_sees_every_issue(other_delegation_client, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation, title="US concern")
    response = other_delegation_client.get(reverse("meetings:issue_list"))
    assert [i.title for i in response.context["issues"]] == ["US concern"]
    assert other_delegation_client.get(reverse("meetings:issue_detail", args=[issue.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_issue_list_query_count_is_constant(auditor_client, django_assert_num_queries, delegation, n):
    for _ in range(n):
        IssueFactory(member=delegation.member, raised_by=delegation)
    with django_assert_num_queries(4):
        response = auditor_client.get(reverse("meetings:issue_list"))
    assert len(response.context["issues"]) == n


def test_home_panels_list_open_silence_procedures_and_issues(delegation_client, delegation):
    circulated_decision(reference="SIL-1")
    IssueFactory(member=delegation.member, raised_by=delegation, title="Open one")
    IssueFactory(member=delegation.member, raised_by=delegation, title="Closed one", status="resolved")
    html = delegation_client.get("/").content.decode()
    assert "Open silence procedures" in html and "SIL-1" in html
    assert "Open one" in html and "Closed one" not in html


def test_a_delegation_sees_only_decisions_of_bodies_its_member_sits_in(delegation_client):
    from committees.models import Member
    from tests.factories import BodyFactory, MeetingFactory

    closed = BodyFactory(code="NRC(FR-ONLY)", parent=Body.objects.get(code="NRC-PC"))
    closed.participants.set([Member.objects.get(iso2="FR")])
    hidden = DecisionFactory(
        meeting=MeetingFactory(body=closed, status="held", starts_at=timezone.now() - dt.timedelta(days=3)),
        reference="HIDDEN",
    )
    DecisionFactory(reference="VISIBLE")
    response = delegation_client.get(reverse("meetings:decision_list"))
    assert [d.reference for d in response.context["decisions"]] == ["VISIBLE"]
    assert delegation_client.get(reverse("meetings:decision_detail", args=[hidden.pk])).status_code == 404


def test_unknown_page_action_is_a_400_and_changes_nothing(delegation_client):
    decision = circulated_decision()
    response = delegation_client.post(reverse("meetings:decision_detail", args=[decision.pk]), {"action": "adopt"})
    assert response.status_code == 400
    decision.refresh_from_db()
    assert decision.status == "circulated"


@pytest.mark.parametrize("n", [1, 5])
def test_decision_page_query_count_is_constant(delegation_client, delegation, django_assert_num_queries, n):
    from committees.models import Member
    from meetings.models import Reservation

    decision = DecisionFactory(areas=list(CooperationArea.objects.filter(code__in=["TMD", "CM"])))
    members = list(Member.objects.exclude(iso2="US").order_by("iso2")[:n])
    for member in members:
        IssueFactory(decision=decision, member=member)
        Reservation.objects.create(decision=decision, member=member, text="R", entered_by=decision.recorded_by)
    with django_assert_num_queries(10):
        response = delegation_client.get(reverse("meetings:decision_detail", args=[decision.pk]))
    assert len(response.context["decision"].issues.all()) == n


# --- the decision form lists the latest held meetings, and checks a choice against every one ----------------


def _held(n: int, code: str = "NRC-PC") -> list:
    return [held_meeting(code, days_ago=1 + i, title=f"H{i}") for i in range(n)]


@pytest.mark.parametrize("n", [3, 110])
def test_the_decision_form_lists_the_latest_held_meetings(secretariat_client, django_assert_num_queries, n):
    from meetings.selectors.decisions import DECISION_MEETING_CHOICES

    held = _held(n)
    scheduled_meeting()
    # session, user, the latest held meetings, the areas
    with django_assert_num_queries(4):
        response = secretariat_client.get(reverse("meetings:decision_create"))
    listed = [value for value, _label in response.context["form"].fields["meeting"].choices][1:]
    assert listed == [m.pk for m in held[:DECISION_MEETING_CHOICES]]


def test_the_decision_form_opened_from_an_older_meeting_lists_it(secretariat_client, django_assert_num_queries):
    held = _held(101)
    with django_assert_num_queries(5):  # plus the older meeting
        response = secretariat_client.get(reverse("meetings:decision_create"), {"meeting": held[-1].pk})
    listed = [value for value, _label in response.context["form"].fields["meeting"].choices][1:]
    assert listed == [m.pk for m in held]
    assert response.context["form"]["meeting"].value() == held[-1].pk


def test_a_decision_can_be_recorded_at_an_older_held_meeting(secretariat_client):
    held = _held(101)
    response = secretariat_client.post(
        reverse("meetings:decision_create"),
        {"meeting": held[-1].pk, "reference": "R-OLD", "title": "T", "text": "X", "method": "consensus"},
    )
    decision = JointDecision.objects.get()
    assert response.status_code == 302
    assert (decision.meeting_id, decision.reference) == (held[-1].pk, "R-OLD")


def test_the_decision_form_refuses_a_meeting_not_held_and_saves_nothing(secretariat_client):
    _held(2)
    coming = scheduled_meeting()
    response = secretariat_client.post(
        reverse("meetings:decision_create"),
        {"meeting": coming.pk, "reference": "R-1", "title": "T", "text": "X", "method": "consensus"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "meeting": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert JointDecision.objects.count() == 0
