"""The main journey: an ad hoc TMD working group, a decision under silence that a delegation breaks, one
adopted by consensus, an implementation issue, and that issue on the Preparatory Committee's agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from committees.models import Body
from meetings.models import AgendaItem, ImplementationIssue, JointDecision
from tests.cooperation.factories_groups import held_meeting, scheduled_meeting

from .conftest import assert_accessible, login, screenshot


def logout(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_working_group_decisions_and_an_implementation_issue(page, secretariat, delegation):
    held = held_meeting("NRC-PC", days_ago=2, title="PC regular meeting")
    upcoming = scheduled_meeting("NRC-PC", days_ahead=9, title="PC next meeting")
    year = timezone.localdate().year

    # The secretariat sets up an ad hoc working group on TMD; first without an end date (refused)
    login(page, "secretariat")
    page.get_by_role("link", name="Bodies").click()
    assert_accessible(page, "body list")
    page.get_by_role("link", name="Set up a committee or working group").click()
    page.get_by_label("Code").fill("NRC(TMD-AH)")
    page.get_by_label("Name (English)").fill("Ad Hoc Working Group on TMD Exercises")
    page.get_by_label("Kind").select_option("working_group")
    page.get_by_label("Parent body").select_option(label=str(Body.objects.get(code="NRC-PC")))
    page.get_by_label("Basis").select_option("ad_hoc")
    page.get_by_label("Mandate").fill("Prepare the joint computer-assisted TMD exercise.")
    page.get_by_label("Set up on").fill(f"{year}-01-15")
    page.get_by_label("Theatre Missile Defence").check()
    page.get_by_role("button", name="Set up the group").click()
    assert "An ad hoc group needs an end date." in page.inner_text("main")
    assert not Body.objects.filter(code="NRC(TMD-AH)").exists()
    assert_accessible(page, "body form with an error")
    page.get_by_label("Ends on").fill(f"{year + 1}-12-31")
    page.get_by_role("button", name="Set up the group").click()
    assert page.get_by_role("heading", level=1).inner_text() == "NRC(TMD-AH) – Ad Hoc Working Group on TMD Exercises"
    screenshot(page, "groups-body-detail")
    assert_accessible(page, "body detail")
    body = Body.objects.get(code="NRC(TMD-AH)")
    assert (body.basis, body.parent.code, list(body.areas.values_list("code", flat=True))) == (
        "ad_hoc",
        "NRC-PC",
        ["TMD"],
    )

    # It records a decision by silence procedure
    page.get_by_role("link", name="Decisions").first.click()
    assert_accessible(page, "decision list")
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Meeting (held)").select_option(label=f"NRC-PC · {held.starts_at:%Y-%m-%d} · PC regular meeting")
    page.get_by_label("Reference").fill("NRC-D(TMD)001")
    page.get_by_label("Title").fill("Terms of reference of the TMD exercise")
    page.get_by_label("Text").fill("The Council approves the terms of reference.")
    page.get_by_label("Theatre Missile Defence").check()
    page.get_by_label("Silence procedure").check()
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    page.get_by_label("Silence deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    assert_accessible(page, "decision form")
    page.get_by_role("button", name="Record the decision").click()
    assert "Under silence procedure" in page.inner_text("#decision-status")
    silence = JointDecision.objects.get(reference="NRC-D(TMD)001")
    assert silence.status == "circulated"
    logout(page)

    # A delegation breaks silence, from its home page
    login(page, "delegation-us")
    assert_accessible(page, "delegation home with an open silence procedure")
    page.get_by_role("link", name="NRC-D(TMD)001").click()
    page.get_by_label("Statement").fill("The United States needs more time to consult.")
    page.get_by_role("button", name="Break silence").click()
    assert "Silence broken" in page.inner_text("#decision-status")
    assert_accessible(page, "decision after a break of silence")
    silence.refresh_from_db()
    assert silence.status == "silence_broken"
    logout(page)

    # The secretariat records a decision adopted by consensus
    login(page, "secretariat")
    page.goto("/meetings/decisions/new/")
    page.get_by_label("Meeting (held)").select_option(label=f"NRC-PC · {held.starts_at:%Y-%m-%d} · PC regular meeting")
    page.get_by_label("Reference").fill("NRC-D(TMD)002")
    page.get_by_label("Title").fill("Revised terms of reference")
    page.get_by_label("Text").fill("The Council approves the revised terms of reference.")
    page.get_by_label("Theatre Missile Defence").check()
    page.get_by_label("Consensus").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Adopted" in page.inner_text("#decision-status")
    consensus_url = page.url
    logout(page)

    # A delegation raises an implementation issue
    login(page, "delegation-us")
    page.goto(consensus_url)
    page.get_by_label("Issue title").fill("Exercise dates not yet notified")
    page.get_by_label("Description").fill("The dates of the exercise have not been notified to capitals.")
    page.get_by_role("button", name="Raise the issue").click()
    assert "The implementation issue was raised." in page.inner_text("main")
    assert_accessible(page, "decision with an issue")
    issue = ImplementationIssue.objects.get()
    assert (issue.member.iso2, issue.decision.reference, issue.status) == ("US", "NRC-D(TMD)002", "open")
    logout(page)

    # The secretariat puts it on the Preparatory Committee's agenda
    login(page, "secretariat")
    page.get_by_role("link", name="Exercise dates not yet notified").click()
    assert_accessible(page, "issue detail")
    page.get_by_label("Meeting").select_option(label=f"NRC-PC · {upcoming.starts_at:%Y-%m-%d} · PC next meeting")
    page.get_by_role("button", name="Put on the agenda").click()
    assert "The issue is item 1 on the agenda of NRC-PC PC next meeting." in page.inner_text("main")
    assert page.inner_text("#issue-status") == "Under discussion"
    screenshot(page, "groups-issue-on-agenda")
    assert_accessible(page, "issue on the agenda")
    item = AgendaItem.objects.get()
    assert (item.meeting, item.implementation_issue, item.area.code) == (upcoming, issue, "TMD")

    # The area page shows the group, both decisions and the meeting that will cover it
    page.goto("/areas/TMD/")
    main = page.inner_text("main")
    assert "NRC(TMD-AH)" in main and "NRC-D(TMD)001" in main and "NRC-D(TMD)002" in main
    assert "PC next meeting" in main
    assert_accessible(page, "area page")
    page.goto("/areas/")
    assert_accessible(page, "area list")
