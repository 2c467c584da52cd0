"""This app's part of the demo data set (see nrc/demo.py): deterministic, idempotent.

The 2002 work programme of every area of the Declaration, one item per initial step, led by the body that
serves the area (the Preparatory Committee when none does); and a 2003 programme that carries on the work.
"""

from __future__ import annotations

import datetime as dt
import random

from .models import CooperationArea, WorkItemStatus, WorkProgramme, WorkProgrammeItem


def _lead_bodies() -> dict[int, object]:
    from committees.models import Body

    leads: dict[int, object] = {}
    fallback = Body.objects.filter(code="NRC-PC").first()
    for body in Body.objects.prefetch_related("areas").order_by("rank", "code"):
        for area in body.areas.all():
            leads.setdefault(area.pk, body)
    return {"fallback": fallback, **leads}


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    if WorkProgramme.objects.filter(year=2002).exists():
        return {"work_programmes": 0, "work_programme_items": 0}
    leads = _lead_bodies()
    programmes = items = 0
    for area in (
        CooperationArea.objects.filter(is_reference=True).prefetch_related("initial_steps").order_by("position")
    ):
        lead = leads.get(area.pk) or leads["fallback"]
        if lead is not None and lead.existed_from > dt.date(2002, 12, 31):
            lead = leads["fallback"]
        steps = list(area.initial_steps.order_by("position"))
        first = WorkProgramme.objects.create(
            area=area, year=2002, summary="Initial steps agreed in the Rome Declaration of 28 May 2002."
        )
        second = WorkProgramme.objects.create(area=area, year=2003, summary="Follow-up of the 2002 work programme.")
        programmes += 2
        rows = []
        for position, step in enumerate(steps, start=1):
            text = step.text_en[:1].upper() + step.text_en[1:]
            roll = rng.random()
            status, progress = (
                (WorkItemStatus.COMPLETED, 100)
                if roll < 0.55
                else (WorkItemStatus.IN_PROGRESS, 10 * rng.randint(3, 9))
                if roll < 0.9
                else (WorkItemStatus.DEFERRED, 10 * rng.randint(0, 2))
            )
            rows.append(
                WorkProgrammeItem(
                    programme=first,
                    position=position,
                    title=text[:300],
                    lead_body=lead,
                    due_on=dt.date(2002, 12, 15),
                    status=status,
                    progress=progress,
                )
            )
            if status != WorkItemStatus.COMPLETED:
                rows.append(
                    WorkProgrammeItem(
                        programme=second,
                        position=position,
                        title=f"Complete: {text}"[:300],
                        lead_body=lead,
                        due_on=dt.date(2003, 6, 30),
                        status=WorkItemStatus.COMPLETED if rng.random() < 0.7 else WorkItemStatus.IN_PROGRESS,
                        progress=0,
                    )
                )
        for row in rows:
            if row.programme_id == second.pk:
                row.progress = 100 if row.status == WorkItemStatus.COMPLETED else 10 * rng.randint(4, 9)
        WorkProgrammeItem.objects.bulk_create(rows)
        items += len(rows)
    return {"work_programmes": programmes, "work_programme_items": items}
