"""Reads: co-operation areas, their work programmes and what happened in each area, scoped to the user.

The area page gathers bodies, meetings and decisions through the reverse relations of the lower apps; their
visibility rules come from those apps' selectors (imported where used)."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import CooperationArea, InitialStep, WorkItemStatus, WorkProgramme, WorkProgrammeItem


def area_list(*, user) -> list[CooperationArea]:
    """Every area with its initial steps, the number of bodies serving it, and its rolled-up work programmes."""
    areas = list(
        CooperationArea.objects.prefetch_related(
            Prefetch("initial_steps", queryset=InitialStep.objects.order_by("position")),
        )
        .annotate(body_count=Count("bodies", distinct=True))
        .order_by("position", "code")
    )
    rollup = work_programme_rollup()
    for area in areas:
        area.rollup = [row for row in rollup if row["area_id"] == area.pk]
    return areas


def work_programme_rollup(*, area: CooperationArea | None = None) -> list[dict]:
    """Progress per area and year, in one query: items, completed items and mean progress (%)."""
    qs = WorkProgramme.objects.all()
    if area is not None:
        qs = qs.filter(area=area)
    rows = qs.values("id", "area_id", "area__code", "year").annotate(
        item_count=Count("items"),
        completed_count=Count("items", filter=Q(items__status=WorkItemStatus.COMPLETED)),
        mean_progress=Avg("items__progress", filter=~Q(items__status=WorkItemStatus.CANCELLED)),
    )
    return [
        {
            "programme_id": row["id"],
            "area_id": row["area_id"],
            "area": row["area__code"],
            "year": row["year"],
            "items": row["item_count"],
            "completed": row["completed_count"],
            "progress": round(row["mean_progress"] or 0),
        }
        for row in rows.order_by("area__position", "area__code", "year")
    ]


def area_get(*, user, code: str) -> CooperationArea:
    return get_object_or_404(
        CooperationArea.objects.prefetch_related(
            Prefetch("initial_steps", queryset=InitialStep.objects.order_by("position")), "added_by"
        ),
        code=code,
    )


def area_detail(*, user, area: CooperationArea, meetings_limit: int = 25, decisions_limit: int = 25) -> dict:
    """Everything on the area page, in a constant number of queries."""
    from committees.selectors import bodies_visible_to
    from meetings.models import AgendaItem
    from meetings.selectors import meetings_visible_to
    from meetings.selectors.decisions import decisions_visible_to

    bodies = list(bodies_visible_to(user).filter(areas=area).select_related("parent").order_by("rank", "code"))
    covered = AgendaItem.objects.filter(meeting=OuterRef("pk"), area=area)
    meetings = list(
        meetings_visible_to(user)
        .filter(Exists(covered))
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "agenda_items", queryset=AgendaItem.objects.filter(area=area).order_by("position"), to_attr="area_items"
            )
        )
        .order_by("-starts_at")[:meetings_limit]
    )
    through = area.decisions.through
    decisions = list(
        decisions_visible_to(user)
        .filter(Exists(through.objects.filter(jointdecision_id=OuterRef("pk"), cooperationarea_id=area.pk)))
        .select_related("meeting__body")
        .order_by("-meeting__starts_at", "-pk")[:decisions_limit]
    )
    programmes = list(
        WorkProgramme.objects.filter(area=area)
        .prefetch_related(
            Prefetch("items", queryset=WorkProgrammeItem.objects.select_related("lead_body").order_by("position", "id"))
        )
        .order_by("-year")
    )
    rollup = []
    for programme in sorted(programmes, key=lambda p: p.year):
        items = list(programme.items.all())
        active = [i for i in items if i.status != WorkItemStatus.CANCELLED]
        rollup.append(
            {
                "programme_id": programme.pk,
                "area": area.code,
                "year": programme.year,
                "items": len(items),
                "completed": sum(1 for i in items if i.status == WorkItemStatus.COMPLETED),
                "progress": round(sum(i.progress for i in active) / len(active)) if active else 0,
            }
        )
    return {
        "area": area,
        "bodies": bodies,
        "meetings": meetings,
        "decisions": decisions,
        "programmes": programmes,
        "rollup": rollup,
    }


def programmes_for_area(*, area: CooperationArea) -> QuerySet[WorkProgramme]:
    return WorkProgramme.objects.filter(area=area).order_by("-year")


def dashboard_panels(*, user) -> list[dict]:
    """Panels for the home page: dicts with ``template`` and ``context``."""
    return []
