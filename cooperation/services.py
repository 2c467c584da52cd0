"""Writes: co-operation areas and work programmes. Every function is keyword-only, takes the acting user,
runs in one transaction and records the audit trail."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, ValidationError
from nrc.permissions import require_role

from .models import CooperationArea, WorkItemStatus, WorkProgramme, WorkProgrammeItem

SECRETARIAT = "secretariat"

# Allowed status changes of a work programme item; anything else is refused.
ITEM_TRANSITIONS: dict[str, set[str]] = {
    WorkItemStatus.PLANNED: {WorkItemStatus.IN_PROGRESS, WorkItemStatus.DEFERRED, WorkItemStatus.CANCELLED},
    WorkItemStatus.IN_PROGRESS: {WorkItemStatus.COMPLETED, WorkItemStatus.DEFERRED, WorkItemStatus.CANCELLED},
    WorkItemStatus.DEFERRED: {WorkItemStatus.PLANNED, WorkItemStatus.IN_PROGRESS, WorkItemStatus.CANCELLED},
    WorkItemStatus.COMPLETED: set(),
    WorkItemStatus.CANCELLED: set(),
}


@transaction.atomic
def area_add(
    *,
    code: str,
    name_en: str,
    decision,
    acting_user,
    name_fr: str = "",
    name_ru: str = "",
    description: str = "",
) -> CooperationArea:
    """Add an area "by mutual agreement": the adopted joint decision that agrees it is cited."""
    require_role(acting_user, SECRETARIAT)
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("A code is required.")
    elif CooperationArea.objects.filter(code__iexact=code).exists():
        errors["code"] = _("An area with the code %(code)s already exists.") % {"code": code}
    if not name_en.strip():
        errors["name_en"] = _("A name is required.")
    if decision is None:
        errors["decision"] = _("Cite the joint decision that agrees the area.")
    elif decision.status != "adopted":
        errors["decision"] = _("Only an adopted decision can add an area.")
    if errors:
        raise ValidationError(errors)
    position = (CooperationArea.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    established_on = decision.adopted_at.date() if decision.adopted_at else None
    try:
        with transaction.atomic():
            area = CooperationArea.objects.create(
                code=code,
                name_en=name_en.strip(),
                name_fr=name_fr.strip(),
                name_ru=name_ru.strip(),
                description=description.strip(),
                position=position,
                established_on=established_on,
                is_reference=False,
            )
    except IntegrityError as exc:
        raise Conflict({"code": _("An area with the code %(code)s already exists.") % {"code": code}}) from exc
    decision.adds_areas.add(area)
    audit_record(
        actor=acting_user, action="area.add", obj=area, after=snapshot(area) | {"decision": decision.reference}
    )
    return area


@transaction.atomic
def work_programme_create(*, area: CooperationArea, year: int, acting_user, summary: str = "") -> WorkProgramme:
    """One work programme per area and year."""
    require_role(acting_user, SECRETARIAT)
    if not 2002 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year from 2002.")})
    if WorkProgramme.objects.filter(area=area, year=year).exists():
        raise ValidationError(
            {"year": _("%(area)s already has a work programme for %(year)s.") % {"area": area.code, "year": year}}
        )
    try:
        with transaction.atomic():
            programme = WorkProgramme.objects.create(area=area, year=year, summary=summary.strip())
    except IntegrityError as exc:
        raise Conflict({"year": _("This work programme was just created by someone else.")}) from exc
    audit_record(actor=acting_user, action="work_programme.create", obj=programme, after=snapshot(programme))
    return programme


def _check_progress(status: str, progress: int) -> None:
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if status == WorkItemStatus.COMPLETED and progress != 100:
        raise ValidationError({"progress": _("A completed item is at 100%.")})
    if status == WorkItemStatus.PLANNED and progress != 0:
        raise ValidationError({"progress": _("A planned item has not started: 0%.")})


@transaction.atomic
def work_item_add(
    *,
    programme: WorkProgramme,
    title: str,
    acting_user,
    lead_body=None,
    due_on: dt.date | None = None,
    status: str = WorkItemStatus.PLANNED,
    progress: int = 0,
) -> WorkProgrammeItem:
    require_role(acting_user, SECRETARIAT)
    if not title.strip():
        raise ValidationError({"title": _("A title is required.")})
    if status not in WorkItemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _check_progress(status, progress)
    if lead_body is not None and not (
        lead_body.existed_from <= dt.date(programme.year, 12, 31)
        and (lead_body.existed_to is None or lead_body.existed_to >= dt.date(programme.year, 1, 1))
    ):
        raise ValidationError(
            {"lead_body": _("%(body)s did not exist in %(year)s.") % {"body": lead_body.code, "year": programme.year}}
        )
    programme = WorkProgramme.objects.select_for_update().get(pk=programme.pk)
    position = (programme.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = WorkProgrammeItem.objects.create(
        programme=programme,
        position=position,
        title=title.strip(),
        lead_body=lead_body,
        due_on=due_on,
        status=status,
        progress=progress,
    )
    audit_record(actor=acting_user, action="work_item.add", obj=item, after=snapshot(item))
    return item


@transaction.atomic
def work_item_update(
    *, item: WorkProgrammeItem, acting_user, status: str | None = None, progress: int | None = None
) -> WorkProgrammeItem:
    """Move an item on (through ITEM_TRANSITIONS) and/or record its progress."""
    require_role(acting_user, SECRETARIAT)
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item)
    new_status = status or item.status
    if new_status not in WorkItemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if new_status != item.status and new_status not in ITEM_TRANSITIONS[item.status]:
        raise Conflict(
            {
                "status": _("An item that is “%(from)s” cannot become “%(to)s”.")
                % {"from": item.get_status_display(), "to": WorkItemStatus(new_status).label}
            }
        )
    if item.status in (WorkItemStatus.COMPLETED, WorkItemStatus.CANCELLED) and progress not in (None, item.progress):
        raise Conflict({"progress": _("A closed item's progress no longer changes.")})
    new_progress = item.progress if progress is None else progress
    if new_status == WorkItemStatus.COMPLETED and progress is None:
        new_progress = 100
    _check_progress(new_status, new_progress)
    item.status, item.progress = new_status, new_progress
    item.save(update_fields=["status", "progress"])
    audit_record(actor=acting_user, action="work_item.update", obj=item, before=before, after=snapshot(item))
    return item
