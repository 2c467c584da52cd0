"""The read endpoints of the foundation: members, bodies with their cadence rules, areas."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Body, Member
from tests.factories import BodyFactory


@pytest.mark.django_db
def test_members_are_paginated_and_filtered(api_client, auditor):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/members/", {"active_on": "2004-03-29", "page_size": 10})
    assert response.status_code == 200
    assert response.data["count"] == 27
    assert len(response.data["results"]) == 10
    assert api_client.get("/api/v1/members/", {"iso2": "RU"}).data["results"][0]["name_en"] == "Russian Federation"


@pytest.mark.django_db
def test_bodies_carry_their_cadence_rules(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.get("/api/v1/bodies/", {"code": "NRC-AMB"})
    assert response.status_code == 200
    [amb] = response.data["results"]
    assert amb["allows_extraordinary"] is True
    assert [(r["min_meetings"], r["period"]) for r in amb["cadence_rules"]] == [(1, "month")]


@pytest.mark.django_db
def test_body_list_runs_a_constant_number_of_queries(api_client, auditor):
    api_client.force_authenticate(auditor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get("/api/v1/bodies/", {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    BodyFactory.create_batch(40)
    assert count() == small == 4  # count, page (parent joined), areas, cadence rules


@pytest.mark.django_db
def test_delegation_sees_only_bodies_its_member_sits_in(api_client, delegation):
    closed = BodyFactory(code="NRC(CLOSED)")
    closed.participants.set([Member.objects.get(iso2="RU")])
    api_client.force_authenticate(delegation)
    codes = {b["code"] for b in api_client.get("/api/v1/bodies/", {"page_size": 500}).data["results"]}
    assert "NRC(CLOSED)" not in codes
    assert len(codes) == Body.objects.count() - 1
    assert api_client.get(f"/api/v1/bodies/{closed.pk}/").status_code == 404


@pytest.mark.django_db
def test_areas_with_initial_steps(api_client, delegation):
    api_client.force_authenticate(delegation)
    response = api_client.get("/api/v1/areas/", {"code": "SAR"})
    [sar] = response.data["results"]
    assert sar["name_en"] == "Search and Rescue at Sea"
    assert len(sar["initial_steps"]) == 1


@pytest.mark.django_db
def test_write_methods_are_refused_on_read_endpoints(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    assert api_client.post("/api/v1/members/", {"iso2": "XX"}).status_code == 405
    assert Member.objects.filter(iso2="XX").count() == 0
