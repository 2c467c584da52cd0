"""Browser journeys of the compliance workflows: flags, waivers, issued reports, the per-body chart."""

import datetime as dt

import pytest

from committees.models import Body
from compliance.models import Flag, IssuedReport, Waiver
from compliance.periods import midnight
from compliance.services import cadence_flags_refresh
from tests.compliance.factories_compliance import held_every_month, monthly_body

from .conftest import assert_accessible, login, screenshot


@pytest.fixture
def missed_august(reference):
    body = monthly_body(code="NRC(TEST)", name_en="Test working group", rank=1)
    held_every_month(body, dt.date(2004, 1, 1), dt.date(2005, 12, 1), skip={(2004, 8)})
    return body


@pytest.mark.django_db(transaction=True)
def test_secretariat_acknowledges_a_flag(page, secretariat, missed_august):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    flag = Flag.objects.get(body=missed_august, period_start=dt.date(2004, 8, 1))
    login(page, secretariat.username)
    # The home page shows the open flags
    assert page.get_by_role("heading", name="Open cadence flags").is_visible()
    assert_accessible(page, "home page with open flags")
    page.get_by_role("link", name="Flags", exact=True).click()
    assert_accessible(page, "flag list")
    page.goto(f"/compliance/flags/{flag.pk}/")
    page.get_by_label("Note").fill("Minutes of 12 August found in the archive; recording them.")
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#flag-state").inner_text() == "Acknowledged"
    assert "Flag acknowledged." in page.inner_text("main")
    screenshot(page, "compliance-flag-acknowledged")
    assert_accessible(page, "flag detail")
    flag.refresh_from_db()
    assert flag.state == "acknowledged"
    # The drill-down behind the flag
    page.get_by_role("link", name="The meetings behind this flag").click()
    assert page.locator("#cell-verdict").get_attribute("data-verdict") == "breach"
    assert_accessible(page, "drill-down from a flag")


@pytest.mark.django_db(transaction=True)
def test_secretariat_proposes_a_waiver_and_the_chair_approves_it(
    browser, live_server, page, secretariat, chair, missed_august
):
    login(page, secretariat.username)
    page.goto("/compliance/waivers/")
    assert_accessible(page, "waiver list")
    page.get_by_role("link", name="Propose a waiver").click()
    assert_accessible(page, "waiver form")
    page.get_by_label("Title").fill("Summer recess 2004")
    page.get_by_label("Bodies covered").select_option(label=str(missed_august))
    page.get_by_label("From").fill("2004-08-01")
    page.get_by_label("Until").fill("2004-08-31")
    page.get_by_label("Justification").fill("The working group agreed not to meet in August.")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#waiver-status").inner_text() == "Proposed"
    assert_accessible(page, "waiver detail for the secretariat")
    waiver = Waiver.objects.get(title="Summer recess 2004")
    # The chair's office approves it
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Brussels")
    chair_page = context.new_page()
    login(chair_page, chair.username)
    chair_page.goto(f"/compliance/waivers/{waiver.pk}/")
    assert_accessible(chair_page, "waiver detail for the chair")
    chair_page.get_by_role("combobox", name="Decision").select_option("approve")
    chair_page.get_by_role("button", name="Record").click()
    chair_page.wait_for_load_state("networkidle")
    assert chair_page.locator("#waiver-status").inner_text() == "Approved"
    assert_accessible(chair_page, "approved waiver")
    # And the report shows the month as waived
    chair_page.goto(f"/compliance/?from=2004-07-01&to=2004-09-30&body={missed_august.code}")
    cell = chair_page.locator(f'td[data-body="{missed_august.code}"][data-period="2004-08"]')
    assert cell.get_attribute("data-verdict") == "waived"
    assert_accessible(chair_page, "report with a waived month")
    screenshot(chair_page, "compliance-waived-month")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_auditor_issues_a_report_and_verifies_it(page, auditor, missed_august):
    login(page, auditor.username)
    page.goto(
        f"/compliance/?from=2004-01-01&to=2004-12-31&as_of=2005-06-30&body={missed_august.code}&granularity=quarter"
    )
    assert (
        page.locator(f'td[data-body="{missed_august.code}"][data-period="2004-Q3"]').get_attribute("data-verdict")
        == "breach"
    )
    page.get_by_role("button", name="Issue report").click()
    page.wait_for_load_state("networkidle")
    report = IssuedReport.objects.get()
    assert page.locator("#report-sha").inner_text() == report.sha256
    assert_accessible(page, "issued report")
    page.get_by_role("button", name="Verify: recompute and compare").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#verification").inner_text().startswith("Verified")
    assert_accessible(page, "verified report")
    screenshot(page, "compliance-issued-report-verified")
    page.goto("/compliance/issued/")
    assert_accessible(page, "issued report list")
    assert page.get_by_role("link", name=str(report.pk), exact=True).is_visible()


@pytest.mark.django_db(transaction=True)
def test_chart_of_a_body(page, auditor, missed_august):
    login(page, auditor.username)
    page.goto("/compliance/?from=2004-01-01&to=2004-12-31&as_of=2005-06-30")
    assert_accessible(page, "report")
    page.get_by_role("link", name=missed_august.code, exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role(
        "img", name=f"Meetings held by {missed_august.code} per period against the required minimum"
    ).is_visible()
    assert page.locator("svg rect").count() == 12
    screenshot(page, "compliance-chart")
    assert_accessible(page, "chart")
    assert Body.objects.filter(code=missed_august.code).exists()


@pytest.mark.django_db(transaction=True)
def test_long_export_runs_in_the_background_with_a_progress_page(page, auditor, missed_august):
    login(page, auditor.username)
    page.goto(f"/compliance/?from=2004-01-01&to=2005-12-31&as_of=2006-01-31&body={missed_august.code}")
    assert_accessible(page, "report before the export")
    page.get_by_label("Format").select_option("csv")
    page.get_by_role("button", name="Export in the background").click()
    page.wait_for_load_state("networkidle")
    download_link = page.locator("#job-download")
    download_link.wait_for(state="visible")
    assert_accessible(page, "export progress page")
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename == "cadence-20040101-20051231-month.csv"
