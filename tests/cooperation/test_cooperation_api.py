"""API: areas added by mutual agreement, work programmes, items and the roll-up."""

from __future__ import annotations

import pytest

from cooperation.models import CooperationArea, WorkProgramme
from tests.cooperation.factories_groups import DecisionFactory, programme_with_items

pytestmark = pytest.mark.django_db


def test_secretariat_adds_an_area_citing_a_decision(api_client, secretariat):
    DecisionFactory(reference="NRC-D(AREA)")
    api_client.force_authenticate(secretariat)
    response = api_client.post(
        "/api/v1/areas/", {"code": "AFG", "name_en": "Afghanistan", "decision": "NRC-D(AREA)"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["is_reference"], response.json()["added_by"]) == (False, ["NRC-D(AREA)"])
    response = api_client.post("/api/v1/areas/", {"code": "X", "name_en": "X", "decision": "NOPE"}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["decision"])


def test_delegation_cannot_add_areas(api_client, delegation):
    DecisionFactory(reference="NRC-D(AREA)")
    api_client.force_authenticate(delegation)
    response = api_client.post(
        "/api/v1/areas/", {"code": "AFG", "name_en": "A", "decision": "NRC-D(AREA)"}, format="json"
    )
    assert response.status_code == 403
    assert CooperationArea.objects.count() == 9


def test_work_programme_items_and_rollup(api_client, secretariat, auditor):
    api_client.force_authenticate(secretariat)
    response = api_client.post("/api/v1/work-programmes/", {"area": "TMD", "year": 2002}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api_client.post("/api/v1/work-programmes/", {"area": "TMD", "year": 2002}, format="json").status_code == 400
    response = api_client.post(
        f"/api/v1/work-programmes/{pk}/items/",
        {"title": "Terminology", "lead_body": "NRC(TMD)", "status": "in_progress", "progress": 60},
        format="json",
    )
    assert response.status_code == 201
    item = response.json()["id"]
    response = api_client.patch(f"/api/v1/work-programme-items/{item}/", {"status": "planned"}, format="json")
    assert response.status_code == 409  # in progress → planned is not in the transition table
    response = api_client.patch(f"/api/v1/work-programme-items/{item}/", {"progress": 80}, format="json")
    assert response.json()["progress"] == 80
    api_client.force_authenticate(auditor)
    assert api_client.get("/api/v1/work-programmes/rollup/", {"area": "TMD"}).json() == [
        {"programme_id": pk, "area": "TMD", "year": 2002, "items": 1, "completed": 0, "progress": 80}
    ]
    assert api_client.patch(f"/api/v1/work-programme-items/{item}/", {"progress": 90}, format="json").status_code == 403


@pytest.mark.parametrize("n", [1, 8])
def test_work_programme_list_query_count_is_constant(api_client, auditor, django_assert_num_queries, n):
    for year in range(2002, 2002 + n):
        programme_with_items("CM", year, [("in_progress", 10), ("planned", 0)])
    api_client.force_authenticate(auditor)
    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/work-programmes/", {"area": "CM"})
    assert response.json()["count"] == WorkProgramme.objects.count() == n


@pytest.mark.parametrize("year", ["0.5", "1990"])
def test_a_year_that_is_not_one_of_the_council_s_is_a_400(api_client, auditor, year):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/work-programmes/", {"year": year})
    assert (response.status_code, list(response.json())) == (400, ["year"])


def test_an_item_without_a_lead_body_says_null_as_the_schema_does(api_client, secretariat):
    programme = programme_with_items("CM", 2004, [])
    api_client.force_authenticate(secretariat)
    for lead_body in ("", None):
        response = api_client.post(
            f"/api/v1/work-programmes/{programme.pk}/items/", {"title": "Glossary", "lead_body": lead_body}
        )
        assert (response.status_code, response.json()["lead_body"]) == (201, None)
    assert api_client.get(f"/api/v1/work-programmes/{programme.pk}/").json()["items"][0]["lead_body"] is None
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["WorkProgrammeItem"]["properties"]["lead_body"]["nullable"] is True
