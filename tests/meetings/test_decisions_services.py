"""Joint decisions: consensus, silence procedure, reservations, implementation issues and their agenda items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from committees.models import Member
from cooperation.models import CooperationArea
from meetings.models import (
    AgendaItem,
    DecisionStatus,
    ImplementationIssue,
    IssueAnswer,
    IssueStatus,
    JointDecision,
    Reservation,
    SilenceBreak,
)
from meetings.services.decisions import (
    decision_record,
    issue_answer,
    issue_put_on_agenda,
    issue_raise,
    issue_status_change,
    reservation_enter,
    silence_break,
    silence_procedures_close,
)
from meetings.tasks import silence_procedures_close as silence_task
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.models import AuditEntry, Notification
from tests.cooperation.factories_groups import (
    DecisionFactory,
    IssueFactory,
    circulated_decision,
    held_meeting,
    scheduled_meeting,
)
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_decision_taken_by_consensus_is_adopted_at_the_meeting(secretariat):
    meeting = held_meeting()
    tmd = CooperationArea.objects.get(code="TMD")
    decision = decision_record(
        meeting=meeting, reference="NRC-D(2026)001", title="TMD", text="Agreed.", areas=[tmd], acting_user=secretariat
    )
    decision.refresh_from_db()
    assert (decision.status, decision.method, decision.adopted_at) == ("adopted", "consensus", meeting.ends_at)
    assert decision.silence_deadline is None
    assert list(decision.areas.all()) == [tmd]
    assert AuditEntry.objects.filter(action="decision.record", object_id=str(decision.pk)).count() == 1


def test_a_silence_procedure_circulates_and_tells_every_delegation(secretariat, delegation, other_delegation):
    deadline = timezone.now() + dt.timedelta(days=2)
    decision = decision_record(
        meeting=held_meeting(),
        reference="NRC-D(2026)002",
        title="Silence",
        text="Draft.",
        method="silence",
        silence_deadline=deadline,
        acting_user=secretariat,
    )
    assert (decision.status, decision.adopted_at, decision.silence_deadline) == ("circulated", None, deadline)
    assert sorted(Notification.objects.filter(template="decision_circulated").values_list("email", flat=True)) == [
        "delegation-ru@nrc.example",
        "delegation-us@nrc.example",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "silence"}, "silence_deadline"),
        ({"method": "silence", "silence_deadline": timezone.now() - dt.timedelta(hours=1)}, "silence_deadline"),
        ({"method": "consensus", "silence_deadline": timezone.now() + dt.timedelta(hours=1)}, "silence_deadline"),
        ({"reference": "TAKEN"}, "reference"),
        ({"text": " "}, "text"),
    ],
)
def test_bad_decisions_are_refused_on_the_field(secretariat, kwargs, field):
    DecisionFactory(reference="TAKEN")
    before = JointDecision.objects.count()
    values = {"reference": "NRC-D(2026)003", "title": "T", "text": "X"} | kwargs
    with pytest.raises(ValidationError) as exc:
        decision_record(meeting=held_meeting(), acting_user=secretariat, **values)
    assert list(exc.value.message_dict) == [field]
    assert JointDecision.objects.count() == before


def test_decisions_are_recorded_only_at_a_held_meeting(secretariat):
    with pytest.raises(ValidationError) as exc:
        decision_record(meeting=scheduled_meeting(), reference="R", title="T", text="X", acting_user=secretariat)
    assert list(exc.value.message_dict) == ["meeting"]
    assert JointDecision.objects.count() == 0


def test_only_the_secretariat_records_decisions(delegation):
    with pytest.raises(PermissionDenied):
        decision_record(meeting=held_meeting(), reference="R", title="T", text="X", acting_user=delegation)
    assert JointDecision.objects.count() == 0


def test_a_delegation_breaks_silence_before_the_deadline(delegation, secretariat):
    decision = circulated_decision()
    brk = silence_break(decision=decision, member=delegation.member, statement="We object.", acting_user=delegation)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SILENCE_BROKEN
    assert (brk.member.iso2, brk.statement) == ("US", "We object.")
    # every secretariat user is told: the fixture's and the one who recorded the decision
    assert sorted(Notification.objects.filter(template="decision_silence_broken").values_list("email", flat=True)) == (
        sorted(["secretariat@nrc.example", decision.recorded_by.email])
    )
    # and the beat job leaves it broken
    assert silence_procedures_close(now=decision.silence_deadline + dt.timedelta(minutes=1)) == 0
    decision.refresh_from_db()
    assert (decision.status, decision.adopted_at) == ("silence_broken", None)


def test_breaking_silence_after_the_deadline_is_refused_and_changes_nothing(delegation):
    decision = circulated_decision()
    with pytest.raises(ValidationError) as exc:
        silence_break(
            decision=decision,
            member=delegation.member,
            statement="Too late.",
            acting_user=delegation,
            now=decision.silence_deadline,
        )
    assert list(exc.value.message_dict) == ["silence_deadline"]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CIRCULATED
    assert SilenceBreak.objects.count() == 0


def test_breaking_silence_for_another_member_is_forbidden(delegation):
    decision = circulated_decision()
    with pytest.raises(PermissionDenied):
        silence_break(decision=decision, member=Member.objects.get(iso2="RU"), statement="X", acting_user=delegation)
    decision.refresh_from_db()
    assert (decision.status, SilenceBreak.objects.count()) == ("circulated", 0)


def test_a_second_member_may_also_break_silence_but_not_twice(delegation, other_delegation):
    decision = circulated_decision()
    silence_break(decision=decision, member=delegation.member, statement="A", acting_user=delegation)
    silence_break(decision=decision, member=other_delegation.member, statement="B", acting_user=other_delegation)
    with pytest.raises(Conflict):
        silence_break(decision=decision, member=delegation.member, statement="again", acting_user=delegation)
    assert sorted(SilenceBreak.objects.values_list("member__iso2", flat=True)) == ["RU", "US"]


def test_the_beat_task_adopts_unbroken_procedures_at_their_deadline_once(db, reference):
    due = circulated_decision(hours=-1)
    not_yet = circulated_decision(hours=5)
    # When the beat task runs twice
    assert silence_task() == 1
    assert silence_task() == 0
    due.refresh_from_db()
    not_yet.refresh_from_db()
    # Then only the decision past its deadline is adopted, at its deadline
    assert (due.status, due.adopted_at) == ("adopted", due.silence_deadline)
    assert (not_yet.status, not_yet.adopted_at) == ("circulated", None)
    assert AuditEntry.objects.filter(action="decision.adopt_by_silence").count() == 1


def test_the_beat_task_is_the_one_named_in_settings(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert silence_task.name == "meetings.tasks.silence_procedures_close"
    assert silence_task.name in names


def test_reservations_once_per_member_and_only_for_ones_own(delegation):
    decision = DecisionFactory()
    reservation_enter(
        decision=decision, member=delegation.member, text="Subject to ratification.", acting_user=delegation
    )
    with pytest.raises(Conflict):
        reservation_enter(decision=decision, member=delegation.member, text="Again.", acting_user=delegation)
    with pytest.raises(PermissionDenied):
        reservation_enter(decision=decision, member=Member.objects.get(iso2="FR"), text="X", acting_user=delegation)
    assert list(Reservation.objects.values_list("member__iso2", "text")) == [("US", "Subject to ratification.")]


def test_a_delegation_raises_an_issue_for_its_own_member(delegation, secretariat):
    decision = DecisionFactory()
    issue = issue_raise(
        decision=decision, member=delegation.member, title="Delay", description="Late.", acting_user=delegation
    )
    assert (issue.status, issue.member.iso2, issue.raised_by) == ("open", "US", delegation)
    assert Notification.objects.filter(template="decision_issue_raised", email="secretariat@nrc.example").count() == 1
    assert Notification.objects.filter(template="decision_issue_raised", email="delegation-us@nrc.example").count() == 0


def test_raising_an_issue_on_behalf_of_another_member_is_forbidden_and_writes_nothing(delegation):
    decision = DecisionFactory()
    with pytest.raises(PermissionDenied):
        issue_raise(
            decision=decision,
            member=Member.objects.get(iso2="RU"),
            title="X",
            description="Y",
            acting_user=delegation,
        )
    assert ImplementationIssue.objects.count() == 0


def test_issues_are_raised_only_on_adopted_decisions(delegation):
    decision = circulated_decision()
    with pytest.raises(ValidationError) as exc:
        issue_raise(decision=decision, member=delegation.member, title="X", description="Y", acting_user=delegation)
    assert list(exc.value.message_dict) == ["decision"]
    assert ImplementationIssue.objects.count() == 0


def test_the_secretariat_answers_and_moves_the_issue_through_the_transition_table(secretariat, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    issue_answer(issue=issue, text="We are on it.", status="under_discussion", acting_user=secretariat)
    issue.refresh_from_db()
    assert issue.status == "under_discussion"
    assert list(IssueAnswer.objects.values_list("text", flat=True)) == ["We are on it."]
    assert (
        Notification.objects.filter(template="decision_issue_answered", email="delegation-us@nrc.example").count() == 1
    )
    # under discussion → open is not in the table
    with pytest.raises(Conflict):
        issue_status_change(issue=issue, status="open", acting_user=secretariat)
    issue_status_change(issue=issue, status="resolved", acting_user=secretariat)
    issue.refresh_from_db()
    assert issue.status == "resolved"


def test_a_refused_transition_in_an_answer_writes_no_answer(secretariat, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation, status=IssueStatus.UNDER_DISCUSSION)
    with pytest.raises(Conflict):
        issue_answer(issue=issue, text="Reopen", status="open", acting_user=secretariat)
    issue.refresh_from_db()
    assert (issue.status, IssueAnswer.objects.count()) == ("under_discussion", 0)


def test_delegations_cannot_answer_issues(delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    with pytest.raises(PermissionDenied):
        issue_answer(issue=issue, text="Self-answer", acting_user=delegation)
    assert IssueAnswer.objects.count() == 0


def test_putting_an_issue_on_a_later_agenda_links_both_ways(secretariat, delegation):
    tmd = CooperationArea.objects.get(code="TMD")
    issue = IssueFactory(member=delegation.member, raised_by=delegation, decision=DecisionFactory(areas=[tmd]))
    meeting = scheduled_meeting("NRC-PC", days_ahead=14)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Opening")
    item = issue_put_on_agenda(issue=issue, meeting=meeting, acting_user=secretariat)
    issue.refresh_from_db()
    assert (item.meeting, item.position, item.implementation_issue, item.area) == (meeting, 2, issue, tmd)
    assert item.title == f"Implementation issue: {issue.title}"
    assert list(issue.agenda_items.all()) == [item]
    assert issue.status == "under_discussion"
    # the same meeting twice is refused
    with pytest.raises(Conflict):
        issue_put_on_agenda(issue=issue, meeting=meeting, acting_user=secretariat)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2


def test_an_issue_goes_only_on_a_meeting_still_to_come(secretariat, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation)
    past = held_meeting(days_ago=1)
    with pytest.raises(ValidationError) as exc:
        issue_put_on_agenda(issue=issue, meeting=past, acting_user=secretariat)
    assert list(exc.value.message_dict) == ["meeting"]
    issue.refresh_from_db()
    assert (issue.status, AgendaItem.objects.count()) == ("open", 0)


def test_a_resolved_issue_is_not_put_on_an_agenda(secretariat, delegation):
    issue = IssueFactory(member=delegation.member, raised_by=delegation, status=IssueStatus.RESOLVED)
    with pytest.raises(Conflict):
        issue_put_on_agenda(issue=issue, meeting=scheduled_meeting(), acting_user=secretariat)
    assert AgendaItem.objects.count() == 0


def test_emails_render_for_every_decision_template(secretariat, delegation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(
            meeting=held_meeting(),
            reference="NRC-D(2026)MAIL",
            title="Mail",
            text="X",
            method="silence",
            silence_deadline=timezone.now() + dt.timedelta(hours=3),
            acting_user=secretariat,
        )
        silence_break(decision=decision, member=delegation.member, statement="No", acting_user=delegation)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Silence broken: NRC-D(2026)MAIL", "Silence procedure: NRC-D(2026)MAIL"]
    assert MeetingFactory  # factory module import kept for the other tests
