"""Demo data: joint decisions, silence procedures, reservations, implementation issues and the agenda items
that covered each area (see nrc/demo.py). Deterministic: everything follows from ``rng`` and ``today``."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.conf import settings
from django.db.models import Max

from committees.models import Body, Member, Role, User
from cooperation.models import CooperationArea

from .models import (
    AgendaItem,
    DecisionMethod,
    DecisionStatus,
    ImplementationIssue,
    IssueAnswer,
    IssueStatus,
    JointDecision,
    Meeting,
    MeetingStatus,
    Reservation,
    SilenceBreak,
)

BRUSSELS = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)

TOPICS = {
    "TER": ("Joint assessment of the terrorist threat", "The Council endorses the joint threat assessment."),
    "CM": ("Generic concept for joint peacekeeping operations", "The Council approves the generic concept."),
    "NP": ("Global trends in proliferation", "The Council notes the joint assessment of proliferation trends."),
    "ACCBM": ("Consultations on the CFE and Open Skies Treaties", "The Council agrees to continue consultations."),
    "TMD": ("TMD interoperability study", "The Council tasks the TMD working group with a second phase."),
    "SAR": ("Submarine crew rescue", "The Council welcomes the implementation of the Framework Document."),
    "MMDR": ("Defence reform co-operation", "The Council approves the work plan on defence reform."),
    "CE": ("Civil emergency planning exercise", "The Council agrees to hold a joint civil emergency exercise."),
    "NTC": ("Co-operative Airspace Initiative", "The Council approves the Co-operative Airspace Initiative."),
}


def _system_user(username: str, role: str, iso2: str | None = None) -> User:
    """Inactive accounts that stand for the people who recorded the demo decisions (they receive no mail)."""
    member = Member.objects.get(iso2=iso2) if iso2 else None
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "member": member, "is_active": False}
    )
    return user


def _next_position(meeting: Meeting) -> int:
    return (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    if JointDecision.objects.exists():
        return {"decisions": 0}
    areas = {a.code: a for a in CooperationArea.objects.filter(is_reference=True)}
    if not areas or not Meeting.objects.filter(body__code="NRC-AMB", status=MeetingStatus.HELD).exists():
        return {"decisions": 0}
    secretariat = _system_user("demo-secretariat-records", Role.SECRETARIAT)
    us = _system_user("demo-delegation-us", Role.DELEGATION, "US")
    ru = _system_user("demo-delegation-ru", Role.DELEGATION, "RU")
    decisions: list[JointDecision] = []
    count = 0

    def record(meeting: Meeting, area_codes: list[str], title: str, text: str, **extra) -> JointDecision:
        nonlocal count
        count += 1
        year = timezone_local(meeting.starts_at).year
        decision = JointDecision.objects.create(
            meeting=meeting,
            reference=f"NRC-D({year}){count:04d}",
            title=title,
            text=text,
            method=extra.get("method", DecisionMethod.CONSENSUS),
            status=extra.get("status", DecisionStatus.ADOPTED),
            silence_deadline=extra.get("silence_deadline"),
            adopted_at=extra.get("adopted_at", meeting.ends_at),
            recorded_by=secretariat,
            recorded_at=meeting.ends_at,
        )
        decision.areas.set([areas[c] for c in area_codes])
        for code in area_codes:
            AgendaItem.objects.create(meeting=meeting, position=_next_position(meeting), title=title, area=areas[code])
        decisions.append(decision)
        return decision

    # 2002: the ambassadors set up the ad hoc working groups of the Declaration.
    first = (
        Meeting.objects.filter(body__code="NRC-AMB", status=MeetingStatus.HELD, starts_at__year=2002)
        .order_by("starts_at")
        .first()
    )
    if first is not None:
        founding = record(
            first,
            ["TER", "TMD"],
            "Establishment of the ad hoc working groups",
            "The Council establishes the Ad Hoc Working Groups on terrorism and on theatre missile defence.",
        )
        founding.establishes.set(Body.objects.filter(code__in=["NRC(TER)", "NRC(TMD)"]))

    # Every year of practical co-operation: a few decisions of the Preparatory Committee and the ambassadors.
    for year in range(2002, 2014):
        held = list(
            Meeting.objects.filter(
                body__code__in=["NRC-PC", "NRC-AMB"], status=MeetingStatus.HELD, starts_at__year=year
            ).order_by("starts_at", "pk")
        )
        if not held:
            continue
        for meeting in sorted(rng.sample(held, min(3, len(held))), key=lambda m: (m.starts_at, m.pk)):
            code = rng.choice(sorted(areas))
            title, text = TOPICS[code]
            record(meeting, [code], f"{title} ({year})", text)

    # A silence procedure broken by a member (2008), with the statement.
    broken_meeting = (
        Meeting.objects.filter(body__code="NRC-PC", status=MeetingStatus.HELD, starts_at__year=2008)
        .order_by("starts_at")
        .first()
    )
    if broken_meeting is not None:
        deadline = broken_meeting.ends_at + dt.timedelta(days=5)
        broken = record(
            broken_meeting,
            ["ACCBM"],
            "Statement on the CFE Treaty",
            "Draft statement of the Council on the Adapted CFE Treaty.",
            method=DecisionMethod.SILENCE,
            status=DecisionStatus.SILENCE_BROKEN,
            silence_deadline=deadline,
            adopted_at=None,
        )
        SilenceBreak.objects.create(
            decision=broken,
            member=ru.member,
            statement="The Russian Federation cannot join consensus on this text.",
            broken_by=ru,
            broken_at=deadline - dt.timedelta(days=2),
        )

    # A silence procedure still open: circulated after the latest held Preparatory Committee meeting.
    latest = Meeting.objects.filter(body__code="NRC-PC", status=MeetingStatus.HELD).order_by("-starts_at").first()
    if latest is not None:
        record(
            latest,
            ["CE"],
            "Joint civil emergency exercise: scenario",
            "Draft decision approving the scenario of the joint civil emergency exercise.",
            method=DecisionMethod.SILENCE,
            status=DecisionStatus.CIRCULATED,
            silence_deadline=dt.datetime.combine(today + dt.timedelta(days=7), dt.time(12), BRUSSELS),
            adopted_at=None,
        )

    adopted = [d for d in decisions if d.status == DecisionStatus.ADOPTED]
    # Reservations and implementation issues on a few adopted decisions.
    reservations = issues = 0
    for decision in rng.sample(adopted, min(4, len(adopted))):
        Reservation.objects.create(
            decision=decision,
            member=us.member,
            text="Subject to the completion of national procedures.",
            entered_by=us,
            entered_at=decision.adopted_at,
        )
        reservations += 1
    upcoming_pc = (
        Meeting.objects.filter(body__code="NRC-PC", status=MeetingStatus.SCHEDULED, starts_at__date__gt=today)
        .order_by("starts_at")
        .first()
    )
    for index, decision in enumerate(rng.sample(adopted, min(3, len(adopted)))):
        raiser = (ru, us)[index % 2]
        issue = ImplementationIssue.objects.create(
            decision=decision,
            member=raiser.member,
            raised_by=raiser,
            raised_at=decision.adopted_at + dt.timedelta(days=30),
            title=f"Implementation of {decision.reference}",
            description="The agreed steps have not all been taken by the date foreseen.",
            status=(IssueStatus.RESOLVED, IssueStatus.UNDER_DISCUSSION, IssueStatus.OPEN)[index],
        )
        issues += 1
        if issue.status != IssueStatus.OPEN:
            IssueAnswer.objects.create(
                issue=issue,
                author=secretariat,
                text="The secretariat has asked the lead body for a progress report.",
                at=issue.raised_at + dt.timedelta(days=7),
            )
        if issue.status == IssueStatus.UNDER_DISCUSSION and upcoming_pc is not None:
            AgendaItem.objects.create(
                meeting=upcoming_pc,
                position=_next_position(upcoming_pc),
                title=f"Implementation issue: {issue.title}",
                area=decision.areas.first(),
                implementation_issue=issue,
            )
    return {"decisions": len(decisions), "reservations": reservations, "implementation_issues": issues}


def timezone_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(BRUSSELS)
