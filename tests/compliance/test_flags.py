"""The hourly flag job: one flag per (rule, period) in breach or at risk, idempotent, self-resolving."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from committees.models import Role
from compliance import tasks
from compliance.models import Flag, FlagEvent, FlagState
from compliance.periods import midnight
from compliance.services import cadence_flags_refresh, flag_acknowledge
from meetings.models import Meeting, MeetingStatus
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.models import AuditEntry, Notification
from tests.factories import UserFactory, brussels

from .factories_compliance import WaiverFactory, held_every_month, meeting, monthly_body

AT = midnight(dt.date(2005, 6, 16))  # 16 June 2005: June is open, May is closed


def _scenario():
    """A monthly body that missed February 2005 and has nothing yet in June (at risk)."""
    body = monthly_body(existed_from=dt.date(2005, 1, 1))
    held_every_month(body, dt.date(2005, 1, 1), dt.date(2005, 5, 1), skip={(2005, 2)})
    return body


def _state():
    flags = sorted(
        Flag.objects.values_list("body__code", "period", "period_start", "verdict", "state", "held", "scheduled")
    )
    return flags, FlagEvent.objects.count(), Notification.objects.count(), AuditEntry.objects.count()


@pytest.mark.django_db
def test_the_job_flags_breaches_and_risks_and_tells_the_secretariat():
    # Given two secretariat users and a body in breach in February and at risk in June
    secretaries = [UserFactory(role=Role.SECRETARIAT), UserFactory(role=Role.SECRETARIAT)]
    UserFactory(role=Role.AUDITOR)
    body = _scenario()
    # When the job runs
    report = cadence_flags_refresh(at=AT)
    # Then two flags are open, each with its "raised" event, and one email per secretary
    flags = list(Flag.objects.order_by("period_start"))
    assert [(f.period_start, f.verdict, f.state, f.held, f.required) for f in flags] == [
        (dt.date(2005, 2, 1), "breach", "open", 0, 1),
        (dt.date(2005, 6, 1), "at_risk", "open", 0, 1),
    ]
    assert all(f.body_id == body.pk for f in flags)
    assert (report.raised, report.resolved) == (2, 0)
    assert list(FlagEvent.objects.values_list("kind", flat=True)) == ["raised", "raised"]
    notes = Notification.objects.filter(template="cadence_flags")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in secretaries)
    assert notes[0].context["count"] == 2


@pytest.mark.django_db
def test_running_the_job_twice_changes_nothing():
    UserFactory(role=Role.SECRETARIAT)
    _scenario()
    cadence_flags_refresh(at=AT)
    before = _state()
    report = cadence_flags_refresh(at=AT)
    assert _state() == before
    assert (report.raised, report.changed, report.resolved, report.unchanged) == (0, 0, 0, 2)


@pytest.mark.django_db
def test_a_meeting_recorded_late_resolves_the_flag_and_keeps_its_history():
    body = _scenario()
    cadence_flags_refresh(at=AT)
    # When the secretariat records a February meeting that was held after all
    meeting(body, brussels(2005, 2, 22))
    report = cadence_flags_refresh(at=AT)
    # Then the February flag is resolved (not deleted), with its history
    february = Flag.objects.get(period_start=dt.date(2005, 2, 1))
    assert (february.state, february.verdict, february.held) == ("resolved", "compliant", 1)
    assert february.resolved_at is not None
    assert list(february.events.values_list("kind", "verdict")) == [("raised", "breach"), ("resolved", "compliant")]
    assert report.resolved == 1
    # And June is still at risk
    assert Flag.objects.get(period_start=dt.date(2005, 6, 1)).state == "open"


@pytest.mark.django_db
def test_a_resolved_flag_is_reopened_when_the_breach_comes_back():
    UserFactory(role=Role.SECRETARIAT)
    body = _scenario()
    late = meeting(body, brussels(2005, 2, 22))
    cadence_flags_refresh(at=AT)
    assert not Flag.objects.filter(period_start=dt.date(2005, 2, 1)).exists()
    late.delete()
    cadence_flags_refresh(at=AT)
    meeting(body, brussels(2005, 2, 23))
    cadence_flags_refresh(at=AT)
    Meeting.objects.filter(body=body, starts_at__month=2, starts_at__year=2005).update(status=MeetingStatus.CANCELLED)
    report = cadence_flags_refresh(at=AT)
    february = Flag.objects.get(period_start=dt.date(2005, 2, 1))
    assert february.state == "open"
    assert list(february.events.values_list("kind", flat=True)) == ["raised", "resolved", "reopened"]
    assert report.reopened == 1
    assert Flag.objects.filter(period_start=dt.date(2005, 2, 1)).count() == 1


@pytest.mark.django_db
def test_an_at_risk_flag_becomes_a_breach_when_the_period_closes():
    _scenario()
    cadence_flags_refresh(at=AT)
    cadence_flags_refresh(at=midnight(dt.date(2005, 7, 2)))
    june = Flag.objects.get(period_start=dt.date(2005, 6, 1))
    assert (june.verdict, june.state) == ("breach", "open")
    assert list(june.events.values_list("kind", "verdict")) == [("raised", "at_risk"), ("verdict_changed", "breach")]
    # July is now open and empty: at risk
    assert Flag.objects.get(period_start=dt.date(2005, 7, 1)).verdict == "at_risk"


@pytest.mark.django_db
def test_an_approved_waiver_resolves_the_flag():
    body = _scenario()
    cadence_flags_refresh(at=AT)
    WaiverFactory(bodies=[body], starts_on=dt.date(2005, 2, 1), ends_on=dt.date(2005, 2, 28))
    cadence_flags_refresh(at=AT)
    february = Flag.objects.get(period_start=dt.date(2005, 2, 1))
    assert (february.state, february.verdict) == ("resolved", "waived")


@pytest.mark.django_db
def test_rules_with_no_minimum_and_compliant_periods_raise_no_flag():
    body = monthly_body(min_meetings=0, period="month", existed_from=dt.date(2005, 1, 1))
    assert body.cadence_rules.count() == 1
    cadence_flags_refresh(at=AT)
    assert Flag.objects.count() == 0


@pytest.mark.django_db
def test_the_task_is_thin_idempotent_and_time_limited():
    _scenario()
    assert tasks.cadence_flags_refresh.acks_late is True
    assert (tasks.cadence_flags_refresh.time_limit, tasks.cadence_flags_refresh.soft_time_limit) == (600, 540)
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["compliance-evaluate-cadence"]
    assert schedule["task"] == tasks.cadence_flags_refresh.name == "compliance.tasks.cadence_flags_refresh"
    first = tasks.cadence_flags_refresh.delay().get()
    second = tasks.cadence_flags_refresh.delay().get()
    assert first["raised"] > 0
    assert second == {"raised": 0, "reopened": 0, "changed": 0, "resolved": 0, "unchanged": first["raised"]}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_the_same_flags_as_one():
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL")
    UserFactory(role=Role.SECRETARIAT)
    _scenario()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            cadence_flags_refresh(at=AT)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    flags, events, notifications, _audit = _state()
    assert [(f[2], f[3], f[4]) for f in flags] == [
        (dt.date(2005, 2, 1), "breach", "open"),
        (dt.date(2005, 6, 1), "at_risk", "open"),
    ]
    assert events == 2
    assert notifications == 1


# Acknowledging ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_secretariat_acknowledges_a_flag_with_a_note():
    _scenario()
    cadence_flags_refresh(at=AT)
    secretary = UserFactory(role=Role.SECRETARIAT)
    flag = Flag.objects.get(period_start=dt.date(2005, 2, 1))
    flag_acknowledge(flag=flag, note="Minutes being recovered from the archive.", acting_user=secretary)
    flag.refresh_from_db()
    assert (flag.state, flag.note) == ("acknowledged", "Minutes being recovered from the archive.")
    assert list(flag.events.values_list("kind", "actor")) == [("raised", None), ("acknowledged", secretary.pk)]
    assert AuditEntry.objects.filter(action="flag.acknowledge", object_id=str(flag.pk)).count() == 1
    # An acknowledged flag still resolves itself when the data changes
    meeting(flag.body, brussels(2005, 2, 22))
    cadence_flags_refresh(at=AT)
    flag.refresh_from_db()
    assert flag.state == FlagState.RESOLVED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "note", "error"),
    [
        (Role.AUDITOR, "note", PermissionDenied),
        (Role.DELEGATION, "note", PermissionDenied),
        (Role.SECRETARIAT, "   ", ValidationError),
    ],
)
def test_refused_acknowledgements_change_nothing(reference, role, note, error):
    body = _scenario()
    cadence_flags_refresh(at=AT)
    from committees.models import Member

    user = UserFactory(role=role, member=Member.objects.get(iso2="US") if role == Role.DELEGATION else None)
    flag = Flag.objects.get(body=body, period_start=dt.date(2005, 2, 1))
    before = _state()
    with pytest.raises(error):
        flag_acknowledge(flag=flag, note=note, acting_user=user)
    assert _state() == before


@pytest.mark.django_db
def test_a_flag_cannot_be_acknowledged_twice():
    _scenario()
    cadence_flags_refresh(at=AT)
    secretary = UserFactory(role=Role.SECRETARIAT)
    flag = Flag.objects.get(period_start=dt.date(2005, 2, 1))
    flag_acknowledge(flag=flag, note="first", acting_user=secretary)
    before = _state()
    with pytest.raises(Conflict) as excinfo:
        flag_acknowledge(flag=flag, note="second", acting_user=secretary)
    assert excinfo.value.message_dict == {"state": ["A flag that is Acknowledged cannot be acknowledged."]}
    assert _state() == before
