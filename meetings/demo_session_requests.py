"""Demo data: extraordinary-session requests in every state (see nrc/demo.py). Deterministic for a given day,
created once; the meetings they convened are marked as demo data like every other demo meeting."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.conf import settings
from django.utils import timezone

from committees.models import Body, Member, User
from nrc.management.commands.demo_users import DEMO_USERS

from .models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    ProposedSlot,
    SessionRequest,
    SessionRequestStatus,
    SessionRequestTransition,
    Urgency,
    Venue,
)

S = SessionRequestStatus
BRUSSELS = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
GROUNDS = [
    "A serious incident affecting the security of a member requires immediate consultations.",
    "Developments in the region call for an exchange of views before the next regular session.",
    "Follow-up to the joint statement on counter-terrorism co-operation.",
    "Consultations on a crisis that affects Euro-Atlantic security, as provided for in the Rome Declaration.",
    "Preparation of a joint response to a natural disaster in a member's territory.",
]
# (requester username, days before today it was submitted, urgency, outcome, days from request to meeting)
PLAN = [
    ("delegation-us", 700, Urgency.URGENT, S.CONVENED, 6),
    ("delegation-fr", 400, Urgency.ROUTINE, S.CONVENED, 12),
    ("chair", 380, Urgency.IMMEDIATE, S.CONVENED, 2),
    ("delegation-ru", 200, Urgency.URGENT, S.DECLINED, None),
    ("delegation-de", 90, Urgency.ROUTINE, S.WITHDRAWN, None),
    ("delegation-us", 60, Urgency.URGENT, S.CONVENED, 9),
    ("delegation-ru", 30, Urgency.IMMEDIATE, S.DECLINED, None),
    ("chair", 5, Urgency.URGENT, S.CONVENED, 9),
    ("delegation-de", 8, Urgency.ROUTINE, S.SUBMITTED, None),
    ("delegation-ru", 3, Urgency.URGENT, S.SUBMITTED, None),
    ("delegation-us", 1, Urgency.IMMEDIATE, S.SUBMITTED, None),
]
DECLINE_REASONS = "The matter will be taken up at the regular session of the Council, which meets within the week."


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)


def _demo_users() -> dict[str, User]:
    """The requesters and deciders are the demo users (``manage.py demo_users`` gives them passwords)."""
    users = {}
    for username, role, iso2, name in DEMO_USERS:
        member = Member.objects.get(iso2=iso2) if iso2 else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "member": member, "first_name": name, "email": f"{username}@nrc.example"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users[username] = user
    return users


def _free_slot(day: dt.date, venue: Venue | None) -> tuple[dt.datetime, dt.datetime, Venue | None]:
    """16:00–18:00 Brussels on ``day``, at headquarters unless a demo meeting already holds the hall."""
    start, end = _at(day, 16), _at(day, 18)
    if venue and Meeting.objects.filter(venue=venue, starts_at__lt=end, ends_at__gt=start).exists():
        venue = None
    return start, end, venue


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    users = _demo_users()
    if SessionRequest.objects.filter(requested_by__username__in=[u[0] for u in DEMO_USERS]).exists():
        return {"session_requests": 0, "extraordinary_meetings": 0}
    amb = Body.objects.get(code="NRC-AMB")
    venue = Venue.objects.order_by("id").first()
    chair, secretariat = users["chair"], users["secretariat"]
    now = timezone.now()
    created = meetings = 0
    for index, (username, days_ago, urgency, outcome, wait_days) in enumerate(PLAN):
        requester = users[username]
        submitted_day = today - dt.timedelta(days=days_ago)
        submitted_at = _at(submitted_day, 9 + index % 6)
        request = SessionRequest.objects.create(
            body=amb,
            requested_by=requester,
            on_behalf_of=requester.member,
            grounds=rng.choice(GROUNDS),
            urgency=urgency,
            status=S.SUBMITTED,
            submitted_at=submitted_at,
        )
        first = submitted_day + dt.timedelta(days=2 + rng.randrange(3))
        if outcome == S.SUBMITTED:  # a pending request still proposes dates to come
            first = max(first, today + dt.timedelta(days=3))
        ProposedSlot.objects.bulk_create(
            [
                ProposedSlot(request=request, starts_at=_at(first, 10), ends_at=_at(first, 13)),
                ProposedSlot(
                    request=request,
                    starts_at=_at(first + dt.timedelta(days=2), 10),
                    ends_at=_at(first + dt.timedelta(days=4), 18),
                ),
            ]
        )
        steps = [SessionRequestTransition(request=request, to_status=S.SUBMITTED, actor=requester, at=submitted_at)]
        decided_at = submitted_at + dt.timedelta(days=1, hours=2)
        if outcome == S.CONVENED:
            starts_at, ends_at, hall = _free_slot(submitted_day + dt.timedelta(days=wait_days), venue)
            meeting = Meeting.objects.create(
                body=amb,
                kind=MeetingKind.EXTRAORDINARY,
                status=MeetingStatus.HELD if ends_at < now else MeetingStatus.SCHEDULED,
                title=f"{amb.code} extraordinary {timezone.localtime(starts_at, BRUSSELS):%Y-%m-%d}",
                starts_at=starts_at,
                ends_at=ends_at,
                venue=hall,
                chair=amb.chair,
                notes=request.grounds,
                is_demo=True,
                created_at=decided_at,
                updated_at=decided_at,
            )
            meetings += 1
            decider = secretariat if index % 2 else chair
            request.status, request.meeting = S.CONVENED, meeting
            request.decided_at, request.decided_by = decided_at, decider
            steps.append(
                SessionRequestTransition(
                    request=request, from_status=S.SUBMITTED, to_status=S.CONVENED, actor=decider, at=decided_at
                )
            )
        elif outcome == S.DECLINED:
            request.status, request.decision_reason = S.DECLINED, DECLINE_REASONS
            request.decided_at, request.decided_by = decided_at, chair
            steps.append(
                SessionRequestTransition(
                    request=request,
                    from_status=S.SUBMITTED,
                    to_status=S.DECLINED,
                    actor=chair,
                    at=decided_at,
                    note=DECLINE_REASONS,
                )
            )
        elif outcome == S.WITHDRAWN:
            request.status = S.WITHDRAWN
            steps.append(
                SessionRequestTransition(
                    request=request,
                    from_status=S.SUBMITTED,
                    to_status=S.WITHDRAWN,
                    actor=requester,
                    at=decided_at,
                    note="Resolved through bilateral contacts.",
                )
            )
        request.save()
        SessionRequestTransition.objects.bulk_create(steps)
        created += 1
    return {"session_requests": created, "extraordinary_meetings": meetings}
