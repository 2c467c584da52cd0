"""Demo data: scheduling (see nrc/demo.py). Agendas for the recent and coming council-level meetings, a few
papers and minutes for recent held meetings. Deterministic (``rng``) and idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from committees.models import Body, Role
from cooperation.models import CooperationArea

from .models import AgendaItem, Meeting, MeetingSeries, MeetingStatus, Minutes, MinutesStatus, Paper

AGENDA = [
    "Adoption of the agenda",
    "Political dialogue on current security issues",
    "Implementation of joint decisions",
    "Report of the Preparatory Committee",
    "Progress in the co-operation areas",
    "Any other business",
]


def _author():
    User = get_user_model()
    user = User.objects.filter(role=Role.SECRETARIAT).order_by("pk").first()
    if user is None:
        # Demo data need an author; this account cannot log in.
        user, created = User.objects.get_or_create(
            username="demo-data", defaults={"role": Role.SECRETARIAT, "is_active": False, "first_name": "Demo data"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return user


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    if AgendaItem.objects.filter(meeting__is_demo=True).exists():
        return {"agenda_items": 0, "papers": 0, "minutes": 0}
    author = _author()
    now = timezone.now()
    areas = list(CooperationArea.objects.order_by("position"))
    recent = list(
        Meeting.objects.filter(
            is_demo=True,
            body__kind="council",
            starts_at__gte=now - dt.timedelta(days=120),
            starts_at__lte=now + dt.timedelta(days=60),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("body")
        .order_by("starts_at", "id")
    )
    items, papers, minutes = [], 0, 0
    for meeting in recent:
        for position, title in enumerate(AGENDA, start=1):
            area = areas[rng.randrange(len(areas))] if areas and title.startswith("Progress") else None
            items.append(AgendaItem(meeting=meeting, position=position, title=title, area=area))
    AgendaItem.objects.bulk_create(items)
    held = [m for m in recent if m.status == MeetingStatus.HELD][-6:]
    numbers: dict[tuple[int, int], int] = {}
    for meeting in held:
        year = timezone.localtime(meeting.starts_at).year
        n = numbers[(meeting.body_id, year)] = numbers.get((meeting.body_id, year), 0) + 1
        code = meeting.body.code.replace("NRC-", "")
        reference = f"NRC({code})D({year}){9000 + n:04d}"
        if not Paper.objects.filter(body=meeting.body, year=year, reference=reference).exists():
            paper = Paper(
                body=meeting.body,
                year=year,
                reference=reference,
                title=f"Draft agenda, {meeting.title}",
                meeting=meeting,
                content_type="text/plain",
                classification="NATO UNCLASSIFIED",
                language="en",
                uploaded_by=author,
            )
            content = f"{reference}\nDraft agenda\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(AGENDA, 1))
            paper.file.save(f"{reference}.txt", ContentFile(content.encode()), save=False)
            paper.size = len(content.encode())
            paper.save()
            papers += 1
        approved = rng.random() < 0.6
        Minutes.objects.create(
            meeting=meeting,
            text=f"The Council met under the chairmanship of {meeting.chair or 'the Secretary General'}. "
            "Ambassadors exchanged views on current security issues and reviewed the co-operation areas.",
            status=MinutesStatus.APPROVED if approved else MinutesStatus.DRAFT,
            drafted_by=author,
            approved_by=author if approved else None,
            approved_at=meeting.ends_at + dt.timedelta(days=10) if approved else None,
        )
        minutes += 1
    series = _seed_series(author=author, today=today)
    return {"agenda_items": len(items), "papers": papers, "minutes": minutes, "series": series}


def _seed_series(*, author, today: dt.date) -> int:
    """The ambassadors' meetings of the coming half-year, organised as a series on the second Wednesday of each
    month at 10:00 (the demo's meetings of those months are moved onto the rule's dates, so none is added)."""
    from meetings.selectors.scheduling import rrule_occurrences

    if Meeting.objects.filter(is_demo=True, series__isnull=False).exists():
        return 0
    body = Body.objects.filter(code="NRC-AMB").first()
    tz = timezone.get_default_timezone()
    horizon = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    meetings = list(
        Meeting.objects.filter(
            is_demo=True, body=body, kind="regular", status=MeetingStatus.SCHEDULED, starts_at__gte=horizon
        ).order_by("starts_at")[:6]
    )
    if body is None or not meetings:
        return 0
    first = timezone.localtime(meetings[0].starts_at, tz)
    month = first.replace(day=1, hour=10, minute=0)
    rule = "FREQ=MONTHLY;BYDAY=2WE;COUNT=6"
    starts = rrule_occurrences(rrule=rule, first_starts_at=month)
    by_month = {(timezone.localtime(s, tz).year, timezone.localtime(s, tz).month): s for s in starts}
    series, _created = MeetingSeries.objects.get_or_create(
        body=body,
        title="Monthly meeting of the ambassadors",
        defaults={
            "rrule": rule,
            "first_starts_at": starts[0],
            "duration": dt.timedelta(hours=2),
            "venue": meetings[0].venue,
            "created_by": author,
        },
    )
    for meeting in meetings:
        local = timezone.localtime(meeting.starts_at, tz)
        start = by_month.get((local.year, local.month))
        if start is None:
            continue
        meeting.series = series
        meeting.starts_at, meeting.ends_at = start, start + series.duration
        meeting.title = f"{body.code} {timezone.localtime(start, tz):%Y-%m-%d}"
        meeting.save(update_fields=["series", "starts_at", "ends_at", "title"])
    return 1
