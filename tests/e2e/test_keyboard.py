"""Keyboard only, in Chromium: the secretariat schedules a meeting and a delegation requests an extraordinary session
with Tab, Shift+Tab, Enter and typing alone (no mouse, no element clicks or fills). After each step the test asserts
where the focus is and that it is visible (the amber ring with its dark edge, from the computed style), then the rows
written to the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from committees.models import Body
from meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    ProposedSlot,
    SessionRequest,
    SessionRequestStatus,
    SessionRequestTransition,
    Urgency,
    Venue,
)

from .conftest import PASSWORD, assert_accessible, screenshot

BRUSSELS = ZoneInfo("Europe/Brussels")

# The focused element, from the page: what it is, and how its focus is drawn.
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    text: (e.innerText || "").trim().replace(/\\s+/g, " "),
    value: e.value === undefined ? null : e.value,
    // A date input's parts and picker button are inside the input: the input is the active element then.
    focusVisible: e.matches(":focus-visible") || (!e.matches(":focus") && e.matches(":focus-within")),
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    ring: s.boxShadow,
    onScreen: (() => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; })(),
  };
}"""
VISIBLE_FOCUS = {
    "focusVisible": True,
    "outline": "solid 3px rgb(255, 191, 71)",
    "ring": "rgb(11, 12, 12) 0px 0px 0px 2px",
}


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """The focused element shows the focus ring, and is on screen (not a visually hidden control)."""
    now = focused(page)
    assert {k: now[k] for k in VISIBLE_FOCUS} == VISIBLE_FOCUS, f"focus not visible on {now}"
    assert now["onScreen"], f"the focused element is not drawn: {now}"
    return now


def press(page, key: str) -> dict:
    page.keyboard.press(key)
    return assert_focus_visible(page)


def tab_to(page, text: str, *, key: str = "Tab", limit: int = 40) -> int:
    """Press Tab (or Shift+Tab) until the element whose text is ``text`` has the focus; every element passed on
    the way shows a visible focus. Returns the number of presses."""
    for presses in range(1, limit + 1):
        if press(page, key)["text"] == text:
            return presses
    raise AssertionError(f"{text!r} not reached in {limit} presses of {key}")


def tab_out_of(page, element_id: str, *, limit: int = 10) -> dict:
    """Press Tab until the focus leaves ``element_id`` (a date input has one stop per part, and its picker button)."""
    for _ in range(limit):
        now = press(page, "Tab")
        if now["id"] != element_id:
            return now
    raise AssertionError(f"the focus is trapped in #{element_id}")


def follow(page, key: str) -> None:
    """Press ``key`` on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main(page) -> None:
    """From a freshly loaded page: the first Tab reaches the skip link, shown; Enter moves the focus to <main>."""
    assert focused(page)["tag"] == "body"
    assert press(page, "Tab")["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def type_datetime(page, value: dt.datetime) -> None:
    """Type a date and time into the focused datetime-local input, part by part, in the order this browser's
    locale shows the parts (read from the accessibility tree: Month/Day/Year, Hours, Minutes, AM/PM)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    parts = []
    for node in nodes:
        if node.get("role", {}).get("value") == "spinbutton":
            name = node.get("name", {}).get("value", "").split(" ")[0]  # "Month Month": its label, then its placeholder
            if name in parts:
                break  # the next date input begins: its parts come in the same order
            parts.append(name)
    twelve_hour = "AM/PM" in parts
    digits = {
        "Day": f"{value:%d}",
        "Month": f"{value:%m}",
        "Year": f"{value:%Y}",
        "Hours": f"{value:%I}" if twelve_hour else f"{value:%H}",
        "Minutes": f"{value:%M}",
        "AM/PM": "P" if value.hour >= 12 else "A",
    }
    assert set(parts) <= set(digits), parts
    for part in parts:
        page.keyboard.type(digits[part])
        if part == "Year" and part != parts[-1]:
            page.keyboard.press("Tab")  # a year may have more than four digits: it does not move on by itself
    assert focused(page)["value"] == f"{value:%Y-%m-%dT%H:%M}"


def keyboard_login(page, username: str) -> None:
    page.emulate_media(reduced_motion="reduce")  # no 0.15 s fade-in of the ring, so its style is read settled
    page.goto("/accounts/login/")
    assert assert_focus_visible(page)["id"] == "id_username"  # the login form puts the focus there itself
    page.keyboard.type(username)
    assert press(page, "Tab")["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    assert press(page, "Shift+Tab")["id"] == "id_username"  # back and forth: the order holds both ways
    assert press(page, "Tab")["id"] == "id_password"
    follow(page, "Enter")
    assert page.url.endswith("/")


@pytest.mark.django_db(transaction=True)
def test_secretariat_schedules_a_meeting_with_the_keyboard_only(page, secretariat):
    amb = Body.objects.get(code="NRC-AMB")
    venue = Venue.objects.get(name="NATO Headquarters")
    starts = dt.datetime(2027, 1, 13, 10, 0)
    ends = dt.datetime(2027, 1, 13, 12, 30)

    # Given the secretariat, logged in with the keyboard
    keyboard_login(page, secretariat.username)

    # When it tabs through the navigation to the calendar and follows it with Enter
    assert tab_to(page, "Calendar") == 4  # the skip link, the brand, Home, Calendar
    follow(page, "Enter")
    assert page.url.endswith("/meetings/calendar/")

    # … skips to the content, where the first control is "Schedule a meeting", and follows it
    skip_to_main(page)
    assert press(page, "Tab")["text"] == "Schedule a meeting"
    follow(page, "Enter")
    assert page.url.endswith("/meetings/new/")
    assert_accessible(page, "new meeting form")

    # … fills the form in its visual order: body (typing selects), kind, title, start, end, venue
    skip_to_main(page)
    assert press(page, "Tab")["id"] == "id_body"
    page.keyboard.type("NRC-AMB")
    assert focused(page)["value"] == str(amb.pk)
    assert press(page, "Tab")["id"] == "id_kind"
    assert focused(page)["value"] == MeetingKind.REGULAR
    assert press(page, "Tab")["id"] == "id_title"
    page.keyboard.type("Ambassadors on the January agenda")
    assert press(page, "Tab")["id"] == "id_starts_at"
    type_datetime(page, starts)
    assert tab_out_of(page, "id_starts_at")["id"] == "id_ends_at"
    type_datetime(page, ends)
    assert tab_out_of(page, "id_ends_at")["id"] == "id_venue"
    page.keyboard.type("NATO")
    assert focused(page)["value"] == str(venue.pk)
    assert press(page, "Tab")["id"] == "id_chair"
    assert press(page, "Tab")["id"] == "id_notes"
    page.keyboard.type("Prepared with the keyboard.")
    assert press(page, "Tab")["text"] == "Schedule"
    screenshot(page, "keyboard-new-meeting-form")
    assert Meeting.objects.count() == 0

    # … and submits with Enter on the button
    follow(page, "Enter")

    # Then it lands on the meeting's page, told so, where Tab continues from the content
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/meetings/{meeting.pk}/#main")  # the skip link's target carries over the redirect
    assert page.get_by_role("status").first.inner_text() == "The meeting was scheduled."
    assert page.get_by_role("heading", level=1).inner_text().startswith("NRC-AMB: Ambassadors on the January agenda")
    assert focused(page)["id"] == "main"
    assert press(page, "Tab")["text"] == "Calendar"  # the breadcrumb, first in <main>
    screenshot(page, "keyboard-meeting-scheduled")
    # And exactly this meeting was written
    assert Meeting.objects.values_list(
        "body__code", "kind", "status", "title", "starts_at", "ends_at", "venue__name", "chair", "notes", "series"
    ).get() == (
        "NRC-AMB",
        MeetingKind.REGULAR,
        MeetingStatus.SCHEDULED,
        "Ambassadors on the January agenda",
        starts.replace(tzinfo=BRUSSELS).astimezone(dt.UTC),
        ends.replace(tzinfo=BRUSSELS).astimezone(dt.UTC),
        "NATO Headquarters",
        "Secretary General of NATO",  # the chair field left empty: the body's chair
        "Prepared with the keyboard.",
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_delegation_requests_an_extraordinary_session_with_the_keyboard_only(page, delegation):
    day = timezone.localdate() + dt.timedelta(days=10)
    first = (dt.datetime.combine(day, dt.time(10, 0)), dt.datetime.combine(day, dt.time(13, 0)))
    later = day + dt.timedelta(days=1)
    second = (dt.datetime.combine(later, dt.time(14, 30)), dt.datetime.combine(later, dt.time(18, 0)))

    # Given the delegation of the United States, logged in with the keyboard
    keyboard_login(page, delegation.username)

    # When it tabs to "Extraordinary sessions" in the navigation and follows it
    assert tab_to(page, "Extraordinary sessions") == 6  # the skip link, the brand, Home, Calendar, Meetings, …
    follow(page, "Enter")
    assert page.url.endswith("/meetings/requests/")

    # … where the first control of the content is the request button
    skip_to_main(page)
    assert press(page, "Tab")["text"] == "Request an extraordinary session"
    follow(page, "Enter")
    assert page.url.endswith("/meetings/requests/new/")

    # … fills body, urgency, grounds, passes the papers, and proposes two windows
    skip_to_main(page)
    assert press(page, "Tab")["id"] == "id_body"
    assert focused(page)["text"].startswith("NRC-AMB")
    page.keyboard.type("NRC-AMB")
    assert focused(page)["value"] == str(Body.objects.get(code="NRC-AMB").pk)
    assert press(page, "Tab")["id"] == "id_urgency"
    page.keyboard.press("ArrowDown")  # a closed select steps through its options with the arrow keys
    assert focused(page)["value"] == Urgency.URGENT
    assert press(page, "Tab")["id"] == "id_grounds"
    page.keyboard.type("Consultations on an incident at sea.")
    page.keyboard.press("Enter")  # Enter in the text area starts a new line: it neither submits nor leaves
    page.keyboard.type("Both delegations agree it cannot wait.")
    assert press(page, "Tab")["id"] == "id_papers"
    assert press(page, "Tab")["id"] == "id_slots-0-starts_at"
    type_datetime(page, first[0])
    assert tab_out_of(page, "id_slots-0-starts_at")["id"] == "id_slots-0-ends_at"
    type_datetime(page, first[1])
    assert tab_out_of(page, "id_slots-0-ends_at")["id"] == "id_slots-1-starts_at"
    type_datetime(page, second[0])
    assert tab_out_of(page, "id_slots-1-starts_at")["id"] == "id_slots-1-ends_at"
    type_datetime(page, second[1])
    assert tab_out_of(page, "id_slots-1-ends_at")["id"] == "id_slots-2-starts_at"  # a third proposal, optional
    assert tab_to(page, "Submit the request") == 14  # past both its inputs: six parts and a picker button each
    screenshot(page, "keyboard-request-form")
    assert SessionRequest.objects.count() == 0

    # … and submits with Space on the button
    follow(page, "Space")

    # Then it sees its request, submitted, where Tab continues from the content
    req = SessionRequest.objects.get()
    assert page.url.endswith(f"/meetings/requests/{req.pk}/#main")
    assert "was submitted" in page.get_by_role("status").first.inner_text()
    assert page.locator("#request-status").inner_text() == "Status: ⏳ Submitted"
    assert focused(page)["id"] == "main"
    assert press(page, "Tab")["text"] == "Extraordinary sessions"  # the breadcrumb, first in <main>
    # … and its controls are reachable from the keyboard too
    tab_to(page, "Withdraw the request")
    screenshot(page, "keyboard-request-submitted")
    assert_accessible(page, "request submitted with the keyboard")
    # And exactly these rows were written
    assert SessionRequest.objects.values_list(
        "body__code", "requested_by__username", "on_behalf_of__iso2", "urgency", "status", "grounds", "meeting"
    ).get() == (
        "NRC-AMB",
        delegation.username,
        "US",
        Urgency.URGENT,
        SessionRequestStatus.SUBMITTED,
        "Consultations on an incident at sea.\r\nBoth delegations agree it cannot wait.",
        None,
    )
    assert list(ProposedSlot.objects.filter(request=req).values_list("starts_at", "ends_at")) == [
        tuple(t.replace(tzinfo=BRUSSELS).astimezone(dt.UTC) for t in first),
        tuple(t.replace(tzinfo=BRUSSELS).astimezone(dt.UTC) for t in second),
    ]
    assert list(SessionRequestTransition.objects.filter(request=req).values_list("from_status", "to_status")) == [
        ("", SessionRequestStatus.SUBMITTED)
    ]
