"""Auditors and administrators browse, filter and export the audit trail; nobody else sees it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from nrc.audit import audit_record


def _entries(actor, n: int, *, object_type="meetings.meeting", action="meeting.reschedule"):
    return [
        audit_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(100 + i),
            object_repr=f"Meeting {i}",
            before={"title": f"Old {i}", "venue_id": 1},
            after={"title": f"New {i}", "venue_id": 1, "chair": "=HYPERLINK(1)"},
        )
        for i in range(n)
    ]


@pytest.fixture
def trail(secretariat, chair):
    return {"secretariat": _entries(secretariat, 3), "chair": _entries(chair, 2, object_type="meetings.minutes")}


def _ids(response) -> list[int]:
    return [e.pk for e in response.context["page"].object_list]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor_client", "administrator"])
def test_auditors_and_administrators_filter_by_object_actor_and_date(request, role, trail, client):
    if role == "administrator":
        client.force_login(request.getfixturevalue("administrator"))
    else:
        client = request.getfixturevalue(role)
    url = reverse("audit_list")
    # Given entries by the secretariat on meetings and by the chair on minutes
    # When filtering by object type
    response = client.get(url, {"object_type": "meetings.minutes"})
    assert response.status_code == 200
    assert _ids(response) == [e.pk for e in reversed(trail["chair"])]
    # by object type and id
    response = client.get(url, {"object_type": "meetings.meeting", "object_id": "101"})
    assert _ids(response) == [trail["secretariat"][1].pk]
    # by actor
    response = client.get(url, {"actor": "chair"})
    assert _ids(response) == [e.pk for e in reversed(trail["chair"])]
    # by date range (today in the user's zone includes them; yesterday excludes them)
    today = timezone.localdate()
    response = client.get(url, {"actor": "secretariat", "date_from": today, "date_to": today})
    assert _ids(response) == [e.pk for e in reversed(trail["secretariat"])]
    response = client.get(url, {"actor": "secretariat", "date_to": today - dt.timedelta(days=1)})
    assert _ids(response) == []
    # Bad input is a form error on the field, not a 500
    response = client.get(url, {"date_from": "not-a-date"})
    assert response.status_code == 200
    assert "date_from" in response.context["filter"].form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat_client", "chair_client", "delegation_client"])
def test_other_roles_are_refused(request, role, trail):
    client = request.getfixturevalue(role)
    entry = trail["chair"][0]
    assert client.get(reverse("audit_list")).status_code == 403
    assert client.get(reverse("audit_detail", args=[entry.pk])).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403


@pytest.mark.django_db
def test_the_list_runs_a_constant_number_of_queries(auditor_client, secretariat, django_assert_num_queries):
    url = reverse("audit_list")
    auditor_client.get(url)  # warm caches (content types, translations)
    _entries(secretariat, 3)
    # session, user, count, page (actor joined)
    with django_assert_num_queries(4):
        assert auditor_client.get(url).status_code == 200
    _entries(secretariat, 120)
    with django_assert_num_queries(4):
        response = auditor_client.get(url, {"page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50


@pytest.mark.django_db
def test_detail_shows_the_diff(auditor_client, trail):
    entry = trail["secretariat"][0]
    response = auditor_client.get(reverse("audit_detail", args=[entry.pk]))
    assert response.status_code == 200
    diff = {row["field"]: row for row in response.context["diff"]}
    assert diff["title"]["before"] == "Old 0"
    assert diff["title"]["after"] == "New 0"
    assert diff["title"]["changed"] is True
    assert diff["venue_id"]["changed"] is False
    assert diff["chair"]["in_before"] is False
    assert diff["chair"]["changed"] is True
    assert auditor_client.get(reverse("audit_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_csv_export_streams_the_filtered_trail(auditor_client, trail):
    response = auditor_client.get(reverse("audit_export"), {"actor": "chair"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "id",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]
    assert [int(r[0]) for r in rows[1:]] == [e.pk for e in trail["chair"]]
    first = rows[1]
    assert first[2] == "chair"
    assert first[7] == '{"title": "Old 0", "venue_id": 1}'
    # A formula in the data is neutralised, not executed by a spreadsheet
    assert first[8].startswith("'{") is False
    assert '"chair": "=HYPERLINK(1)"' in first[8]
    assert first[10] == trail["chair"][0].hash


@pytest.mark.django_db
def test_csv_cells_that_start_a_formula_are_neutralised(auditor_client, secretariat):
    audit_record(actor=secretariat, action="x.y", object_type="t", object_id="1", object_repr="=cmd|' /C calc'!A0")
    response = auditor_client.get(reverse("audit_export"), {"object_type": "t"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][6] == "'=cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_api_lists_and_filters_for_auditors_only(api_client, auditor, delegation, secretariat, trail):
    api_client.force_authenticate(auditor)
    response = api_client.get("/api/v1/audit/", {"object_type": "meetings.minutes"})
    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [r["id"] for r in response.data["results"]] == [e.pk for e in reversed(trail["chair"])]
    assert response.data["results"][0]["actor"] == "chair"
    assert response.data["results"][0]["after"]["title"] == "New 1"
    detail = api_client.get(f"/api/v1/audit/{trail['chair'][0].pk}/")
    assert detail.status_code == 200
    assert detail.data["hash"] == trail["chair"][0].hash
    # Bad input: 400 naming the field
    bad = api_client.get("/api/v1/audit/", {"date_from": "yesterday"})
    assert bad.status_code == 400
    assert "date_from" in bad.data
    # Read-only, even for auditors
    assert api_client.delete(f"/api/v1/audit/{trail['chair'][0].pk}/").status_code in (403, 405)
    for user in (delegation, secretariat):
        api_client.force_authenticate(user)
        assert api_client.get("/api/v1/audit/").status_code == 403
        assert api_client.get(f"/api/v1/audit/{trail['chair'][0].pk}/").status_code == 403


@pytest.mark.django_db
def test_api_list_runs_a_constant_number_of_queries(api_client, auditor, secretariat, django_assert_num_queries):
    api_client.force_authenticate(auditor)
    _entries(secretariat, 2)
    with django_assert_num_queries(2):  # count, page with the actor joined
        assert api_client.get("/api/v1/audit/").status_code == 200
    _entries(secretariat, 80)
    with django_assert_num_queries(2):
        response = api_client.get("/api/v1/audit/")
    assert len(response.data["results"]) == 50


@pytest.mark.django_db
def test_a_large_export_runs_in_the_background_with_progress(
    auditor_client, auditor, trail, django_capture_on_commit_callbacks
):
    from nrc.models import BackgroundJob, JobStatus

    # When the auditor asks for the chair's entries in the background
    with django_capture_on_commit_callbacks(execute=True):
        response = auditor_client.post(reverse("audit_export_start"), {"actor": "chair", "page": "3"})
    job = BackgroundJob.objects.get(user=auditor)
    # Then the progress page follows, the job ran, and the file holds exactly the filtered entries
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.params == {"actor": "chair"}
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    status = auditor_client.get(reverse("job_status", args=[job.pk])).json()
    assert status["download_url"] == reverse("job_download", args=[job.pk])
    download = auditor_client.get(status["download_url"])
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [int(r[0]) for r in rows[1:]] == [e.pk for e in trail["chair"]]


@pytest.mark.django_db
def test_background_export_is_refused_to_other_roles(secretariat_client, secretariat):
    from nrc.models import BackgroundJob

    assert secretariat_client.post(reverse("audit_export_start"), {}).status_code == 403
    assert BackgroundJob.objects.filter(user=secretariat).count() == 0
