"""The area pages: what they show, and a constant number of queries however much data there is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committees.models import Body
from cooperation.models import CooperationArea
from meetings.models import AgendaItem
from tests.cooperation.factories_groups import DecisionFactory, held_meeting, programme_with_items
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db

AREA_PAGE_QUERIES = 12


def _fill(n: int) -> None:
    tmd = CooperationArea.objects.get(code="TMD")
    for i in range(n):
        meeting = held_meeting("NRC-PC", days_ago=10 + i, title=f"PC {i}")
        AgendaItem.objects.create(meeting=meeting, position=1, title=f"TMD item {i}", area=tmd)
        DecisionFactory(meeting=meeting, areas=[tmd], reference=f"TMD-{n}-{i}")
        body = BodyFactory(code=f"NRC(TMD{n}-{i})", parent=Body.objects.get(code="NRC-PC"))
        body.areas.add(tmd)
        programme_with_items("TMD", 2002 + n + i, [("in_progress", 50), ("completed", 100)])


@pytest.mark.parametrize("n", [1, 6])
def test_area_page_query_count_is_constant(secretariat_client, django_assert_num_queries, n):
    _fill(n)
    url = reverse("cooperation:area_detail", args=["TMD"])
    with django_assert_num_queries(AREA_PAGE_QUERIES):
        response = secretariat_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_area_page_query_count_is_constant_for_a_delegation(delegation_client, django_assert_num_queries, n):
    _fill(n)
    with django_assert_num_queries(AREA_PAGE_QUERIES):
        response = delegation_client.get(reverse("cooperation:area_detail", args=["TMD"]))
    assert response.status_code == 200


def test_area_page_shows_groups_meetings_decisions_and_programme(auditor_client):
    tmd = CooperationArea.objects.get(code="TMD")
    meeting = held_meeting("NRC-PC", days_ago=5, title="PC on missile defence")
    AgendaItem.objects.create(meeting=meeting, position=1, title="TMD terminology", area=tmd)
    AgendaItem.objects.create(meeting=meeting, position=2, title="Unrelated", area=None)
    DecisionFactory(meeting=meeting, areas=[tmd], reference="NRC-D(TMD)X", title="Glossary")
    programme_with_items("TMD", 2002, [("completed", 100), ("in_progress", 40), ("cancelled", 0)])
    response = auditor_client.get(reverse("cooperation:area_detail", args=["TMD"]))
    html = response.content.decode()
    assert "NRC(TMD)" in html  # the reference working group
    assert "PC on missile defence" in html and "TMD terminology" in html and "Unrelated" not in html
    assert "NRC-D(TMD)X" in html
    # roll-up: 3 items, 1 completed, mean of the non-cancelled (100 + 40) / 2 = 70
    rollup = response.context["rollup"]
    assert [(r["year"], r["items"], r["completed"], r["progress"]) for r in rollup] == [(2002, 3, 1, 70)]
    assert '<rect x="0" y="0" width="70" height="14"' in html and "70 %" in html
    assert "Update" not in html  # no edit controls for the auditor


def test_area_list_shows_the_nine_areas_with_initial_steps(delegation_client, django_assert_num_queries):
    programme_with_items("CM", 2002, [("in_progress", 30)])
    with django_assert_num_queries(6):
        response = delegation_client.get(reverse("cooperation:area_list"))
    areas = response.context["areas"]
    assert [a.code for a in areas] == ["TER", "CM", "NP", "ACCBM", "TMD", "SAR", "MMDR", "CE", "NTC"]
    assert next(s.text for s in areas[4].initial_steps.all()) == (
        "consultations on TMD concepts, terminology, systems and system capabilities"
    )
    assert [(r["year"], r["progress"]) for r in areas[1].rollup] == [(2002, 30)]
    assert "Add an area by mutual agreement" not in response.content.decode()


def test_unknown_area_is_404(auditor_client):
    assert auditor_client.get("/areas/NOPE/").status_code == 404
