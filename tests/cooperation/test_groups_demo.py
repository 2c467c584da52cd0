"""The demo data of work programmes and decisions: deterministic, created once."""

from __future__ import annotations

import datetime as dt

import pytest

from cooperation.models import WorkProgramme, WorkProgrammeItem
from meetings.models import AgendaItem, ImplementationIssue, JointDecision
from nrc.demo import demo_seed

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(
            WorkProgrammeItem.objects.order_by("programme__area__position", "programme__year", "position").values_list(
                "title", "status", "progress"
            )
        ),
        list(
            JointDecision.objects.order_by("reference").values_list(
                "reference", "title", "status", "meeting__starts_at"
            )
        ),
        list(ImplementationIssue.objects.order_by("title").values_list("title", "status", "member__iso2")),
    )


def test_demo_has_a_2002_work_programme_per_area_and_decisions(reference):
    report = demo_seed(today=dt.date(2026, 11, 27))
    assert WorkProgramme.objects.filter(year=2002).count() == 9
    tmd = WorkProgramme.objects.get(area__code="TMD", year=2002)
    assert [i.title for i in tmd.items.order_by("position")] == [
        "Consultations on TMD concepts, terminology, systems and system capabilities",
        "Analyse and evaluate possible levels of interoperability",
        "Joint training and exercises",
    ]
    assert {i.lead_body.code for i in tmd.items.all()} == {"NRC(TMD)"}
    assert report["decisions"] == JointDecision.objects.count() > 20
    assert JointDecision.objects.filter(status="circulated").count() == 1
    assert JointDecision.objects.filter(status="silence_broken").count() == 1
    founding = JointDecision.objects.get(title="Establishment of the ad hoc working groups")
    assert sorted(founding.establishes.values_list("code", flat=True)) == ["NRC(TER)", "NRC(TMD)"]
    assert AgendaItem.objects.filter(implementation_issue__isnull=False).count() == 1
    first = _snapshot()
    # created once
    assert demo_seed(today=dt.date(2026, 11, 27))["decisions"] == 0
    assert _snapshot() == first
