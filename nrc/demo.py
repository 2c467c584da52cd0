"""The demo data set: deterministic (seeded random), clearly marked (``is_demo`` and the demo banner).

Several years of plausible meetings for every body, mostly meeting their cadence, with a few gaps so that
the compliance screens have something to show. Each capability adds its own part in ``<app>/demo.py``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import random
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from committees.models import Body, Period
from meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingStatus, Venue

SEED = 20020528
FIRST_YEAR = 2002
BRUSSELS = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
# Periods with no meeting at all: the suspension after the Georgia crisis.
SUSPENDED = (dt.date(2008, 8, 19), dt.date(2009, 3, 5))
# Deliberate gaps so that the compliance report shows breaches (body code, year, month).
GAPS = {("NRC-MR", 2004, 8), ("NRC-PC", 2003, 11), ("NRC-AMB", 2005, 7), ("NRC-MR", 2011, 1), ("NRC-AMB", 2019, 8)}
PER_YEAR = {Period.MONTH: 12, Period.QUARTER: 4, Period.HALF_YEAR: 2, Period.YEAR: 1}
DEMO_PARTS = ("cooperation.demo", "meetings.demo", "compliance.demo")


def _slot(day: dt.date, hour: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BRUSSELS)
    return start.astimezone(dt.UTC), (start + dt.timedelta(hours=2)).astimezone(dt.UTC)


def _weekday_in_month(rng: random.Random, year: int, month: int, week: int) -> dt.date:
    """A Tuesday-to-Thursday in the given week (1-4) of the month."""
    days = [
        d for d in range(1, calendar.monthrange(year, month)[1] + 1) if dt.date(year, month, d).weekday() in (1, 2, 3)
    ]
    chunk = max(1, len(days) // 4)
    candidates = days[(week - 1) * chunk : week * chunk] or days
    return dt.date(year, month, rng.choice(candidates))


def _plan(body: Body, rule_min: int, rule_period: str, until: dt.date, rng: random.Random) -> list[dt.date]:
    """Meeting days for one body from its creation to ``until``."""
    days: list[dt.date] = []
    start = max(body.existed_from, dt.date(FIRST_YEAR, 6, 1))
    if rule_min == 0 or not rule_period:
        # "As appropriate": a few sittings a year.
        per_year, per_month = 2, None
    elif rule_period == Period.MONTH:
        per_year, per_month = None, rule_min
    else:
        per_year, per_month = rule_min * PER_YEAR[rule_period], None
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= until:
        if per_month:
            if (body.code, year, month) not in GAPS and rng.random() > 0.01:
                for week in (
                    [2] if per_month == 1 else [1, 3][:per_month] if per_month <= 2 else range(1, per_month + 1)
                ):
                    days.append(_weekday_in_month(rng, year, month, week))
        elif (
            per_year
            and month in {12: range(1, 13), 4: (2, 5, 9, 11), 2: (5, 11), 1: (6,)}.get(per_year, (5, 11))
            and rng.random() > 0.03
        ):
            days.append(_weekday_in_month(rng, year, month, 2))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return [d for d in days if start <= d <= until and not (SUSPENDED[0] <= d < SUSPENDED[1])]


def seed_meetings(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    if Meeting.objects.filter(is_demo=True).exists():
        return {"meetings": 0}
    venue = Venue.objects.order_by("id").first()
    now = timezone.now()
    until = dt.date(today.year + 1, 6, 30)
    meetings: list[Meeting] = []
    for body in Body.objects.prefetch_related("cadence_rules").order_by("rank", "code"):
        rule = body.cadence_rules.order_by("-effective_from").first()
        rule_min, rule_period = (rule.min_meetings, rule.period) if rule else (0, "")
        end = min(until, body.existed_to or until)
        hour = 10 if body.kind == "council" else 15 if body.code == "NRC-PC" else 11
        for day in _plan(body, rule_min, rule_period, end, rng):
            starts_at, ends_at = _slot(day, hour)
            past = ends_at < now
            status = MeetingStatus.HELD if past else MeetingStatus.SCHEDULED
            roll = rng.random()
            if past and roll < 0.015:
                status = MeetingStatus.CANCELLED
            elif past and roll < 0.02 and day.year >= today.year - 1:
                status = MeetingStatus.SCHEDULED  # not yet recorded: the compliance report shows it as unconfirmed
            meetings.append(
                Meeting(
                    body=body,
                    kind=MeetingKind.EXTRAORDINARY if roll > 0.985 else MeetingKind.REGULAR,
                    status=status,
                    title=f"{body.code} {day:%Y-%m-%d}",
                    starts_at=starts_at,
                    ends_at=ends_at,
                    # Only the ambassadorial Council is booked into the main hall; other bodies use committee rooms.
                    venue=venue if body.code == "NRC-AMB" else None,
                    chair=body.chair,
                    cancellation_reason="Postponed at the request of the chair."
                    if status == MeetingStatus.CANCELLED
                    else "",
                    is_demo=True,
                    created_at=now,
                    updated_at=now,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    return {"meetings": len(meetings)}


def seed_attendance(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    """Attendance for held council-level meetings of the last two years."""
    from committees.models import Member

    members = list(Member.objects.all())
    rows = []
    held = Meeting.objects.filter(
        is_demo=True, status=MeetingStatus.HELD, body__kind="council", starts_at__year__gte=today.year - 2
    ).exclude(attendance__isnull=False)
    for meeting in held:
        day = meeting.starts_at.date()
        for member in members:
            if member.joined_on > day or (member.left_on and member.left_on <= day):
                continue
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.9
                else AttendanceStatus.EXCUSED
                if roll < 0.96
                else AttendanceStatus.ABSENT
            )
            rows.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    status=status,
                    representative="Permanent Representative" if status == AttendanceStatus.PRESENT else "",
                    representation_level=meeting.body.level if status == AttendanceStatus.PRESENT else "",
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=2000)
    return {"attendance": len(rows)}


@transaction.atomic
def demo_seed(*, today: dt.date | None = None) -> dict[str, int]:
    """Create the demo data set once (a second run adds nothing)."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    report: dict[str, int] = {}
    report |= seed_meetings(rng=rng, today=today)
    report |= seed_attendance(rng=rng, today=today)
    for module_name in DEMO_PARTS:
        module = importlib.import_module(module_name)
        # Each part draws from its own generator, so one part being already present (and skipped) does not
        # change what the others generate.
        report |= module.seed(rng=random.Random(f"{SEED}:{module_name}"), today=today)
    return report
