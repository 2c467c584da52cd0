"""The secretariat's scheduling journey in real Chromium, then the chair's office and a delegation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries, MeetingSlotChange, MeetingStatus, Minutes, MinutesStatus
from tests.factories import MeetingFactory

from .conftest import assert_accessible, login, screenshot


@pytest.mark.django_db(transaction=True)
def test_secretariat_schedules_a_series_and_records_a_meeting(page, live_server, secretariat, chair, delegation):
    from committees.models import Body, Member
    from meetings.models import Venue

    amb = Body.objects.get(code="NRC-AMB")
    venue = Venue.objects.get(name="NATO Headquarters")
    past = MeetingFactory(
        body=amb,
        title="Ambassadors, last week",
        venue=venue,
        starts_at=timezone.now() - dt.timedelta(days=6),
        status=MeetingStatus.SCHEDULED,
    )

    # The secretariat creates a monthly ambassadorial series for 2027 and previews it
    login(page, secretariat.username)
    page.goto("/meetings/calendar/?date=2027-01-01")
    assert_accessible(page, "calendar, secretariat")
    page.get_by_role("link", name="New series").first.click()
    page.get_by_label("Body").select_option(label=str(amb))
    page.get_by_label("Title").fill("Monthly meeting of the ambassadors")
    page.get_by_label("First meeting starts").fill("2027-01-13T10:00")
    page.get_by_label("First meeting ends").fill("2027-01-13T12:00")
    page.get_by_label("Recurrence rule (RFC 5545)").fill("FREQ=MONTHLY;BYDAY=2WE;UNTIL=20271231")
    page.get_by_label("Venue", exact=True).select_option(label="NATO Headquarters")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("heading", name="Preview: 12 occurrences").is_visible()
    assert page.locator("#preview tbody tr").count() == 12
    assert "Wed 8 Dec 2027, 10:00" in page.inner_text("#preview")
    assert MeetingSeries.objects.count() == 0
    screenshot(page, "scheduling-series-preview")
    assert_accessible(page, "series preview")

    # … saves it
    page.get_by_role("button", name="Save the series (12 meetings)").click()
    assert "The series was created with 12 meetings." in page.inner_text("main")
    series = MeetingSeries.objects.get()
    occurrences = list(series.meetings.order_by("starts_at"))
    assert len(occurrences) == 12
    assert_accessible(page, "series detail")

    # … reschedules the March meeting
    march, may = occurrences[2], occurrences[4]
    page.goto(f"/meetings/{march.pk}/")
    page.get_by_role("link", name="Reschedule").click()
    page.get_by_label("New start").fill("2027-03-11T15:00")
    page.get_by_label("New end").fill("2027-03-11T17:00")
    page.get_by_label("Reason").fill("The Secretary General travels on 10 March.")
    page.get_by_label("This meeting only").check()
    assert_accessible(page, "reschedule form")
    page.get_by_role("button", name="Reschedule").click()
    history = page.locator("section", has=page.get_by_role("heading", name="Rescheduled"))
    assert "Wed 10 Mar 2027, 10:00–12:00" in history.inner_text()
    assert "The Secretary General travels on 10 March." in history.inner_text()
    assert "Thursday 11 March 2027, 15:00–17:00" in page.inner_text("#meeting-when")
    assert MeetingSlotChange.objects.filter(meeting=march).count() == 1
    assert_accessible(page, "rescheduled meeting")

    # … cancels the May meeting
    page.goto(f"/meetings/{may.pk}/")
    page.get_by_role("link", name="Cancel the meeting").click()
    page.get_by_label("Reason for the cancellation").fill("No agenda items.")
    page.get_by_role("button", name="Cancel the meeting").click()
    assert "Cancelled. No agenda items." in page.inner_text("main")
    assert Meeting.objects.get(pk=may.pk).status == MeetingStatus.CANCELLED

    # … records last week's meeting: held, attendance, minutes
    page.goto(f"/meetings/{past.pk}/")
    page.get_by_role("button", name="Mark held").click()
    assert "The meeting is recorded as held." in page.inner_text("main")
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page, "attendance form")
    us, ru = Member.objects.get(iso2="US"), Member.objects.get(iso2="RU")
    page.get_by_label(f"Attendance of {us.name}").select_option("present")
    page.get_by_label(f"{us.name} represented by").fill("Permanent Representative")
    page.get_by_label(f"{us.name}: level").fill("Ambassador")
    page.get_by_label(f"Attendance of {ru.name}").select_option("excused")
    page.get_by_role("button", name="Save attendance").click()
    assert "Attendance was recorded." in page.inner_text("main")
    page.get_by_role("link", name="Draft the minutes").click()
    page.get_by_label("Minutes").fill("The Council reviewed the implementation of joint decisions.")
    page.get_by_role("button", name="Save the draft").click()
    assert "The draft minutes were saved." in page.inner_text("main")
    screenshot(page, "scheduling-recorded-meeting")
    assert_accessible(page, "recorded meeting")

    # The chair's office approves the minutes, which then are read-only
    page.context.clear_cookies()
    login(page, chair.username)
    page.goto(f"/meetings/{past.pk}/")
    page.get_by_role("button", name="Approve the minutes").click()
    assert "The minutes are approved." in page.inner_text("main")
    assert Minutes.objects.get(meeting=past).status == MinutesStatus.APPROVED
    assert page.get_by_role("button", name="Approve the minutes").count() == 0
    assert_accessible(page, "approved minutes, chair")

    # A delegation sees the calendar but no edit control; a direct edit URL gives 403
    page.context.clear_cookies()
    login(page, delegation.username)
    page.goto("/meetings/calendar/?view=month&date=2027-03-01")
    grid = page.locator("#calendar-grid")
    assert "15:00 NRC-AMB" in grid.locator("td[data-date='2027-03-11']").inner_text()
    assert page.get_by_role("link", name="Schedule a meeting").count() == 0
    assert page.get_by_role("link", name="New series").count() == 0
    screenshot(page, "scheduling-calendar-delegation")
    assert_accessible(page, "calendar, delegation")
    page.goto(f"/meetings/{march.pk}/")
    assert page.get_by_role("link", name="Reschedule").count() == 0
    assert page.get_by_role("link", name="Edit").count() == 0
    response = page.goto(f"/meetings/{march.pk}/edit/")
    assert response.status == 403
    assert Meeting.objects.get(pk=march.pk).title == "Monthly meeting of the ambassadors"


@pytest.mark.django_db(transaction=True)
def test_calendar_is_keyboard_navigable(page, secretariat):
    login(page, secretariat.username)
    page.goto("/meetings/calendar/?date=2027-03-15")
    page.locator("td[data-date='2027-03-01']").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.date") == "2027-03-02"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.date") == "2027-03-09"
    page.keyboard.press("PageDown")
    page.wait_for_url("**date=2027-04-01**")
    assert "April 2027" in page.get_by_role("heading", level=1).inner_text()
