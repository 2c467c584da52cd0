"""The auditor's journey: the 2003-2005 report, a breach for a missing month, the drill-down, the CSV."""

import csv
import datetime as dt
import io

import pytest

from nrc.demo import demo_seed

from .conftest import assert_accessible, login, screenshot


@pytest.mark.django_db(transaction=True)
def test_auditor_finds_a_breach_drills_down_and_downloads_the_same_verdicts(page, auditor):
    # Given the demo data set: the Military Representatives did not meet in August 2004
    demo_seed(today=dt.date(2026, 11, 27))
    login(page, auditor.username)
    assert_accessible(page, "home page of the auditor, with the open flags")
    # When the auditor opens the compliance report for 2003-2005
    page.get_by_role("link", name="Compliance", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cadence compliance"
    page.get_by_label("From").fill("2003-01-01")
    page.get_by_label("To", exact=True).fill("2005-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    # Then the grid shows a breach, by symbol and text as well as colour
    cell = page.locator('td[data-body="NRC-MR"][data-period="2004-08"]')
    assert cell.get_attribute("data-verdict") == "breach"
    assert cell.inner_text().strip().startswith("✗")
    assert cell.locator(".visually-hidden").inner_text() == "NRC-MR 2004-08: breach, 0 meetings held"
    grid = {
        (td["body"], td["period"]): td["verdict"]
        for td in page.eval_on_selector_all(
            "td.hm-cell",
            "cells => cells.map(c => ({body: c.dataset.body, period: c.dataset.period, verdict: c.dataset.verdict}))",
        )
    }
    assert len(grid) == 17 * 36
    assert grid[("NRC-PC", "2003-11")] == "breach"
    assert grid[("NRC-AMB", "2005-07")] == "breach"
    assert grid[("NRC-AMB", "2004-07")] == "compliant"
    screenshot(page, "compliance-report-2003-2005")
    assert_accessible(page, "compliance report 2003-2005")

    # When they drill down into the cell
    cell.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    # Then they see the verdict and that no meeting took place
    assert page.get_by_role("heading", level=1).inner_text() == "NRC-MR · 2004-08"
    assert page.locator("#cell-verdict").get_attribute("data-verdict") == "breach"
    assert page.locator("#cell-no-meetings").is_visible()
    screenshot(page, "compliance-cell-nrc-mr-2004-08")
    assert_accessible(page, "drill-down NRC-MR 2004-08")

    # When they go back and download the CSV
    page.get_by_role("link", name="Back to the report").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('td[data-body="NRC-MR"][data-period="2004-08"]').get_attribute("data-verdict") == "breach"
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "cadence-20030101-20051231-month.csv"
    with open(download.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    # Then the CSV has exactly the verdicts of the grid
    assert {(r["body"], r["period"]): r["verdict"] for r in rows} == grid
    assert len(rows) == 17 * 36
