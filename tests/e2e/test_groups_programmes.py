"""Browser journeys: an area added by mutual agreement with its first work programme, and a group dissolved."""

from __future__ import annotations

import re

import pytest

from committees.models import Body
from cooperation.models import CooperationArea, WorkProgrammeItem
from tests.cooperation.factories_groups import DecisionFactory

from .conftest import assert_accessible, login, screenshot


@pytest.mark.django_db(transaction=True)
def test_area_by_mutual_agreement_with_a_work_programme(page, secretariat):
    DecisionFactory(reference="NRC-D(2004)AFG", title="Co-operation on Afghanistan")
    login(page, "secretariat")
    page.get_by_role("link", name="Co-operation areas").click()
    assert_accessible(page, "area list")
    page.get_by_role("link", name="Add an area by mutual agreement").click()
    page.get_by_label("Code").fill("AFG")
    page.get_by_label("Name (English)").fill("Afghanistan")
    page.get_by_label("Decision agreeing the area").select_option(label="NRC-D(2004)AFG")
    assert_accessible(page, "area form")
    page.get_by_role("button", name="Add the area").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Afghanistan")
    assert "Added by mutual agreement: NRC-D(2004)AFG." in page.inner_text("main")
    assert CooperationArea.objects.get(code="AFG").added_by.get().reference == "NRC-D(2004)AFG"

    page.get_by_text("Create a work programme").click()
    page.get_by_label("Year").fill("2005")
    page.get_by_role("button", name="Create the work programme").click()
    page.get_by_text("Add an item to the 2005 programme").click()
    page.get_by_label("Title").fill("Counter-narcotics training of Afghan officers")
    page.get_by_label("Lead body").select_option(label="NRC-CNT")
    page.get_by_label("Status").first.select_option("in_progress")
    page.get_by_label("Progress (%)").first.fill("40")
    page.get_by_role("button", name="Add the item").click()
    assert "The item was added." in page.inner_text("main")
    # the secretariat records progress on the item
    page.get_by_label("Progress (%): Counter-narcotics training of Afghan officers").fill("65")
    page.get_by_role("button", name=re.compile(r"^Update\s*: Counter-narcotics training of Afghan officers$")).click()
    assert "The item was updated." in page.inner_text("main")
    assert "65 %" in page.inner_text("table.rollup-chart")
    screenshot(page, "groups-area-programme")
    assert_accessible(page, "area page with a programme")
    item = WorkProgrammeItem.objects.get()
    assert (item.status, item.progress, item.lead_body.code) == ("in_progress", 65, "NRC-CNT")


@pytest.mark.django_db(transaction=True)
def test_secretariat_dissolves_a_group(page, secretariat):
    login(page, "secretariat")
    tmd = Body.objects.get(code="NRC(TMD)")
    page.goto(f"/bodies/{tmd.pk}/")
    page.get_by_label("Dissolved on").fill("2001-01-01")
    page.get_by_label("Reason").fill("Too early")
    page.get_by_role("button", name="Dissolve").click()
    assert "The body did not exist yet on that date." in page.inner_text("main")
    assert_accessible(page, "dissolve form with an error")
    page.get_by_label("Dissolved on").fill("2010-06-30")
    page.get_by_label("Reason").fill("Work taken over by the Missile Defence Working Group.")
    page.get_by_role("button", name="Dissolve").click()
    assert "NRC(TMD) was dissolved." in page.inner_text("main")
    assert_accessible(page, "dissolved body")
    tmd.refresh_from_db()
    assert str(tmd.existed_to) == "2010-06-30"
