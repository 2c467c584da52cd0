"""API: the grid, flags (acknowledge), waivers (propose, approve, reject), issued reports (issue, verify)."""

import datetime as dt

import pytest

from compliance.models import Flag, IssuedReport, Waiver
from compliance.periods import midnight
from compliance.services import cadence_flags_refresh

from .factories_compliance import held_every_month, monthly_body

pytestmark = pytest.mark.django_db
GRID = "/api/v1/compliance/grid/"


@pytest.fixture
def body(reference):
    body = monthly_body(code="NRC(TEST)")
    held_every_month(body, dt.date(2003, 1, 1), dt.date(2005, 12, 1), skip={(2004, 8)})
    return body


def test_grid_with_filters(api_client, auditor, body):
    api_client.force_authenticate(auditor)
    response = api_client.get(
        GRID, {"from": "2004-07-01", "to": "2004-09-30", "body": body.code, "as_of": "2006-01-01"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["columns"] == ["2004-07", "2004-08", "2004-09"]
    assert data["parameters"]["at"] == "2006-01-01T23:00:00+00:00"
    (row,) = data["rows"]
    assert row["body"] == body.code
    assert [(c["period"], c["verdict"], c["held"], c["required"]) for c in row["cells"]] == [
        ("2004-07", "compliant", 1, 1),
        ("2004-08", "breach", 0, 1),
        ("2004-09", "compliant", 1, 1),
    ]
    assert (row["compliant"], row["assessed"], row["share"]) == (2, 3, 0.6667)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"from": "2005-01-01", "to": "2004-01-01"}, {"to": ["The range ends before it starts."]}),
        ({"from": "1990-01-01", "to": "2045-01-01"}, {"to": ["The range spans more than 50 years."]}),
        ({"body": "NOPE"}, {"body": ["Select a valid choice. NOPE is not one of the available choices."]}),
        ({"as_of": "2002-05-27"}, {"as_of": ["The Council did not exist before 28 May 2002."]}),
        ({"as_of": "not-a-date"}, {"as_of": ["Enter a valid date."]}),
    ],
)
def test_grid_bad_input_is_a_400_naming_the_field(api_client, auditor, query, errors):
    api_client.force_authenticate(auditor)
    response = api_client.get(GRID, query)
    assert response.status_code == 400
    assert response.json() == errors


def test_grid_needs_a_login(api_client, reference):
    assert api_client.get(GRID).status_code in (401, 403)


def test_delegation_cannot_ask_for_a_body_it_does_not_sit_in(api_client, delegation, body):
    from committees.models import Member

    body.participants.set([Member.objects.get(iso2="RU")])
    api_client.force_authenticate(delegation)
    response = api_client.get(GRID, {"body": body.code})
    assert response.status_code == 400
    assert list(response.json()) == ["body"]


def test_flags_list_and_acknowledge(api_client, secretariat, auditor, body):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    flag = Flag.objects.get(body=body, period_start=dt.date(2004, 8, 1))
    api_client.force_authenticate(auditor)
    listing = api_client.get("/api/v1/compliance/flags/", {"state": "open", "body": body.code})
    assert listing.status_code == 200
    assert flag.pk in [f["id"] for f in listing.json()["results"]]
    # An auditor reads but cannot acknowledge
    assert api_client.post(f"/api/v1/compliance/flags/{flag.pk}/acknowledge/", {"note": "x"}).status_code == 403
    api_client.force_authenticate(secretariat)
    missing = api_client.post(f"/api/v1/compliance/flags/{flag.pk}/acknowledge/", {}, format="json")
    assert (missing.status_code, list(missing.json())) == (400, ["note"])
    done = api_client.post(f"/api/v1/compliance/flags/{flag.pk}/acknowledge/", {"note": "Found the minutes."})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["note"]) == ("acknowledged", "Found the minutes.")
    assert [e["kind"] for e in done.json()["events"]] == ["raised", "acknowledged"]
    again = api_client.post(f"/api/v1/compliance/flags/{flag.pk}/acknowledge/", {"note": "again"})
    assert again.status_code == 409


def test_delegations_do_not_see_flags(api_client, delegation, body):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    api_client.force_authenticate(delegation)
    assert api_client.get("/api/v1/compliance/flags/").status_code == 403


def test_waiver_propose_and_approve(api_client, secretariat, chair, body):
    api_client.force_authenticate(secretariat)
    payload = {
        "bodies": [body.code],
        "starts_on": "2004-08-01",
        "ends_on": "2004-08-31",
        "justification": "Summer recess.",
        "title": "Recess 2004",
    }
    created = api_client.post("/api/v1/compliance/waivers/", payload, format="json")
    assert created.status_code == 201
    waiver_id = created.json()["id"]
    assert (created.json()["status"], created.json()["bodies"]) == ("proposed", [body.code])
    assert api_client.post(f"/api/v1/compliance/waivers/{waiver_id}/approve/").status_code == 403
    api_client.force_authenticate(chair)
    approved = api_client.post(f"/api/v1/compliance/waivers/{waiver_id}/approve/", {"note": "Fine."}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    grid = api_client.get(GRID, {"from": "2004-08-01", "to": "2004-08-31", "body": body.code}).json()
    assert grid["rows"][0]["cells"][0]["verdict"] == "waived"
    assert grid["rows"][0]["cells"][0]["waiver"] == "Recess 2004"
    conflict = api_client.post(f"/api/v1/compliance/waivers/{waiver_id}/reject/", {"note": "No."}, format="json")
    assert conflict.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bodies": ["NOPE"]}, "bodies"),
        ({"bodies": []}, "bodies"),
        ({"ends_on": "2004-07-01"}, "ends_on"),
        ({"starts_on": "someday"}, "starts_on"),
    ],
)
def test_waiver_bad_input(api_client, secretariat, body, change, field):
    api_client.force_authenticate(secretariat)
    payload = {"bodies": [body.code], "starts_on": "2004-08-01", "ends_on": "2004-08-31", "justification": "x"}
    response = api_client.post("/api/v1/compliance/waivers/", payload | change, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Waiver.objects.count() == 0


def test_issue_list_and_verify_a_report(api_client, auditor, body):
    api_client.force_authenticate(auditor)
    issued = api_client.post(
        "/api/v1/compliance/reports/",
        {"from": "2004-01-01", "to": "2004-12-31", "body": [body.code], "as_of": "2005-01-31"},
        format="json",
    )
    assert issued.status_code == 201
    report = IssuedReport.objects.get()
    assert issued.json()["sha256"] == report.sha256
    assert [r["id"] for r in api_client.get("/api/v1/compliance/reports/").json()["results"]] == [report.pk]
    verified = api_client.post(f"/api/v1/compliance/reports/{report.pk}/verify/")
    assert verified.status_code == 200
    assert verified.json() | {"recomputed_sha256": ""} == {
        "ok": True,
        "stored_intact": True,
        "reproduced": True,
        "sha256": report.sha256,
        "recomputed_sha256": "",
        "differences": [],
    }
    bad = api_client.post("/api/v1/compliance/reports/", {"from": "2004-01-01", "to": "2003-01-01"}, format="json")
    assert (bad.status_code, bad.json()) == (400, {"to": ["The range ends before it starts."]})


def test_reports_list_query_count_is_constant(api_client, auditor, body, django_assert_max_num_queries):
    from compliance.selectors import GridParams
    from compliance.services import report_issue

    api_client.force_authenticate(auditor)
    params = GridParams.build(date_from=dt.date(2004, 1, 1), date_to=dt.date(2004, 3, 31), body_codes=(body.code,))
    report_issue(params=params, acting_user=auditor)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/v1/compliance/reports/")
    for _ in range(5):
        report_issue(params=params, acting_user=auditor)
    with CaptureQueriesContext(connection) as six:
        response = api_client.get("/api/v1/compliance/reports/")
    assert response.json()["count"] == 6
    assert len(one) == len(six) == 2


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/compliance/flags/", 3),  # count, page of flags (with body), their events
        ("/api/v1/compliance/waivers/", 3),  # count, page of waivers, their bodies
    ],
)
def test_compliance_api_lists_take_constant_queries(api_client, auditor, body, path, expected):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories_compliance import WaiverFactory

    api_client.force_authenticate(auditor)

    def grow(at):
        WaiverFactory(bodies=[body, monthly_body()], starts_on=dt.date(2004, 1, 1), status="proposed")
        cadence_flags_refresh(at=at)

    grow(midnight(dt.date(2005, 1, 15)))
    with CaptureQueriesContext(connection) as small:
        api_client.get(path)
    for year in (2006, 2007, 2008):
        grow(midnight(dt.date(year, 1, 15)))
    with CaptureQueriesContext(connection) as large:
        response = api_client.get(path)
    assert response.json()["count"] >= 4
    assert len(small) == len(large) == expected, [q["sql"][:60] for q in large]


def test_empty_grid_filters_mean_no_filter(api_client, auditor, body):
    api_client.force_authenticate(auditor)
    plain = api_client.get(GRID, {"as_of": "2006-01-01"}).json()
    empty = api_client.get(GRID, {"as_of": "2006-01-01", "from": "", "to": "", "body": "", "granularity": ""}).json()
    assert (empty["columns"], empty["rows"]) == (plain["columns"], plain["rows"])
    assert [row["body"] for row in empty["rows"]] == [row["body"] for row in plain["rows"]] != []


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"granularity": "0"}, ["granularity"]),
        ({"as_of": [None, None]}, ["as_of"]),
        ({"from": 20040101}, ["from"]),
        ({"body": "NRC(TEST)"}, ["body"]),
    ],
)
def test_issuing_a_report_with_input_of_the_wrong_type_is_a_400_and_issues_nothing(
    api_client, auditor, body, data, fields
):
    api_client.force_authenticate(auditor)
    response = api_client.post("/api/v1/compliance/reports/", data, format="json")
    assert (response.status_code, list(response.json())) == (400, fields)
    assert IssuedReport.objects.count() == 0
