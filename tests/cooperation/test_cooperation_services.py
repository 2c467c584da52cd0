"""Areas added by mutual agreement, work programmes, items and their transitions."""

from __future__ import annotations

import datetime as dt

import pytest

from committees.models import Body
from cooperation.models import CooperationArea, WorkProgramme, WorkProgrammeItem
from cooperation.selectors import work_programme_rollup
from cooperation.services import area_add, work_item_add, work_item_update, work_programme_create
from nrc.errors import Conflict, PermissionDenied, ValidationError
from tests.cooperation.factories_groups import DecisionFactory, circulated_decision, programme_with_items

pytestmark = pytest.mark.django_db


def test_an_area_is_added_by_mutual_agreement_citing_the_decision(secretariat):
    decision = DecisionFactory(reference="NRC-D(2004)AFG")
    area = area_add(code="afg", name_en="Afghanistan", decision=decision, acting_user=secretariat)
    assert (area.code, area.is_reference, area.position) == ("AFG", False, 10)
    assert area.established_on == decision.adopted_at.date()
    assert list(decision.adds_areas.all()) == [area]
    assert CooperationArea.objects.count() == 10


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"code": "TMD"}, "code"), ({"name_en": ""}, "name_en"), ({"decision": None}, "decision")],
)
def test_adding_an_area_refuses_bad_input(secretariat, kwargs, field):
    values = {"code": "NEW", "name_en": "New", "decision": DecisionFactory()} | kwargs
    with pytest.raises(ValidationError) as exc:
        area_add(acting_user=secretariat, **values)
    assert field in exc.value.message_dict
    assert CooperationArea.objects.count() == 9


def test_an_area_needs_an_adopted_decision_and_the_secretariat(secretariat, delegation):
    with pytest.raises(ValidationError):
        area_add(code="NEW", name_en="New", decision=circulated_decision(), acting_user=secretariat)
    with pytest.raises(PermissionDenied):
        area_add(code="NEW", name_en="New", decision=DecisionFactory(), acting_user=delegation)
    assert CooperationArea.objects.count() == 9


def test_one_work_programme_per_area_and_year(secretariat):
    tmd = CooperationArea.objects.get(code="TMD")
    work_programme_create(area=tmd, year=2002, acting_user=secretariat)
    with pytest.raises(ValidationError) as exc:
        work_programme_create(area=tmd, year=2002, acting_user=secretariat)
    assert list(exc.value.message_dict) == ["year"]
    with pytest.raises(ValidationError):
        work_programme_create(area=tmd, year=2001, acting_user=secretariat)
    assert WorkProgramme.objects.filter(area=tmd).count() == 1


def test_items_are_added_in_order_and_checked(secretariat):
    programme = work_programme_create(area=CooperationArea.objects.get(code="TMD"), year=2003, acting_user=secretariat)
    tmd_wg = Body.objects.get(code="NRC(TMD)")
    first = work_item_add(
        programme=programme, title="Terminology", lead_body=tmd_wg, due_on=dt.date(2003, 6, 30), acting_user=secretariat
    )
    second = work_item_add(
        programme=programme, title="Exercise", status="in_progress", progress=20, acting_user=secretariat
    )
    assert [(first.position, first.lead_body), (second.position, second.progress)] == [(1, tmd_wg), (2, 20)]
    for kwargs, field in [
        ({"title": " "}, "title"),
        ({"title": "X", "status": "completed", "progress": 50}, "progress"),
        ({"title": "X", "status": "planned", "progress": 10}, "progress"),
        ({"title": "X", "lead_body": Body.objects.get(code="NRC-CNT")}, "lead_body"),  # set up in 2005
    ]:
        with pytest.raises(ValidationError) as exc:
            work_item_add(programme=programme, acting_user=secretariat, **kwargs)
        assert field in exc.value.message_dict
    assert programme.items.count() == 2


def test_item_status_follows_the_transition_table(secretariat):
    programme = programme_with_items("CM", 2002, [("planned", 0)])
    item = programme.items.get()
    item = work_item_update(item=item, status="in_progress", progress=40, acting_user=secretariat)
    assert (item.status, item.progress) == ("in_progress", 40)
    item = work_item_update(item=item, status="completed", acting_user=secretariat)
    assert (item.status, item.progress) == ("completed", 100)
    with pytest.raises(Conflict):
        work_item_update(item=item, status="in_progress", acting_user=secretariat)
    with pytest.raises(Conflict):
        work_item_update(item=item, progress=50, acting_user=secretariat)
    item.refresh_from_db()
    assert (item.status, item.progress) == ("completed", 100)


def test_planned_cannot_jump_to_completed(secretariat):
    item = programme_with_items("CM", 2002, [("planned", 0)]).items.get()
    with pytest.raises(Conflict):
        work_item_update(item=item, status="completed", acting_user=secretariat)
    assert WorkProgrammeItem.objects.get(pk=item.pk).status == "planned"


def test_rollup_per_area_and_year_ignores_cancelled_items(reference):
    programme_with_items("TMD", 2002, [("completed", 100), ("in_progress", 50), ("cancelled", 0)])
    programme_with_items("TMD", 2003, [("planned", 0)])
    programme_with_items("CM", 2002, [])
    rows = [(r["area"], r["year"], r["items"], r["completed"], r["progress"]) for r in work_programme_rollup()]
    assert rows == [("CM", 2002, 0, 0, 0), ("TMD", 2002, 3, 1, 75), ("TMD", 2003, 1, 0, 0)]
