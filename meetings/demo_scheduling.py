"""Demo data: scheduling (see nrc/demo.py). Agendas for the recent and coming council-level meetings, a few
papers and minutes for recent held meetings. Deterministic (``rng``) and idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from committees.models import Role
from cooperation.models import CooperationArea

from .models import AgendaItem, Meeting, MeetingStatus, Minutes, MinutesStatus, Paper

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
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
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
    if author is None:
        return {"agenda_items": len(items), "papers": 0, "minutes": 0}
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
    return {"agenda_items": len(items), "papers": papers, "minutes": minutes}
