"""A delegate on a phone (390×844, touch): home, the calendar's list, a meeting, the extraordinary sessions and a new
request. No page scrolls sideways (wide tables scroll inside their container), the navigation folds into a toggle
that opens by touch and by keyboard, axe finds nothing, and each page is kept as ``phone-*.png``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus, ProposedSlot, SessionRequest, SessionRequestStatus, Urgency
from nrc.demo import demo_seed

from .conftest import assert_accessible, login, screenshot

PHONE = {"width": 390, "height": 844}
BRUSSELS = ZoneInfo("Europe/Brussels")

# Widths of the page and of each scrolling table container (scrolled content, visible box).
WIDTHS = """() => ({
  page: document.scrollingElement.scrollWidth,
  viewport: window.innerWidth,
  tables: Array.from(document.querySelectorAll("main table")).map((t) => {
    const box = t.closest(".table-responsive");
    return box ? [box.scrollWidth, box.clientWidth] : null;
  }),
})"""


@pytest.fixture
def phone(browser, live_server, settings):
    settings.AXES_ENABLED = False
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/Brussels",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_fits(page, name: str) -> dict:
    """No sideways scroll of the page; every table is in a container that scrolls it; axe passes; a screenshot."""
    widths = page.evaluate(WIDTHS)
    assert widths["viewport"] == PHONE["width"]
    assert widths["page"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths['page']}px"
    assert None not in widths["tables"], f"{page.url}: a table outside .table-responsive"
    assert all(client <= PHONE["width"] for _scrolled, client in widths["tables"]), widths
    assert_accessible(page, f"{page.url} on a phone")
    screenshot(page, f"phone-{name}")
    return widths


def nav_link(page, name: str):
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name, exact=True)


def open_navigation_by_touch(page) -> None:
    toggler = page.get_by_role("button", name="Toggle navigation")
    assert toggler.get_attribute("aria-expanded") == "false"
    toggler.tap()
    page.locator("#main-nav.show:not(.collapsing)").wait_for()
    assert toggler.get_attribute("aria-expanded") == "true"


@pytest.mark.django_db(transaction=True)
def test_a_delegate_on_a_phone(phone, delegation):
    page = phone
    demo_seed(today=timezone.localdate())
    day = timezone.localdate() + dt.timedelta(days=9)

    # Given the delegation of the United States, logged in on a phone
    login(page, delegation.username)
    assert page.url.endswith("/")

    # Then its home page fits the screen, the navigation folded behind a toggle
    toggler = page.get_by_role("button", name="Toggle navigation")
    assert toggler.is_visible()
    assert not nav_link(page, "Calendar").is_visible()
    assert_fits(page, "home")

    # When it reaches the toggle from the keyboard (after the skip link and the brand), Enter opens it and the next
    # Tab goes into the navigation; back on the toggle, Space folds it again
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Toggle navigation"
    page.keyboard.press("Enter")
    page.locator("#main-nav.show:not(.collapsing)").wait_for()
    assert toggler.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Home"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    page.locator("#main-nav:not(.show):not(.collapsing)").wait_for(state="attached")
    assert toggler.get_attribute("aria-expanded") == "false"

    # When it taps the toggle, the navigation opens; a second tap folds it again
    open_navigation_by_touch(page)
    assert nav_link(page, "Calendar").is_visible()
    screenshot(page, "phone-navigation-open")
    assert_accessible(page, "navigation open on a phone")
    toggler.tap()
    page.locator("#main-nav:not(.show):not(.collapsing)").wait_for(state="attached")
    assert toggler.get_attribute("aria-expanded") == "false"
    assert not nav_link(page, "Calendar").is_visible()
    open_navigation_by_touch(page)

    # When it goes to the calendar and switches to the list
    with page.expect_navigation():
        nav_link(page, "Calendar").tap()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Calendar")
    assert_fits(page, "calendar-month")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Calendar views").get_by_role("link", name="List").tap()
    assert "view=list" in page.url
    # Then the list fits: its table scrolls inside its own container, not the page
    widths = assert_fits(page, "calendar-list")
    assert len(widths["tables"]) == 1

    # When it opens a meeting from the list
    first = page.locator("main table tbody a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.tap()
    assert title in page.get_by_role("heading", level=1).inner_text()
    assert_fits(page, "meeting")
    # … and a past one, with its attendance and papers in tables
    held = Meeting.objects.filter(body__code="NRC-AMB", status=MeetingStatus.HELD, attendance__isnull=False).latest(
        "starts_at"
    )
    page.goto(f"/meetings/{held.pk}/")
    assert len(assert_fits(page, "meeting-held")["tables"]) >= 1

    # When it opens the extraordinary sessions through the navigation
    open_navigation_by_touch(page)
    with page.expect_navigation():
        nav_link(page, "Extraordinary sessions").tap()
    assert page.get_by_role("heading", level=1).inner_text() == "Extraordinary sessions"
    # Then the wide table of requests scrolls inside its container
    widths = assert_fits(page, "requests")
    assert widths["tables"][0][0] > widths["tables"][0][1]
    # … and that container is reachable by keyboard, a region named by the table's caption
    caption = page.locator("#request-table caption").inner_text()
    region = page.get_by_role("region", name=caption)
    assert region.get_attribute("tabindex") == "0"
    assert region.locator("#request-table").count() == 1

    # When it requests an extraordinary session
    before = set(SessionRequest.objects.values_list("pk", flat=True))
    with page.expect_navigation():
        page.get_by_role("link", name="Request an extraordinary session").tap()
    assert_fits(page, "request-form")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Grounds").fill("A delegate on the road asks the Council to meet.")
    page.locator("#id_slots-0-starts_at").fill(f"{day.isoformat()}T10:00")
    page.locator("#id_slots-0-ends_at").fill(f"{day.isoformat()}T12:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the request").tap()

    # Then it sees it, submitted, on a page that fits too
    req = SessionRequest.objects.exclude(pk__in=before).get()
    assert page.url.endswith(f"/meetings/requests/{req.pk}/")
    assert page.locator("#request-status").inner_text() == "Status: ⏳ Submitted"
    assert_fits(page, "request-submitted")
    assert (req.body.code, req.requested_by, req.on_behalf_of.iso2, req.urgency, req.status, req.grounds) == (
        "NRC-AMB",
        delegation,
        "US",
        Urgency.URGENT,
        SessionRequestStatus.SUBMITTED,
        "A delegate on the road asks the Council to meet.",
    )
    start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=BRUSSELS)
    assert list(ProposedSlot.objects.filter(request=req).values_list("starts_at", "ends_at")) == [
        (start.astimezone(dt.UTC), (start + dt.timedelta(hours=2)).astimezone(dt.UTC))
    ]


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_on_a_phone(phone, reference):
    from committees.models import Member, Role
    from tests.factories import UserFactory

    from .test_accessibility import page_urls

    # Given the demo data and a delegate on a phone
    demo_seed(today=dt.date(2026, 11, 27))
    user = UserFactory(role=Role.DELEGATION, username="phone-delegation", member=Member.objects.get(iso2="FR"))
    login(phone, user.username)
    # When it opens every page it may open, Then none is wider than the screen
    wide, visited = {}, 0
    for _name, url in page_urls(user):
        if phone.goto(url).status in (403, 404):
            continue  # a page a delegation may not open
        visited += 1
        widths = phone.evaluate(WIDTHS)
        if widths["page"] > PHONE["width"] or None in widths["tables"]:
            wide[url] = widths
    assert wide == {}
    assert visited >= 20
