"""API: setting up and dissolving committees and working groups."""

from __future__ import annotations

import pytest

from committees.models import Body
from tests.cooperation.factories_groups import DecisionFactory

pytestmark = pytest.mark.django_db

GROUP = {
    "code": "NRC(TMD-API)",
    "name_en": "TMD ad hoc group",
    "kind": "working_group",
    "parent": "NRC-PC",
    "basis": "ad_hoc",
    "mandate": "Exercise.",
    "existed_from": "2026-01-01",
    "existed_to": "2026-12-31",
    "areas": ["TMD"],
    "participants": ["US", "RU"],
    "cadence_min": 1,
    "cadence_period": "quarter",
}


def test_secretariat_sets_up_a_group(api_client, secretariat):
    DecisionFactory(reference="NRC-D(EST)")
    api_client.force_authenticate(secretariat)
    response = api_client.post("/api/v1/bodies/", GROUP | {"established_by": "NRC-D(EST)"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["parent"], data["areas"], sorted(data["participants"]), data["established_by"]) == (
        "NRC-PC",
        ["TMD"],
        ["RU", "US"],
        ["NRC-D(EST)"],
    )
    assert [(r["min_meetings"], r["period"]) for r in data["cadence_rules"]] == [(1, "quarter")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"existed_to": None}, "existed_to"),
        ({"parent": "NRC-CNT", "existed_from": "2003-01-01", "existed_to": "2003-12-31"}, "parent"),
        ({"parent": "NOPE"}, "parent"),
        ({"kind": "council"}, "kind"),
    ],
)
def test_bad_group_is_a_400_naming_the_field(api_client, secretariat, change, field):
    api_client.force_authenticate(secretariat)
    before = Body.objects.count()
    response = api_client.post("/api/v1/bodies/", GROUP | change, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Body.objects.count() == before


def test_delegation_cannot_set_up_or_dissolve(api_client, delegation):
    api_client.force_authenticate(delegation)
    assert api_client.post("/api/v1/bodies/", GROUP, format="json").status_code == 403
    tmd = Body.objects.get(code="NRC(TMD)")
    response = api_client.post(f"/api/v1/bodies/{tmd.pk}/dissolve/", {"dissolved_on": "2010-01-01", "reason": "x"})
    assert response.status_code == 403
    tmd.refresh_from_db()
    assert tmd.dissolution_reason == ""


def test_secretariat_dissolves(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    tmd = Body.objects.get(code="NRC(TMD)")
    response = api_client.post(
        f"/api/v1/bodies/{tmd.pk}/dissolve/", {"dissolved_on": "2010-06-30", "reason": "Done."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["existed_to"], response.json()["dissolution_reason"]) == ("2010-06-30", "Done.")
    response = api_client.post(
        f"/api/v1/bodies/{tmd.pk}/dissolve/", {"dissolved_on": "2010-07-30", "reason": "Again."}, format="json"
    )
    assert response.status_code == 409
