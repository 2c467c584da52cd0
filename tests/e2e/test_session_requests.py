"""The main journey of extraordinary sessions, in Chromium: a delegation requests an extraordinary session of the
ambassadorial Council; another delegation sees it but cannot withdraw it (no control, and the API answers 403);
the chair's office convenes it; the meeting shows, marked extraordinary, where meetings are listed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from meetings.models import MeetingKind, SessionRequest, SessionRequestStatus

from .conftest import PASSWORD, assert_accessible, login, screenshot


def _first_reachable(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _logout(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_a_delegation_requests_the_chair_convenes_and_others_see_it(page, delegation, other_delegation, chair):
    proposed = timezone.localdate() + dt.timedelta(days=10)
    convened_day = timezone.localdate() + dt.timedelta(days=12)

    # Given the delegation of the United States on the list of extraordinary sessions
    login(page, delegation.username)
    page.get_by_role("link", name="Extraordinary sessions").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Extraordinary sessions"
    assert_accessible(page, "request list (delegation, empty)")

    # When it requests an extraordinary session of the ambassadorial Council
    page.get_by_role("link", name="Request an extraordinary session").click()
    assert_accessible(page, "request form")
    assert page.get_by_label("Body").locator("option:checked").inner_text().startswith("NRC-AMB")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Grounds").fill("Consultations on a security incident affecting a member.")
    page.locator("#id_slots-0-starts_at").fill(f"{proposed.isoformat()}T10:00")
    page.locator("#id_slots-0-ends_at").fill(f"{proposed.isoformat()}T13:00")
    page.get_by_role("button", name="Submit the request").click()
    page.wait_for_load_state("networkidle")

    # Then it sees its request at once, submitted, with a withdraw control
    req = SessionRequest.objects.get()
    assert page.url.endswith(f"/meetings/requests/{req.pk}/")
    assert "was submitted" in page.get_by_role("status").first.inner_text()
    assert page.locator("#request-status").inner_text() == "Status: ⏳ Submitted"
    assert page.get_by_role("button", name="Withdraw the request").is_visible()
    screenshot(page, "session-request-submitted")
    assert_accessible(page, "request detail (requester)")
    _logout(page)

    # When the delegation of the Russian Federation opens the list
    login(page, other_delegation.username)
    page.goto(reverse("meetings:request_list"))
    row = page.locator("#request-table tbody tr").first
    assert re.sub(r"\s+", " ", row.inner_text()).startswith(f"#{req.pk} NRC-AMB United States Urgent")
    row.get_by_role("link", name=f"#{req.pk}").click()
    # Then it sees the request, but no withdraw control
    assert page.get_by_role("heading", level=1).inner_text() == f"Request #{req.pk}: extraordinary session of NRC-AMB"
    assert page.get_by_role("button", name="Withdraw the request").count() == 0
    assert page.get_by_role("button", name="Convene the session").count() == 0
    assert_accessible(page, "request detail (another delegation)")
    # And the API refuses its withdrawal with 403, changing nothing
    token = page.request.post(
        "/api/v1/auth/token/", data={"username": other_delegation.username, "password": PASSWORD}
    ).json()["token"]
    refused = page.request.post(
        f"/api/v1/session-requests/{req.pk}/withdraw/",
        data={"note": "Not ours to withdraw."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status == 403
    assert refused.json() == {"detail": "Only the requester may withdraw a request."}
    req.refresh_from_db()
    assert req.status == SessionRequestStatus.SUBMITTED
    _logout(page)

    # When the chair's office convenes it from its queue
    login(page, chair.username)
    page.goto(reverse("meetings:request_queue"))
    assert_accessible(page, "queue")
    page.locator("#queue-table").get_by_role("link", name=f"#{req.pk}").click()
    assert_accessible(page, "request detail with the chair's decision forms")
    page.get_by_label("Date").fill(convened_day.isoformat())
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("Ends at").fill("17:30")
    page.get_by_label("Venue").select_option(label="NATO Headquarters")
    page.get_by_role("button", name="Convene the session").click()
    page.wait_for_load_state("networkidle")

    # Then the request is convened and linked to an extraordinary meeting at that date and place
    req.refresh_from_db()
    meeting = req.meeting
    assert (req.status, meeting.kind, meeting.body.code, meeting.venue.name) == (
        SessionRequestStatus.CONVENED,
        MeetingKind.EXTRAORDINARY,
        "NRC-AMB",
        "NATO Headquarters",
    )
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == f"{convened_day.isoformat()} 15:00"
    assert page.locator("#request-status").inner_text() == "Status: ✔ Convened"
    outcome = page.locator("#convened-meeting").inner_text()
    assert "Extraordinary" in outcome and meeting.title in outcome and "NATO Headquarters" in outcome
    screenshot(page, "session-request-convened")
    assert_accessible(page, "request detail (convened)")

    # And the meeting shows among the next meetings, marked extraordinary
    page.goto("/")
    upcoming = page.locator("section[aria-labelledby=upcoming-heading] li", has_text=meeting.title)
    assert upcoming.count() == 1
    assert "Extraordinary" in upcoming.inner_text()
    # ... and in the calendar (or the meeting list) once that page exists, on the month of the session
    calendar_url = _first_reachable("meetings:calendar", "meetings:meeting_list")
    if calendar_url:
        month, day = convened_day.strftime("%Y-%m"), convened_day.isoformat()
        shown = False
        for query in (f"view=list&date={day}", f"date={day}", f"month={month}", ""):
            page.goto(f"{calendar_url}?{query}" if query else calendar_url)
            entry = page.locator("main").get_by_text(meeting.title)
            if entry.count():
                shown = True
                break
        assert shown, f"the convened session is not shown on {calendar_url}"
        assert "xtraordinary" in page.locator("main").inner_text()
        screenshot(page, "session-request-in-calendar")
        assert_accessible(page, "calendar with the extraordinary session")
    _logout(page)

    # And the other delegation sees the outcome
    login(page, other_delegation.username)
    page.goto(reverse("meetings:request_detail", args=[req.pk]))
    assert page.locator("#request-status").inner_text() == "Status: ✔ Convened"
    assert page.get_by_role("button", name="Withdraw the request").count() == 0
