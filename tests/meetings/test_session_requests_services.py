"""The service layer of extraordinary-session requests: who may ask, what is refused, and every allowed and
refused transition for every role. A refused action changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from committees.models import Body, Member, Role
from meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Paper,
    ProposedSlot,
    SessionRequest,
    SessionRequestStatus,
    SessionRequestTransition,
    Venue,
)
from meetings.services.session_requests import (
    ALLOWED_TRANSITIONS,
    SlotInput,
    body_allow_extraordinary,
    session_request_allowed_actions,
    session_request_convene,
    session_request_decline,
    session_request_paper_add,
    session_request_submit,
    session_request_withdraw,
)
from nrc.errors import Conflict
from nrc.models import AuditEntry, Notification
from tests.factories import MeetingFactory, UserFactory

from .factories_requests import SessionRequestFactory, in_days

S = SessionRequestStatus
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def slot(days: int = 7) -> SlotInput:
    return SlotInput(starts_at=in_days(days, 10), ends_at=in_days(days, 12))


def state() -> tuple:
    """Everything a refused action must leave untouched."""
    return (
        list(
            SessionRequest.objects.order_by("pk").values_list(
                "pk", "status", "decided_at", "decision_reason", "meeting"
            )
        ),
        SessionRequestTransition.objects.count(),
        ProposedSlot.objects.count(),
        Paper.objects.count(),
        Meeting.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        list(Body.objects.order_by("pk").values_list("allows_extraordinary", flat=True)),
    )


@pytest.fixture
def amb(reference):
    return Body.objects.get(code="NRC-AMB")


@pytest.fixture
def everyone(secretariat, chair, auditor, administrator, delegation, other_delegation):
    """One user per role; the recipients of every notice are the delegations, the secretariat and the chair."""
    return {
        "secretariat": secretariat,
        "chair": chair,
        "auditor": auditor,
        "administrator": administrator,
        "delegation": delegation,
        "other_delegation": other_delegation,
    }


RECIPIENTS = 4 + 1  # two delegations, the secretariat, the chair's office, plus the secretariat's mailbox


# --- submission ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delegation_requests_a_session_for_its_own_member(amb, everyone, django_capture_on_commit_callbacks):
    us = everyone["delegation"]
    # When the US delegation asks for an extraordinary session with two proposed windows
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        req = session_request_submit(
            body=amb,
            grounds="  Situation in the region.  ",
            urgency="immediate",
            slots=[slot(3), slot(5)],
            acting_user=us,
        )
    # Then it is saved, submitted, on behalf of the United States, with its windows and its first transition
    req.refresh_from_db()
    assert (req.status, req.on_behalf_of.iso2, req.requested_by, req.grounds, req.urgency) == (
        S.SUBMITTED,
        "US",
        us,
        "Situation in the region.",
        "immediate",
    )
    assert list(req.proposed_slots.values_list("starts_at", flat=True)) == [in_days(3, 10), in_days(5, 10)]
    assert list(req.transitions.values_list("from_status", "to_status", "actor")) == [("", S.SUBMITTED, us.pk)]
    assert AuditEntry.objects.filter(action="session_request.submit", object_id=str(req.pk), actor=us).count() == 1
    # And every delegation, the secretariat and the chair's office are told, once each, after commit
    assert sorted(Notification.objects.values_list("email", flat=True)) == sorted(
        [
            "chair@nrc.example",
            "delegation-ru@nrc.example",
            "delegation-us@nrc.example",
            "nrc-secretariat@localhost",
            "secretariat@nrc.example",
        ]
    )
    assert set(Notification.objects.values_list("template", flat=True)) == {"session_request_submitted"}
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_chair_s_office_requests_on_behalf_of_the_secretary_general(amb, chair):
    req = session_request_submit(body=amb, grounds="Crisis consultations.", slots=[slot()], acting_user=chair)
    assert req.on_behalf_of is None
    assert req.status == S.SUBMITTED


@pytest.mark.django_db
def test_papers_are_attached_with_their_type_and_size(amb, delegation):
    upload = SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf")
    req = session_request_submit(body=amb, grounds="G", slots=[slot()], papers=[upload], acting_user=delegation)
    [paper] = req.papers.all()
    year = timezone.localdate(req.submitted_at).year
    assert (paper.title, paper.content_type, paper.size, paper.body, paper.reference) == (
        "statement",
        "application/pdf",
        len(PDF),
        amb,
        f"NRC-AMB/ESR({year})/{req.pk:04d}-1",
    )


def _submit_kwargs(amb, delegation, **overrides):
    kwargs = {"body": amb, "grounds": "Grounds", "slots": [slot()], "acting_user": delegation}
    kwargs.update(overrides)
    return kwargs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("body_not_allowed", "body"),
        ("past_date", "proposed_slots"),
        ("window_ends_before_start", "proposed_slots"),
        ("no_dates", "proposed_slots"),
        ("other_member", "on_behalf_of"),
        ("blank_grounds", "grounds"),
        ("bad_urgency", "urgency"),
        ("paper_wrong_type", "papers"),
        ("paper_fake_pdf", "papers"),
        ("paper_too_large", "papers"),
        ("paper_empty", "papers"),
        ("body_member_does_not_sit_in", "body"),
    ],
)
def test_bad_requests_are_refused_on_the_field_and_change_nothing(amb, delegation, settings, case, field):
    # Given the reference data and a delegation
    settings.PAPER_MAX_BYTES = 1024
    overrides = {
        "body_not_allowed": {"body": Body.objects.get(code="NRC-PC")},
        "past_date": {"slots": [SlotInput(starts_at=in_days(-1), ends_at=in_days(-1, 12))]},
        "window_ends_before_start": {"slots": [SlotInput(starts_at=in_days(3, 12), ends_at=in_days(3, 10))]},
        "no_dates": {"slots": []},
        "other_member": {"on_behalf_of": Member.objects.get(iso2="RU")},
        "blank_grounds": {"grounds": "   "},
        "bad_urgency": {"urgency": "whenever"},
        "paper_wrong_type": {"papers": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]},
        "paper_fake_pdf": {"papers": [SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")]},
        "paper_too_large": {"papers": [SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 2000)]},
        "paper_empty": {"papers": [SimpleUploadedFile("x.txt", b"")]},
    }.get(case, {})
    if case == "body_member_does_not_sit_in":
        amb.participants.set([Member.objects.get(iso2="RU")])
    before = state()
    # When the request is submitted
    with pytest.raises(ValidationError) as excinfo:
        session_request_submit(**_submit_kwargs(amb, delegation, **overrides))
    # Then the error names the field, and nothing was written
    assert list(excinfo.value.error_dict) == [field]
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "auditor", "administrator"])
def test_roles_other_than_delegation_and_chair_may_not_request(amb, everyone, role):
    before = state()
    with pytest.raises(PermissionDenied):
        session_request_submit(body=amb, grounds="G", slots=[slot()], acting_user=everyone[role])
    assert state() == before


@pytest.mark.django_db
def test_the_chair_s_office_may_not_name_a_member(amb, chair):
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        session_request_submit(
            body=amb, grounds="G", slots=[slot()], on_behalf_of=Member.objects.get(iso2="US"), acting_user=chair
        )
    assert list(excinfo.value.error_dict) == ["on_behalf_of"]
    assert state() == before


# --- the transition table, for every role -------------------------------------------------------------------

ROLES = ["secretariat", "chair", "auditor", "administrator", "delegation", "other_delegation"]
ACTIONS = ["convene", "decline", "withdraw"]
STATES = [S.SUBMITTED, S.CONVENED, S.DECLINED, S.WITHDRAWN]
TARGET = {"convene": S.CONVENED, "decline": S.DECLINED, "withdraw": S.WITHDRAWN}

# What each role may do to a request of the US delegation that is still submitted (written out, not derived):
MEMBER_REQUEST_ALLOWED = {
    ("convene", "secretariat"),
    ("convene", "chair"),
    ("decline", "chair"),
    ("withdraw", "delegation"),
}
# ... and to a request of the Secretary General (made by the chair's office):
SG_REQUEST_ALLOWED = {
    ("convene", "secretariat"),
    ("convene", "chair"),
    ("decline", "chair"),
    ("withdraw", "chair"),
}


def expected_outcome(requester: str, status: str, action: str, role: str) -> str:
    allowed = MEMBER_REQUEST_ALLOWED if requester == "member" else SG_REQUEST_ALLOWED
    if (action, role) not in allowed:
        return "forbidden"
    return "ok" if status == S.SUBMITTED else "conflict"


def make_request(requester: str, status: str, everyone) -> SessionRequest:
    author = everyone["delegation"] if requester == "member" else everyone["chair"]
    req = SessionRequestFactory(requested_by=author, on_behalf_of=author.member, submitted_at=timezone.now())
    if status == S.CONVENED:
        meeting = MeetingFactory(
            body=req.body, kind=MeetingKind.EXTRAORDINARY, status=MeetingStatus.SCHEDULED, starts_at=in_days(20)
        )
        req.meeting, req.decided_by, req.decided_at = meeting, everyone["chair"], timezone.now()
    elif status == S.DECLINED:
        req.decision_reason, req.decided_by, req.decided_at = "No need.", everyone["chair"], timezone.now()
    req.status = status
    req.save()
    return req


def run(action: str, req: SessionRequest, user):
    if action == "convene":
        return session_request_convene(
            request=req,
            starts_at=in_days(10, 15),
            ends_at=in_days(10, 17),
            venue=Venue.objects.get(name="NATO Headquarters"),
            acting_user=user,
        )
    if action == "decline":
        return session_request_decline(request=req, reasons="The regular session next week suffices.", acting_user=user)
    return session_request_withdraw(request=req, note="Resolved bilaterally.", acting_user=user)


CASES = [
    (requester, status, action, role)
    for requester in ("member", "secretary_general")
    for status in STATES
    for action in ACTIONS
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("requester", "status", "action", "role"), CASES, ids=["-".join(c) for c in CASES])
def test_every_transition_for_every_role(everyone, requester, status, action, role):
    # Given a request in ``status``
    req = make_request(requester, status, everyone)
    user = everyone[role]
    outcome = expected_outcome(requester, status, action, role)
    before = state()
    # Then what the page offers agrees with what the service does
    assert (TARGET[action] in session_request_allowed_actions(request=req, user=user)) == (outcome == "ok")
    if outcome == "ok":
        # When an allowed move is made, it is applied, recorded with actor and time, audited and announced
        run(action, req, user)
        req.refresh_from_db()
        assert req.status == TARGET[action]
        [last] = req.transitions.order_by("-id")[:1]
        assert (last.from_status, last.to_status, last.actor) == (S.SUBMITTED, TARGET[action], user)
        assert AuditEntry.objects.filter(action=f"session_request.{TARGET[action]}", actor=user).count() == 1
        assert Notification.objects.filter(template=f"session_request_{TARGET[action]}").count() == RECIPIENTS
        if action == "convene":
            assert (req.meeting.kind, req.meeting.status, req.meeting.body.code) == (
                MeetingKind.EXTRAORDINARY,
                MeetingStatus.SCHEDULED,
                "NRC-AMB",
            )
            assert (req.decided_by, req.meeting.starts_at) == (user, in_days(10, 15))
        elif action == "decline":
            assert (req.decided_by, req.decision_reason) == (user, "The regular session next week suffices.")
    else:
        # When a refused move is tried, the error is clear (403 or 409) and nothing changes
        expected_error = PermissionDenied if outcome == "forbidden" else Conflict
        with pytest.raises(expected_error) as excinfo:
            run(action, req, user)
        assert type(excinfo.value) is expected_error
        if outcome == "conflict":
            assert list(excinfo.value.error_dict) == ["status"]
        assert state() == before


def test_the_transition_table_is_exactly_the_workflow():
    assert {k: set(v) for k, v in ALLOWED_TRANSITIONS.items()} == {
        (S.SUBMITTED, S.CONVENED): {Role.CHAIR, Role.SECRETARIAT},
        (S.SUBMITTED, S.DECLINED): {Role.CHAIR},
        (S.SUBMITTED, S.WITHDRAWN): {Role.DELEGATION, Role.CHAIR},
    }


@pytest.mark.django_db
def test_another_user_of_the_requesting_delegation_may_withdraw(everyone):
    req = make_request("member", S.SUBMITTED, everyone)
    colleague = UserFactory(role=Role.DELEGATION, member=Member.objects.get(iso2="US"))
    session_request_withdraw(request=req, acting_user=colleague)
    req.refresh_from_db()
    assert req.status == S.WITHDRAWN


@pytest.mark.django_db
def test_convening_in_the_past_or_on_a_booked_venue_creates_nothing(everyone):
    req = make_request("member", S.SUBMITTED, everyone)
    hq = Venue.objects.get(name="NATO Headquarters")
    MeetingFactory(body=req.body, venue=hq, status=MeetingStatus.SCHEDULED, starts_at=in_days(10, 15))
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        session_request_convene(
            request=req, starts_at=in_days(-2), ends_at=in_days(-2, 12), venue=hq, acting_user=everyone["chair"]
        )
    assert list(excinfo.value.error_dict) == ["starts_at"]
    with pytest.raises(Conflict) as excinfo:
        session_request_convene(
            request=req, starts_at=in_days(10, 16), ends_at=in_days(10, 18), venue=hq, acting_user=everyone["chair"]
        )
    assert list(excinfo.value.error_dict) == ["venue"]
    assert state() == before


@pytest.mark.django_db
def test_declining_needs_reasons(everyone):
    req = make_request("member", S.SUBMITTED, everyone)
    before = state()
    with pytest.raises(ValidationError) as excinfo:
        session_request_decline(request=req, reasons="  ", acting_user=everyone["chair"])
    assert list(excinfo.value.error_dict) == ["reasons"]
    assert state() == before


@pytest.mark.django_db
def test_the_convened_meeting_counts_for_cadence(everyone):
    req = make_request("member", S.SUBMITTED, everyone)
    meeting = session_request_convene(
        request=req, starts_at=in_days(10, 15), ends_at=in_days(10, 17), acting_user=everyone["secretariat"]
    )
    assert Meeting.objects.qualifying().filter(pk=meeting.pk, body__code="NRC-AMB").exists()
    assert meeting.session_request == req
    assert AuditEntry.objects.filter(action="meeting.create", object_id=str(meeting.pk)).count() == 1


# --- papers added later, and the body setting ---------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_requester_adds_papers_while_pending(everyone):
    req = make_request("member", S.SUBMITTED, everyone)
    paper = session_request_paper_add(
        request=req, upload=SimpleUploadedFile("annex.txt", b"Annex text"), acting_user=everyone["delegation"]
    )
    assert (paper.session_request, paper.content_type, paper.title) == (req, "text/plain", "annex")
    before = state()
    with pytest.raises(PermissionDenied):
        session_request_paper_add(
            request=req, upload=SimpleUploadedFile("b.txt", b"B"), acting_user=everyone["other_delegation"]
        )
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chair", "auditor", "administrator", "delegation"])
def test_only_the_secretariat_allows_extraordinary_sessions_for_a_body(everyone, role):
    pc = Body.objects.get(code="NRC-PC")
    before = state()
    with pytest.raises(PermissionDenied):
        body_allow_extraordinary(body=pc, allowed=True, acting_user=everyone[role])
    assert state() == before


@pytest.mark.django_db
def test_the_secretariat_allows_a_body_and_a_request_then_goes_through(everyone):
    pc = Body.objects.get(code="NRC-PC")
    body_allow_extraordinary(body=pc, allowed=True, acting_user=everyone["secretariat"])
    pc.refresh_from_db()
    assert pc.allows_extraordinary is True
    entry = AuditEntry.objects.get(action="body.allow_extraordinary")
    assert (entry.before, entry.after) == ({"allows_extraordinary": False}, {"allows_extraordinary": True})
    req = session_request_submit(body=pc, grounds="G", slots=[slot()], acting_user=everyone["delegation"])
    assert req.body == pc


@pytest.mark.django_db
def test_proposed_dates_are_stored_in_utc(amb, delegation):
    start = dt.datetime(2099, 3, 1, 9, 0, tzinfo=dt.UTC)
    req = session_request_submit(
        body=amb,
        grounds="G",
        slots=[SlotInput(starts_at=start, ends_at=start + dt.timedelta(hours=2))],
        acting_user=delegation,
    )
    assert req.proposed_slots.get().starts_at == start
