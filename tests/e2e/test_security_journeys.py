"""Browser journeys: an auditor follows a change through the audit trail; a delegation manages its API tokens."""

from __future__ import annotations

import pytest

from nrc.audit import audit_record
from tests.factories import UserFactory

from .conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_auditor_filters_the_trail_and_reads_a_diff(page, reference, auditor):
    secretariat = UserFactory(username="secretariat-officer")
    audit_record(
        actor=secretariat,
        action="meeting.reschedule",
        object_type="meetings.meeting",
        object_id="42",
        object_repr="NRC-AMB monthly meeting",
        before={"starts_at": "2026-12-03T09:00:00+00:00", "venue_id": 1},
        after={"starts_at": "2026-12-04T09:00:00+00:00", "venue_id": 1},
    )
    login(page, "auditor")
    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Audit trail"
    assert_accessible(page, "audit trail")
    page.get_by_label("Actor (user name)").fill("secretariat-officer")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "NRC-AMB monthly meeting" in rows.first.inner_text()
    screenshot(page, "audit-trail-filtered")
    rows.first.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    changed = page.locator("table.audit-diff tbody tr", has_text="starts_at")
    assert "2026-12-03T09:00:00+00:00" in changed.inner_text()
    assert "2026-12-04T09:00:00+00:00" in changed.inner_text()
    assert "changed" in changed.inner_text()
    assert "unchanged" in page.locator("table.audit-diff tbody tr", has_text="venue_id").inner_text()
    assert_accessible(page, "audit entry")
    screenshot(page, "audit-entry-diff")


def test_delegation_creates_sees_once_and_revokes_a_token(page, reference, delegation):
    login(page, "delegation-us")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "API tokens")
    page.get_by_label("Name").fill("calendar sync")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state("networkidle")
    key = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert len(key) == 43
    assert_accessible(page, "API token created")
    screenshot(page, "api-token-created")
    row = page.locator("table tbody tr", has_text="calendar sync")
    assert "active" in row.inner_text()
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state("networkidle")
    assert "revoked" in page.locator("table tbody tr", has_text="calendar sync").inner_text()
    assert page.get_by_role("textbox", name="Token", exact=True).count() == 0  # the key is never shown again
    assert_accessible(page, "API token revoked")
