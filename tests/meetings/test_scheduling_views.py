"""Scheduling pages: calendar views, the meeting list, forms, permissions and exact query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries, MeetingStatus, Minutes, MinutesStatus
from tests.factories import BodyFactory, MeetingFactory, brussels

from . import scheduling_fixtures

amb, hq = scheduling_fixtures.amb, scheduling_fixtures.hq  # fixtures


def _many(body, n, start=None):
    start = (start or brussels(2027, 3, 1, 8)).astimezone(dt.UTC)
    Meeting.objects.bulk_create(
        [
            Meeting(
                body=body,
                title=f"M{i}",
                starts_at=start + dt.timedelta(minutes=80 * i),
                ends_at=start + dt.timedelta(minutes=80 * i + 60),
                status=MeetingStatus.SCHEDULED,
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("n", [10, 500])
def test_month_view_query_count_does_not_grow(secretariat_client, amb, django_assert_num_queries, n):
    _many(amb, n)
    url = reverse("meetings:calendar") + "?view=month&date=2027-03-15"
    # session, user, meetings of the grid, then the filter form's choices: bodies, levels, areas, members
    with django_assert_num_queries(7):
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == n


@pytest.mark.parametrize("n", [10, 500])
def test_meeting_list_query_count_does_not_grow(auditor_client, amb, django_assert_num_queries, n):
    _many(amb, n)
    url = reverse("meetings:meeting_list") + "?from=2027-03-01&to=2027-04-30"
    # session, user, meetings under way at the start, the count and the page of the others, then the filter
    # form's choices: bodies, levels, areas, members
    with django_assert_num_queries(9):
        response = auditor_client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_each_calendar_view_shows_the_meeting_in_brussels_time(delegation_client, amb, view):
    MeetingFactory(body=amb, title="Council", starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = delegation_client.get(reverse("meetings:calendar"), {"view": view, "date": "2027-03-09"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "10:00 NRC-AMB" in html or "10:00–12:00 NRC-AMB" in html or "10:00</time>" in html
    assert "Europe/Brussels" in html
    assert reverse("meetings:meeting_create") not in html


def test_calendar_in_the_users_own_time_zone(delegation, delegation_client, amb):
    delegation.time_zone = "America/New_York"
    delegation.save()
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    html = delegation_client.get(reverse("meetings:calendar"), {"date": "2027-03-09"}).content.decode()
    assert "04:00 NRC-AMB" in html
    assert "America/New_York" in html


def test_calendar_filters_by_member(other_delegation, secretariat_client, amb, reference):
    from committees.models import Member

    us_only = BodyFactory(code="US-ONLY")
    us_only.participants.add(Member.objects.get(iso2="US"))
    hidden = MeetingFactory(body=us_only, starts_at=brussels(2027, 3, 9, 10))
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 10, 10))
    ru = Member.objects.get(iso2="RU")
    response = secretariat_client.get(reverse("meetings:calendar"), {"date": "2027-03-09", "member": ru.pk})
    assert response.context["count"] == 1
    assert reverse("meetings:meeting_detail", args=[hidden.pk]) not in response.content.decode()


def test_delegation_sees_no_edit_control_and_edit_urls_give_403(delegation_client, amb):
    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    html = delegation_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Reschedule" not in html and "Cancel the meeting" not in html
    for name in ("meeting_edit", "meeting_reschedule", "meeting_cancel", "meeting_attendance", "meeting_minutes"):
        assert delegation_client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 403
    assert delegation_client.get(reverse("meetings:meeting_create")).status_code == 403
    assert delegation_client.get(reverse("meetings:series_create")).status_code == 403


def test_delegation_cannot_see_meetings_of_bodies_it_does_not_sit_in(other_delegation_client, reference):
    from committees.models import Member

    body = BodyFactory()
    body.participants.add(Member.objects.get(iso2="US"))
    meeting = MeetingFactory(body=body)
    assert other_delegation_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404


def test_create_form_shows_field_errors_and_saves_nothing(secretariat_client, amb, hq):
    response = secretariat_client.post(
        reverse("meetings:meeting_create"),
        {
            "body": amb.pk,
            "kind": "regular",
            "title": "X",
            "starts_at": "2027-03-09T12:00",
            "ends_at": "2027-03-09T10:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"ends_at": ["The meeting must end after it starts."]}
    MeetingFactory(body=BodyFactory(), venue=hq, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = secretariat_client.post(
        reverse("meetings:meeting_create"),
        {
            "body": amb.pk,
            "kind": "regular",
            "title": "X",
            "starts_at": "2027-03-09T11:00",
            "ends_at": "2027-03-09T13:00",
            "venue": hq.pk,
        },
    )
    assert list(response.context["form"].errors) == ["venue"]
    assert Meeting.objects.filter(body=amb).count() == 0


def test_create_warns_about_a_second_meeting_of_the_body_the_same_day(secretariat_client, amb):
    MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = secretariat_client.post(
        reverse("meetings:meeting_create"),
        {
            "body": amb.pk,
            "kind": "regular",
            "title": "Second",
            "starts_at": "2027-03-09T15:00",
            "ends_at": "2027-03-09T16:00",
        },
        follow=True,
    )
    assert "NRC-AMB has another meeting the same day." in response.content.decode()


def test_series_form_previews_then_saves(secretariat_client, amb, hq):
    data = {
        "body": amb.pk,
        "kind": "regular",
        "title": "Ambassadors",
        "starts_at": "2027-01-12T10:00",
        "ends_at": "2027-01-12T12:00",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231",
        "venue": hq.pk,
        "preview": "1",
    }
    response = secretariat_client.post(reverse("meetings:series_create"), data)
    assert len(response.context["preview"]) == 12
    assert MeetingSeries.objects.count() == 0
    data.pop("preview")
    data["save"] = "1"
    response = secretariat_client.post(reverse("meetings:series_create"), data)
    series = MeetingSeries.objects.get()
    assert response.url == reverse("meetings:series_detail", args=[series.pk])
    assert series.meetings.count() == 12


def test_series_form_reports_a_bad_rule_on_its_field(secretariat_client, amb):
    data = {
        "body": amb.pk,
        "kind": "regular",
        "title": "A",
        "starts_at": "2027-01-12T10:00",
        "ends_at": "2027-01-12T12:00",
        "rrule": "FREQ=DAILY",
        "save": "1",
    }
    response = secretariat_client.post(reverse("meetings:series_create"), data)
    assert list(response.context["form"].errors) == ["rrule"]
    assert MeetingSeries.objects.count() == 0


def test_approved_minutes_are_read_only(secretariat, secretariat_client, chair_client, amb):
    meeting = MeetingFactory(body=amb, starts_at=timezone.now() - dt.timedelta(days=2))
    Minutes.objects.create(meeting=meeting, text="Draft", drafted_by=secretariat)
    response = chair_client.post(reverse("meetings:meeting_minutes", args=[meeting.pk]))
    assert response.status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.APPROVED
    assert secretariat_client.get(reverse("meetings:meeting_minutes", args=[meeting.pk])).status_code == 403
    html = secretariat_client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Edit the draft minutes" not in html and "read-only" in html


def test_subscriptions_issue_revoke_and_follow(delegation, delegation_client, amb):
    url = reverse("meetings:subscriptions")
    delegation_client.post(url, {"action": "issue"})
    delegation.refresh_from_db()
    token = delegation.calendar_token
    assert token and len(token) >= 40
    delegation_client.post(url, {"action": "follow", "body": amb.pk})
    assert list(delegation.followed_bodies.values_list("code", flat=True)) == ["NRC-AMB"]
    delegation_client.post(url, {"action": "unfollow", "body": amb.pk})
    assert delegation.followed_bodies.count() == 0
    delegation_client.post(url, {"action": "revoke"})
    delegation.refresh_from_db()
    assert delegation.calendar_token is None


def test_home_page_panels(secretariat_client, chair_client, secretariat, amb):
    past = MeetingFactory(
        body=amb, title="Unrecorded", starts_at=timezone.now() - dt.timedelta(days=3), status=MeetingStatus.SCHEDULED
    )
    held = MeetingFactory(body=amb, title="Drafted", starts_at=timezone.now() - dt.timedelta(days=5))
    Minutes.objects.create(meeting=held, text="x", drafted_by=secretariat)
    html = secretariat_client.get("/").content.decode()
    assert "Past meetings to record" in html and past.title in html
    chair_html = chair_client.get("/").content.decode()
    assert "Minutes awaiting approval" in chair_html and "Drafted" in chair_html
    assert "Past meetings to record" not in chair_html


def test_a_long_series_is_created_in_the_background_with_progress(
    secretariat, secretariat_client, amb, django_capture_on_commit_callbacks
):
    from nrc.models import BackgroundJob, JobStatus

    data = {
        "body": amb.pk,
        "kind": "regular",
        "title": "Daily briefing",
        "starts_at": "2027-01-04T09:00",
        "ends_at": "2027-01-04T09:30",
        "rrule": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=150",
        "save": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(reverse("meetings:series_create"), data)
    job = BackgroundJob.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.status, job.progress, job.user) == (
        "meetings.series_create",
        JobStatus.DONE,
        100,
        secretariat,
    )
    assert MeetingSeries.objects.get().meetings.count() == 150
    assert job.result_name.endswith(".ics")


def test_meeting_list_shows_what_is_coming_by_default_and_paginates(auditor_client, amb):
    _many(amb, 60, start=timezone.now() + dt.timedelta(days=1))
    MeetingFactory(body=amb, title="Long ago", starts_at=brussels(2010, 1, 5, 10))
    first = auditor_client.get(reverse("meetings:meeting_list"))
    second = auditor_client.get(reverse("meetings:meeting_list"), {"page": 2})
    assert first.context["page"].paginator.count == 60
    assert len(second.context["page"].object_list) == 10
    assert "Long ago" not in first.content.decode() + second.content.decode()


def test_paper_upload_page_refuses_a_bad_file_on_its_field(secretariat_client, amb):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import Paper

    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.SCHEDULED)
    response = secretariat_client.post(
        reverse("meetings:paper_upload", args=[meeting.pk]),
        {
            "reference": "NRC(AMB)D(2027)0001",
            "title": "Agenda",
            "classification": "NATO UNCLASSIFIED",
            "language": "en",
            "file": SimpleUploadedFile("agenda.exe", b"MZ\x90\x00"),
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert Paper.objects.count() == 0


# --- bounded pages: what a page renders does not grow with the number of meetings ----------------------------


def _day(body, day: int, n: int) -> list[Meeting]:
    """``n`` meetings of ``body`` on ``day`` March 2027, one an hour from 08:00 (Brussels)."""
    return [MeetingFactory(body=body, title=f"D{day}-{i}", starts_at=brussels(2027, 3, day, 8 + i)) for i in range(n)]


def test_month_view_lists_three_meetings_a_day_then_links_to_the_rest(secretariat_client, amb):
    # Given five meetings on 9 March and two on 10 March
    busy = _day(amb, 9, 5)
    quiet = _day(amb, 10, 2)
    # when the month is shown, filtered by level
    response = secretariat_client.get(
        reverse("meetings:calendar"), {"view": "month", "date": "2027-03-15", "level": amb.level}
    )
    cells = {cell["day"]: cell for week in response.context["weeks"] for cell in week}
    # then 9 March lists its first three meetings and says how many more there are, with a link to that day's list
    busy_cell, quiet_cell = cells[dt.date(2027, 3, 9)], cells[dt.date(2027, 3, 10)]
    assert [m.pk for m in busy_cell["meetings"]] == [m.pk for m in busy[:3]]
    assert (busy_cell["total"], busy_cell["more"]) == (5, 2)
    assert [m.pk for m in quiet_cell["meetings"]] == [m.pk for m in quiet]
    assert (quiet_cell["total"], quiet_cell["more"]) == (2, 0)
    assert response.context["count"] == 7
    html = response.content.decode()
    link = f"{reverse('meetings:meeting_list')}?from=2027-03-09&amp;to=2027-03-09&amp;level="
    assert html.count(link) == 1
    assert "+2 more" in html and "(5 meetings on 9 March 2027)" in html
    for m in busy[3:]:
        assert reverse("meetings:meeting_detail", args=[m.pk]) not in html


def test_the_more_link_leads_to_every_meeting_of_that_day(secretariat_client, amb):
    busy = _day(amb, 9, 5)
    _day(amb, 10, 1)
    response = secretariat_client.get(reverse("meetings:meeting_list"), {"from": "2027-03-09", "to": "2027-03-09"})
    assert [m.pk for m in response.context["page"].object_list] == [m.pk for m in busy]


def test_week_view_lists_eight_meetings_a_day_then_links_to_the_rest(secretariat_client, amb):
    busy = _day(amb, 9, 10)
    response = secretariat_client.get(reverse("meetings:calendar"), {"view": "week", "date": "2027-03-09"})
    cell = next(c for c in response.context["days"] if c["day"] == dt.date(2027, 3, 9))
    assert [m.pk for m in cell["meetings"]] == [m.pk for m in busy[:8]]
    assert (cell["total"], cell["more"]) == (10, 2)
    assert response.context["count"] == 10
    assert "+2 more" in response.content.decode()


@pytest.mark.parametrize("n", [10, 500])
def test_week_view_query_count_does_not_grow(secretariat_client, amb, django_assert_num_queries, n):
    _many(amb, n)
    with django_assert_num_queries(7):
        response = secretariat_client.get(reverse("meetings:calendar"), {"view": "week", "date": "2027-03-03"})
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 500])
def test_calendar_list_view_is_paginated_with_a_constant_query_count(
    secretariat_client, amb, django_assert_num_queries, n
):
    _many(amb, n)
    # session, user, meetings under way at the start, the count, the page, then the filter form's four choices
    with django_assert_num_queries(9):
        response = secretariat_client.get(reverse("meetings:calendar"), {"view": "list", "date": "2027-03-01"})
    assert len(response.context["meetings"]) == min(n, 50)
    assert response.context["count"] == n


def test_calendar_list_view_second_page(secretariat_client, amb):
    _many(amb, 60)
    response = secretariat_client.get(reverse("meetings:calendar"), {"view": "list", "date": "2027-03-01", "page": 2})
    assert [m.title for m in response.context["meetings"]] == [f"M{i}" for i in range(50, 60)]
    assert "Page 2 of 2" in response.content.decode()


def test_meeting_list_from_a_day_starts_with_the_meetings_under_way(auditor_client, amb):
    # Given a meeting that ended before 9 March, one running over midnight into it, and 55 from 9 March on
    MeetingFactory(body=amb, title="Ended", starts_at=brussels(2027, 3, 8, 10), ends_at=brussels(2027, 3, 8, 12))
    MeetingFactory(body=amb, title="Overnight", starts_at=brussels(2027, 3, 8, 22), ends_at=brussels(2027, 3, 9, 2))
    _many(amb, 55, start=brussels(2027, 3, 9, 8))
    # when the list is read from 9 March, page by page
    first = auditor_client.get(reverse("meetings:meeting_list"), {"from": "2027-03-09"})
    second = auditor_client.get(reverse("meetings:meeting_list"), {"from": "2027-03-09", "page": 2})
    # then the meeting under way comes first, the pages follow each other without gap, and the ended one is left out
    assert first.context["page"].paginator.count == 56
    titles = [m.title for m in first.context["page"].object_list] + [m.title for m in second.context["page"]]
    assert titles == ["Overnight", *(f"M{i}" for i in range(55))]


@pytest.mark.parametrize("n", [1, 12])
def test_meeting_detail_query_count_does_not_grow(
    secretariat, chair, secretariat_client, amb, django_assert_num_queries, n
):
    from meetings.models import AgendaItem

    meeting = MeetingFactory(body=amb, starts_at=brussels(2027, 3, 9, 10), status=MeetingStatus.HELD)
    AgendaItem.objects.bulk_create(AgendaItem(meeting=meeting, position=i + 1, title=f"Item {i}") for i in range(n))
    Minutes.objects.create(
        meeting=meeting, text="Text", status=MinutesStatus.APPROVED, drafted_by=secretariat, approved_by=chair
    )
    # session, user, the meeting with its body, venue, series and minutes, then its agenda, papers, attendance and
    # reschedules, the body's other meetings that day, and the areas of the agenda form
    with django_assert_num_queries(9):
        response = secretariat_client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.context["minutes"].approved_by == chair
    assert len(response.context["meeting"].agenda_items.all()) == n
