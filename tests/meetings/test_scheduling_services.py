"""Scheduling services: meetings, series, reschedules, cancellations, agenda, papers, attendance, minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone

from committees.models import Member
from meetings.models import (
    Attendance,
    Meeting,
    MeetingSeries,
    MeetingSlotChange,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Paper,
)
from meetings.services import scheduling as services
from nrc.errors import Conflict, ValidationError
from nrc.models import AuditEntry, Notification
from tests.factories import BodyFactory, MeetingFactory, brussels

from . import scheduling_fixtures
from .scheduling_fixtures import pdf_upload

amb, hq = scheduling_fixtures.amb, scheduling_fixtures.hq  # fixtures

MONTHLY_2027 = "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959Z"


def _meeting(secretariat, amb, hq, start=None, **kw):
    start = start or brussels(2027, 3, 9, 10)
    return services.meeting_create(
        body=amb,
        title="Ambassadors",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue=hq,
        acting_user=secretariat,
        **kw,
    )


# --- create ---------------------------------------------------------------------------------------------------


def test_create_refuses_end_before_start_and_saves_nothing(secretariat, amb, hq):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            body=amb,
            title="X",
            starts_at=brussels(2027, 1, 5, 12),
            ends_at=brussels(2027, 1, 5, 10),
            venue=hq,
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["ends_at"]
    assert Meeting.objects.count() == 0


def test_create_refuses_a_body_that_did_not_exist_that_day(secretariat, reference):
    body = BodyFactory(existed_from=dt.date(2020, 1, 1), existed_to=dt.date(2021, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            body=body,
            title="X",
            starts_at=brussels(2027, 1, 5, 10),
            ends_at=brussels(2027, 1, 5, 12),
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["body"]
    assert Meeting.objects.count() == 0


def test_create_refuses_a_booked_venue(secretariat, amb, hq):
    _meeting(secretariat, amb, hq)
    other = BodyFactory()
    with pytest.raises(Conflict) as exc:
        services.meeting_create(
            body=other,
            title="Clash",
            starts_at=brussels(2027, 3, 9, 11),
            ends_at=brussels(2027, 3, 9, 13),
            venue=hq,
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["venue"]
    assert Meeting.objects.count() == 1


def test_create_turns_a_deadlock_on_the_venue_constraint_into_a_conflict(secretariat, amb, hq, monkeypatch):
    # Given two uncommitted bookings of one venue, PostgreSQL aborts one of them with SQLSTATE 40P01 while
    # checking the exclusion constraint (the other goes through)
    class DeadlockDetected(Exception):
        pgcode = "40P01"

    def save_aborted_by_the_database(self, *args, **kwargs):
        error = OperationalError("deadlock detected\nCONTEXT:  while checking exclusion constraint on tuple (0,1)")
        raise error from DeadlockDetected()

    monkeypatch.setattr(Meeting, "save", save_aborted_by_the_database)
    audit_before = AuditEntry.objects.count()
    # When the secretariat books it, then it gets the venue conflict, and nothing is written
    with pytest.raises(Conflict) as exc:
        _meeting(secretariat, amb, hq)
    assert exc.value.message_dict == {"venue": ["This venue is already booked at that time."]}
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == (0, audit_before)


def test_create_lets_any_other_database_error_through(secretariat, amb, hq, monkeypatch):
    def save_failing(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Meeting, "save", save_failing)
    with pytest.raises(OperationalError):
        _meeting(secretariat, amb, hq)
    assert Meeting.objects.count() == 0


def test_create_is_refused_to_a_delegation(delegation, amb, hq):
    with pytest.raises(PermissionDenied):
        _meeting(delegation, amb, hq)
    assert Meeting.objects.count() == 0


def test_create_writes_an_audit_entry(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    entry = AuditEntry.objects.get(action="meeting.create")
    assert entry.object_id == str(meeting.pk)
    assert meeting.chair == amb.chair


# --- series ---------------------------------------------------------------------------------------------------


def test_preview_of_a_monthly_rule_for_2027_lists_12_occurrences_at_10_brussels(secretariat, amb, hq):
    rows = services.series_preview(
        body=amb,
        rrule=MONTHLY_2027,
        first_starts_at=brussels(2027, 1, 12, 10),
        ends_at=brussels(2027, 1, 12, 12),
        venue=hq,
    )
    assert len(rows) == 12
    local = [timezone.localtime(r["starts_at"], brussels(2027, 1, 1).tzinfo) for r in rows]
    assert [d.date() for d in local][:3] == [dt.date(2027, 1, 12), dt.date(2027, 2, 9), dt.date(2027, 3, 9)]
    assert {(d.hour, d.minute) for d in local} == {(10, 0)}  # summer time included
    assert all(r["conflict"] == "" and r["invalid"] == "" for r in rows)


def test_preview_shows_venue_conflicts_and_same_day_warnings(secretariat, amb, hq):
    MeetingFactory(body=BodyFactory(), venue=hq, starts_at=brussels(2027, 2, 9, 11), status=MeetingStatus.SCHEDULED)
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 15), status=MeetingStatus.SCHEDULED)
    rows = services.series_preview(
        body=amb,
        rrule=MONTHLY_2027,
        first_starts_at=brussels(2027, 1, 12, 10),
        ends_at=brussels(2027, 1, 12, 12),
        venue=hq,
    )
    assert [bool(r["conflict"]) for r in rows[:4]] == [False, True, False, False]
    assert [bool(r["warning"]) for r in rows[:4]] == [False, False, True, False]


@pytest.mark.parametrize(
    ("rrule", "message"),
    [
        ("FREQ=MONTHLY", "more than 500"),
        ("FREQ=DAILY;COUNT=501", "more than 500"),
        ("FREQ=MONTHLY;UNTIL=20260101T000000Z", "no occurrence"),
        ("FREQ=FORTNIGHTLY", "not a valid"),
        ("", "Enter one recurrence rule"),
    ],
)
def test_series_refuses_a_bad_rule_on_the_rrule_field_and_saves_nothing(secretariat, amb, hq, rrule, message):
    with pytest.raises(ValidationError) as exc:
        services.series_create(
            body=amb,
            title="AMB",
            rrule=rrule,
            first_starts_at=brussels(2027, 1, 12, 10),
            ends_at=brussels(2027, 1, 12, 12),
            venue=hq,
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["rrule"]
    assert message in exc.value.error_dict["rrule"][0].messages[0]
    assert (MeetingSeries.objects.count(), Meeting.objects.count()) == (0, 0)


def test_series_with_500_occurrences_is_accepted(secretariat, reference):
    body = BodyFactory()
    series = services.series_create(
        body=body,
        title="Daily",
        rrule="FREQ=DAILY;COUNT=500",
        first_starts_at=brussels(2027, 1, 1, 9),
        ends_at=brussels(2027, 1, 1, 10),
        acting_user=secretariat,
    )
    assert series.meetings.count() == 500


def test_series_clashing_with_a_booked_venue_is_refused_unless_skipped(secretariat, amb, hq):
    MeetingFactory(body=BodyFactory(), venue=hq, starts_at=brussels(2027, 2, 9, 11), status=MeetingStatus.SCHEDULED)
    args = {
        "body": amb,
        "title": "AMB",
        "rrule": MONTHLY_2027,
        "first_starts_at": brussels(2027, 1, 12, 10),
        "ends_at": brussels(2027, 1, 12, 12),
        "venue": hq,
        "acting_user": secretariat,
    }
    with pytest.raises(Conflict) as exc:
        services.series_create(**args)
    assert list(exc.value.error_dict) == ["venue"]
    assert MeetingSeries.objects.count() == 0
    assert Meeting.objects.filter(body=amb).count() == 0
    series = services.series_create(**args, skip_conflicts=True)
    assert series.meetings.count() == 11
    assert not series.meetings.filter(starts_at__date=dt.date(2027, 2, 9)).exists()


def test_series_outside_the_life_of_the_body_is_refused(secretariat, reference):
    body = BodyFactory(existed_from=dt.date(2020, 1, 1), existed_to=dt.date(2027, 6, 30))
    with pytest.raises(ValidationError) as exc:
        services.series_create(
            body=body,
            title="X",
            rrule=MONTHLY_2027,
            first_starts_at=brussels(2027, 1, 12, 10),
            ends_at=brussels(2027, 1, 12, 12),
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["rrule"]
    assert Meeting.objects.count() == 0


def _series(secretariat, amb, hq):
    return services.series_create(
        body=amb,
        title="Ambassadors",
        rrule=MONTHLY_2027,
        first_starts_at=brussels(2027, 1, 12, 10),
        ends_at=brussels(2027, 1, 12, 12),
        venue=hq,
        acting_user=secretariat,
    )


# --- reschedule and cancel ------------------------------------------------------------------------------------


def test_reschedule_keeps_the_original_slot_raises_sequence_and_tells_participants(
    secretariat, delegation, other_delegation, chair, amb, hq, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = _meeting(secretariat, amb, hq)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(
            meeting=meeting,
            starts_at=brussels(2027, 3, 10, 15),
            ends_at=brussels(2027, 3, 10, 17),
            venue=hq,
            reason="Ministerial travel",
            acting_user=secretariat,
        )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (brussels(2027, 3, 10, 15), 1)
    change = MeetingSlotChange.objects.get(meeting=meeting)
    assert (change.previous_starts_at, change.reason) == (brussels(2027, 3, 9, 10), "Ministerial travel")
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(u.email for u in (secretariat, delegation, other_delegation, chair))
    assert "Rescheduled" in mailoutbox[0].subject


def test_notifications_are_not_queued_when_the_transaction_rolls_back(secretariat, amb, hq, mailoutbox):
    meeting = _meeting(secretariat, amb, hq)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(
            meeting=meeting,
            starts_at=brussels(2027, 3, 10, 15),
            ends_at=brussels(2027, 3, 10, 17),
            venue=hq,
            reason="  ",
            acting_user=secretariat,
        )
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_reschedule_this_and_following_shifts_on_the_wall_clock(secretariat, amb, hq):
    series = _series(secretariat, amb, hq)
    meetings = list(series.meetings.order_by("starts_at"))
    changed = services.meeting_reschedule(
        meeting=meetings[1],
        starts_at=brussels(2027, 2, 9, 14),
        ends_at=brussels(2027, 2, 9, 15),
        venue=hq,
        reason="Afternoon sessions",
        acting_user=secretariat,
        following=True,
    )
    assert len(changed) == 11
    m = Meeting.objects.get(pk=meetings[6].pk)  # July: summer time
    assert (m.starts_at, m.ends_at) == (brussels(2027, 7, 13, 14), brussels(2027, 7, 13, 15))
    assert Meeting.objects.get(pk=meetings[0].pk).starts_at == brussels(2027, 1, 12, 10)


def test_reschedule_onto_a_booked_venue_is_refused_and_nothing_changes(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    MeetingFactory(body=BodyFactory(), venue=hq, starts_at=brussels(2027, 3, 10, 15), status=MeetingStatus.SCHEDULED)
    with pytest.raises(Conflict):
        services.meeting_reschedule(
            meeting=meeting,
            starts_at=brussels(2027, 3, 10, 15),
            ends_at=brussels(2027, 3, 10, 17),
            venue=hq,
            reason="x",
            acting_user=secretariat,
        )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (brussels(2027, 3, 9, 10), 0)
    assert MeetingSlotChange.objects.count() == 0


def test_cancel_requires_a_reason(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    with pytest.raises(ValidationError) as exc:
        services.meeting_cancel(meeting=meeting, reason=" ", acting_user=secretariat)
    assert list(exc.value.error_dict) == ["reason"]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_cancel_frees_the_venue_and_cannot_be_repeated(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    services.meeting_cancel(meeting=meeting, reason="No quorum", acting_user=secretariat)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, meeting.cancellation_reason) == ("cancelled", 1, "No quorum")
    with pytest.raises(Conflict):
        services.meeting_cancel(meeting=meeting, reason="again", acting_user=secretariat)
    _meeting(secretariat, BodyFactory(), hq)  # the slot is free again


def test_cancel_the_rest_of_a_series(secretariat, amb, hq):
    series = _series(secretariat, amb, hq)
    n = services.series_cancel_rest(
        series=series, reason="Suspended", acting_user=secretariat, now=brussels(2027, 6, 1)
    )
    assert n == 7
    statuses = list(series.meetings.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["scheduled"] * 5 + ["cancelled"] * 7


def test_update_this_and_following(secretariat, amb, hq):
    series = _series(secretariat, amb, hq)
    meetings = list(series.meetings.order_by("starts_at"))
    services.meeting_update(
        meeting=meetings[10], title="Renamed", kind="regular", chair="Deputy", acting_user=secretariat, following=True
    )
    titles = list(series.meetings.order_by("starts_at").values_list("title", "sequence"))
    assert titles[9:] == [("Ambassadors", 0), ("Renamed", 1), ("Renamed", 1)]


# --- recording ------------------------------------------------------------------------------------------------


def _past(secretariat, amb, hq):
    start = timezone.now() - dt.timedelta(days=3)
    return MeetingFactory(body=amb, venue=hq, starts_at=start, status=MeetingStatus.SCHEDULED)


def test_mark_held_is_refused_before_the_meeting(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    with pytest.raises(Conflict):
        services.meeting_mark_held(meeting=meeting, acting_user=secretariat)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED


def test_attendance_only_for_members_sitting_in_the_body(secretariat, amb, hq):
    meeting = services.meeting_mark_held(meeting=_past(secretariat, amb, hq), acting_user=secretariat)
    us, ru = Member.objects.get(iso2="US"), Member.objects.get(iso2="RU")
    rows = services.attendance_record(
        meeting=meeting,
        rows=[
            {"member": us.pk, "status": "present", "representative": "Ambassador", "representation_level": "PR"},
            {"member": ru.pk, "status": "excused"},
        ],
        acting_user=secretariat,
    )
    assert [(a.member.iso2, a.status) for a in rows] == [("RU", "excused"), ("US", "present")]
    outsider = BodyFactory()
    outsider.participants.add(us)
    other = MeetingFactory(body=outsider, starts_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            meeting=other, rows=[{"member": ru.pk, "status": "present"}], acting_user=secretariat
        )
    assert list(exc.value.error_dict) == ["member"]
    assert Attendance.objects.filter(meeting=other).count() == 0


def test_minutes_drafted_then_approved_are_read_only(secretariat, chair, amb, hq):
    meeting = services.meeting_mark_held(meeting=_past(secretariat, amb, hq), acting_user=secretariat)
    minutes = services.minutes_save(meeting=meeting, text="Draft", acting_user=secretariat)
    with pytest.raises(PermissionDenied):
        services.minutes_approve(minutes=minutes, acting_user=secretariat)
    services.minutes_approve(minutes=minutes, acting_user=chair)
    with pytest.raises(Conflict):
        services.minutes_save(meeting=meeting, text="Changed", acting_user=secretariat)
    minutes.refresh_from_db()
    assert (minutes.text, minutes.status, minutes.approved_by) == ("Draft", MinutesStatus.APPROVED, chair)


# --- agenda and papers ----------------------------------------------------------------------------------------


def test_agenda_items_are_ordered_and_can_be_moved_and_removed(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    a, _b, c = (services.agenda_item_add(meeting=meeting, title=t, acting_user=secretariat) for t in "ABC")
    services.agenda_item_move(item=c, direction="up", acting_user=secretariat)
    assert list(meeting.agenda_items.values_list("title", "position")) == [("A", 1), ("C", 2), ("B", 3)]
    services.agenda_item_delete(item=a, acting_user=secretariat)
    assert list(meeting.agenda_items.values_list("title", "position")) == [("C", 1), ("B", 2)]
    assert Meeting.objects.get(pk=meeting.pk).sequence == 5


def test_paper_reference_is_unique_per_body_and_year(secretariat, amb, hq):
    meeting = _meeting(secretariat, amb, hq)
    services.paper_upload(
        meeting=meeting, reference="NRC(AMB)D(2027)0001", title="Agenda", file=pdf_upload(), acting_user=secretariat
    )
    with pytest.raises(ValidationError) as exc:
        services.paper_upload(
            meeting=meeting, reference="nrc(amb)d(2027)0001", title="Again", file=pdf_upload(), acting_user=secretariat
        )
    assert list(exc.value.error_dict) == ["reference"]
    assert Paper.objects.count() == 1


@override_settings(PAPER_MAX_BYTES=1024)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.pdf", b"%PDF-" + b"x" * 2000),
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("binary.txt", b"\x00\x01\x02"),
    ],
)
def test_paper_refuses_oversized_or_unexpected_files(secretariat, amb, hq, name, content):
    meeting = _meeting(secretariat, amb, hq)
    with pytest.raises(ValidationError) as exc:
        services.paper_upload(
            meeting=meeting,
            reference="NRC(AMB)D(2027)0002",
            title="Bad",
            file=SimpleUploadedFile(name, content),
            acting_user=secretariat,
        )
    assert list(exc.value.error_dict) == ["file"]
    assert Paper.objects.count() == 0


# --- reminders ------------------------------------------------------------------------------------------------


def test_reminders_are_sent_once(secretariat, delegation, amb, hq, django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    MeetingFactory(body=amb, starts_at=now + dt.timedelta(days=7, hours=2), status=MeetingStatus.SCHEDULED)
    stale = MeetingFactory(body=amb, starts_at=now - dt.timedelta(days=20), status=MeetingStatus.HELD)
    Minutes.objects.create(meeting=stale, text="x", drafted_by=secretariat)
    MeetingFactory(body=amb, starts_at=now - dt.timedelta(days=2), status=MeetingStatus.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reminders_send(now=now)
    assert first == {"reminders": 1, "digest": 1}
    assert second == {"reminders": 0, "digest": 0}
    digest = [m for m in mailoutbox if "to record" in m.subject]
    assert [m.to for m in digest] == [[secretariat.email]]
    assert "minutes not yet approved" in digest[0].body
    assert len([m for m in mailoutbox if m.subject.startswith("In a week")]) == 2  # secretariat + delegation


def test_reminders_task_is_registered_under_the_beat_name():
    import meetings.tasks  # noqa: F401
    from nrc.celery import app

    assert "meetings.tasks.reminders_send" in app.tasks


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only")
def test_the_database_refuses_a_double_booking_the_service_check_did_not_see(secretariat, amb, hq):
    # Given a booked venue, and a second booking that skipped the service's check (as a concurrent writer would)
    _meeting(secretariat, amb, hq)
    clash = Meeting(
        body=BodyFactory(),
        title="Clash",
        starts_at=brussels(2027, 3, 9, 11),
        ends_at=brussels(2027, 3, 9, 13),
        venue=hq,
    )
    # When it is saved, then the exclusion constraint refuses it with a conflict on the venue
    with pytest.raises(Conflict) as exc:
        services.save_with_venue_guard(clash)
    assert list(exc.value.error_dict) == ["venue"]
    assert Meeting.objects.filter(venue=hq).count() == 1
