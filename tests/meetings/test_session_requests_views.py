"""The pages of extraordinary-session requests: list, form, detail, decisions, queue, body settings, home panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from committees.models import Body, Member
from meetings.models import SessionRequest, SessionRequestStatus, Venue
from meetings.services.session_requests import session_request_paper_add

from .factories_requests import SessionRequestFactory, in_days
from .test_session_requests_api import _bulk
from .test_session_requests_services import state

S = SessionRequestStatus


def local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    data = {
        "body": Body.objects.get(code="NRC-AMB").pk,
        "urgency": "urgent",
        "grounds": "Grounds for the session.",
        "slots-TOTAL_FORMS": "3",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "1",
        "slots-MAX_NUM_FORMS": "10",
        "slots-0-starts_at": local(in_days(6, 10)),
        "slots-0-ends_at": local(in_days(6, 12)),
        "slots-1-starts_at": "",
        "slots-1-ends_at": "",
        "slots-2-starts_at": "",
        "slots-2-ends_at": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_delegation_submits_the_form_and_lands_on_its_request(delegation_client, delegation):
    response = delegation_client.post(
        reverse("meetings:request_create"),
        form_data(papers=[SimpleUploadedFile("memo.pdf", b"%PDF-1.5 memo")]),
    )
    req = SessionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:request_detail", args=[req.pk])
    assert (req.on_behalf_of.iso2, req.status, req.papers.count()) == ("US", S.SUBMITTED, 1)
    assert req.proposed_slots.get().starts_at == in_days(6, 10)
    page = delegation_client.get(response["Location"]).content.decode()
    assert "Submitted" in page
    assert "memo" in page
    assert "Withdraw" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": "999999"}, "Select a valid choice"),
        ({"grounds": ""}, "This field is required"),
        ({"slots-0-starts_at": "", "slots-0-ends_at": ""}, "Please submit at least 1 form"),
        (
            {"slots-0-starts_at": "2020-01-01T10:00", "slots-0-ends_at": "2020-01-01T12:00"},
            "A proposed date cannot be in the past.",
        ),
        ({"papers": [SimpleUploadedFile("virus.exe", b"MZ")]}, "only PDF, DOCX, ODT or plain-text papers"),
    ],
)
def test_bad_form_input_shows_an_error_and_changes_nothing(delegation_client, reference, overrides, message):
    before = state()
    response = delegation_client.post(reverse("meetings:request_create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_a_body_that_does_not_allow_it_is_not_offered(delegation_client, reference):
    pc = Body.objects.get(code="NRC-PC")
    before = state()
    response = delegation_client.post(reverse("meetings:request_create"), form_data(body=pc.pk))
    assert "Select a valid choice" in response.content.decode()
    assert state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("client_fixture", ["secretariat_client", "auditor_client"])
def test_roles_that_may_not_request_are_told_who_may_and_a_post_is_refused(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    page = client.get(reverse("meetings:request_create")).content.decode()
    assert "Extraordinary sessions are requested by a delegation" in page
    assert 'name="grounds"' not in page
    before = state()
    assert client.post(reverse("meetings:request_create"), form_data()).status_code == 403
    assert state() == before


def status_url(req) -> str:
    return reverse("meetings:request_status", args=[req.pk])


@pytest.mark.django_db
def test_another_delegation_sees_the_request_without_a_withdraw_control(other_delegation_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    page = other_delegation_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    assert f"Request #{req.pk}" in page
    assert "United States" in page
    assert "withdraw-form" not in page
    assert 'value="withdrawn"' not in page
    before = state()
    assert other_delegation_client.post(status_url(req), {"to": "withdrawn"}).status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_the_requester_withdraws_through_the_page(delegation_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    assert "withdraw-form" in delegation_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    response = delegation_client.post(status_url(req), {"to": "withdrawn", "withdrawn-note": "Settled."})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.WITHDRAWN
    assert req.transitions.last().note == "Settled."
    page = delegation_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    assert "withdrew the request" in page
    assert "withdraw-form" not in page


@pytest.mark.django_db
def test_the_chair_convenes_through_the_page(chair_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    day = timezone.localdate() + dt.timedelta(days=8)
    hq = Venue.objects.get(name="NATO Headquarters")
    page = chair_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    assert "convene-form" in page and "decline-form" in page and "withdraw-form" not in page
    # the first proposed date is offered as the starting point
    first = timezone.localtime(req.proposed_slots.first().starts_at)
    assert f'name="convened-date" value="{first:%Y-%m-%d}"' in page
    assert f'name="convened-start_time" value="{first:%H:%M}"' in page
    response = chair_client.post(
        status_url(req),
        {
            "to": "convened",
            "convened-date": day.isoformat(),
            "convened-start_time": "15:00",
            "convened-end_time": "17:00",
            "convened-venue": hq.pk,
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == S.CONVENED
    assert timezone.localtime(req.meeting.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 15:00"
    page = chair_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    assert "Extraordinary" in page and "NATO Headquarters" in page
    assert "convene-form" not in page


@pytest.mark.django_db
def test_the_secretariat_may_convene_but_not_decline(secretariat_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    page = secretariat_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    assert "convene-form" in page and "decline-form" not in page
    before = state()
    assert secretariat_client.post(status_url(req), {"to": "declined", "declined-reasons": "No."}).status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_convening_a_withdrawn_request_is_refused_with_a_clear_message(chair_client, delegation):
    req = SessionRequestFactory(requested_by=delegation, status=S.WITHDRAWN)
    day = timezone.localdate() + dt.timedelta(days=8)
    before = state()
    assert "convene-form" not in chair_client.get(reverse("meetings:request_detail", args=[req.pk])).content.decode()
    response = chair_client.post(
        status_url(req),
        {
            "to": "convened",
            "convened-date": day.isoformat(),
            "convened-start_time": "15:00",
            "convened-end_time": "17:00",
        },
    )
    assert response.status_code == 200
    assert "This request is withdrawn; it can no longer be convened." in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_an_unknown_move_is_a_400(chair_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    before = state()
    assert chair_client.post(status_url(req), {"to": "approved"}).status_code == 400
    assert state() == before


@pytest.mark.django_db
def test_declining_without_reasons_shows_the_field_error(chair_client, delegation):
    req = SessionRequestFactory(requested_by=delegation)
    before = state()
    response = chair_client.post(status_url(req), {"to": "declined", "declined-reasons": ""})
    assert "This field is required" in response.content.decode()
    assert state() == before
    chair_client.post(status_url(req), {"to": "declined", "declined-reasons": "Not warranted."})
    req.refresh_from_db()
    assert (req.status, req.decision_reason) == (S.DECLINED, "Not warranted.")


@pytest.mark.django_db
def test_the_list_page_runs_a_constant_number_of_queries(
    auditor_client, secretariat, chair, auditor, administrator, delegation, other_delegation, django_assert_num_queries
):
    users = {"delegation": delegation, "other_delegation": other_delegation}
    _bulk(users, 2)
    url = reverse("meetings:request_list")
    auditor_client.get(url)  # warm the session and the translation caches
    # session, user, the count, filter's bodies, a page of requests with their joins, proposed slots
    with django_assert_num_queries(6):
        response = auditor_client.get(url)
    assert response.content.decode().count('scope="row"') == 2
    _bulk(users, 30)
    with django_assert_num_queries(6):
        response = auditor_client.get(url)
    assert response.content.decode().count('scope="row"') == 32
    with django_assert_num_queries(6):
        response = auditor_client.get(url, {"status": "convened"})
    assert response.content.decode().count('scope="row"') == 11


@pytest.mark.django_db
def test_the_list_page_shows_fifty_requests_a_page_newest_first(auditor_client, delegation, other_delegation):
    _bulk({"delegation": delegation, "other_delegation": other_delegation}, 55)
    newest_first = list(SessionRequest.objects.order_by("-submitted_at", "-pk").values_list("pk", flat=True))
    first = auditor_client.get(reverse("meetings:request_list"), {"status": "convened"})
    assert [r.pk for r in first.context["rows"]] == [
        pk for pk in newest_first if SessionRequest.objects.get(pk=pk).status == "convened"
    ]
    pages = [auditor_client.get(reverse("meetings:request_list"), {"page": n}) for n in (1, 2)]
    assert [r.pk for page in pages for r in page.context["rows"]] == newest_first
    assert [len(page.context["rows"]) for page in pages] == [50, 5]
    assert "55 requests, newest first" in pages[1].content.decode()
    assert "Page 2 of 2" in pages[1].content.decode()


@pytest.mark.django_db
def test_the_queue_page_is_oldest_first_with_statistics_and_constant_queries(
    secretariat_client, delegation, other_delegation, django_assert_num_queries
):
    now = timezone.now()
    new = SessionRequestFactory(requested_by=delegation, submitted_at=now - dt.timedelta(hours=5))
    old = SessionRequestFactory(requested_by=other_delegation, submitted_at=now - dt.timedelta(days=3, hours=1))
    url = reverse("meetings:request_queue")
    secretariat_client.get(url)
    # session, user, pending requests with their joins, proposed slots, statistics
    with django_assert_num_queries(5):
        page = secretariat_client.get(url).content.decode()
    assert page.index(f"#{old.pk}<") < page.index(f"#{new.pk}<")
    assert "3 days" in page and "5 hours" in page
    _bulk({"delegation": delegation, "other_delegation": other_delegation}, 20)
    with django_assert_num_queries(5):
        page = secretariat_client.get(url).content.decode()
    assert page.count('scope="row"') == 2 + 13 + 1  # pending rows, plus the one statistics year


@pytest.mark.django_db
@pytest.mark.parametrize("client_fixture", ["delegation_client", "auditor_client"])
def test_the_queue_is_for_the_secretariat_and_the_chair(request, client_fixture, reference):
    assert request.getfixturevalue(client_fixture).get(reverse("meetings:request_queue")).status_code == 403


@pytest.mark.django_db
def test_the_secretariat_switches_a_body_on_and_off(secretariat_client, chair_client, reference):
    pc = Body.objects.get(code="NRC-PC")
    url = reverse("meetings:request_bodies")
    assert "Allow for NRC-PC" in secretariat_client.get(url).content.decode()
    before = state()
    assert chair_client.post(url, {"body": pc.pk, "allowed": "1"}).status_code == 403
    assert secretariat_client.post(url, {"body": "x", "allowed": "1"}).status_code == 400
    assert state() == before
    secretariat_client.post(url, {"body": pc.pk, "allowed": "1"})
    pc.refresh_from_db()
    assert pc.allows_extraordinary is True
    secretariat_client.post(url, {"body": pc.pk, "allowed": "0"})
    pc.refresh_from_db()
    assert pc.allows_extraordinary is False


@pytest.mark.django_db
def test_papers_download_for_any_logged_in_role(auditor_client, delegation_client, delegation):
    delegation_client.post(
        reverse("meetings:request_create"), form_data(papers=[SimpleUploadedFile("memo.txt", b"Memo text")])
    )
    req = SessionRequest.objects.get()
    paper = req.papers.get()
    response = auditor_client.get(reverse("meetings:request_paper", args=[req.pk, paper.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Memo text"
    assert auditor_client.get(reverse("meetings:request_paper", args=[req.pk + 1, paper.pk])).status_code == 404


@pytest.mark.django_db
def test_home_panels(chair_client, delegation_client, delegation, other_delegation):
    SessionRequestFactory(requested_by=delegation, submitted_at=timezone.now() - dt.timedelta(days=2))
    SessionRequestFactory(requested_by=other_delegation)
    chair_home = chair_client.get("/").content.decode()
    assert "2 requests await a decision" in chair_home
    assert "the oldest is 2 days old" in chair_home
    us_home = delegation_client.get("/").content.decode()
    assert "Your delegation's extraordinary-session requests" in us_home
    assert us_home.count("NRC-AMB</a> · Submitted") == 1


@pytest.mark.django_db
def test_navigation_lists_the_request_page(auditor_client, reference):
    assert 'href="/meetings/requests/"' in auditor_client.get("/").content.decode()
    assert Member.objects.filter(iso2="US").exists()


@pytest.mark.django_db
def test_the_detail_page_runs_a_constant_number_of_queries(chair_client, delegation, django_assert_num_queries):
    req = SessionRequestFactory(requested_by=delegation)
    url = reverse("meetings:request_detail", args=[req.pk])
    chair_client.get(url)
    # session, user, request with its joins, proposed slots, papers, transitions with actors, venues (convene form)
    with django_assert_num_queries(7):
        chair_client.get(url)
    for n in range(5):
        session_request_paper_add(request=req, upload=SimpleUploadedFile(f"p{n}.txt", b"text"), acting_user=delegation)
    with django_assert_num_queries(7):
        page = chair_client.get(url).content.decode()
    assert page.count("/download/") == 5
