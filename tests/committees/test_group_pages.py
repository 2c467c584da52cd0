"""Body list and detail pages, the set-up form and the dissolution form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Body, CadenceRule
from committees.selectors import body_compliance_summary
from cooperation.models import CooperationArea
from tests.cooperation.factories_groups import held_meeting, scheduled_meeting
from tests.factories import BodyFactory, MeetingFactory, brussels

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("extra", [0, 15])
def test_body_list_query_count_is_constant(auditor_client, django_assert_num_queries, extra):
    pc = Body.objects.get(code="NRC-PC")
    for i in range(extra):
        BodyFactory(code=f"NRC(X{i})", parent=pc).areas.set(CooperationArea.objects.filter(code__in=["TER", "CM"]))
        scheduled_meeting(f"NRC(X{i})", days_ahead=3 + i)
    # session, user, the count, a page of bodies with their meeting counts and next meetings, their areas
    with django_assert_num_queries(5):
        response = auditor_client.get(reverse("committees:body_list"))
    assert len(response.context["bodies"]) == 17 + extra


def test_body_list_shows_fifty_bodies_a_page_in_order_of_precedence(auditor_client):
    pc = Body.objects.get(code="NRC-PC")
    for i in range(40):
        BodyFactory(code=f"NRC(X{i:02d})", parent=pc)
    in_order = list(Body.objects.order_by("rank", "code").values_list("code", flat=True))
    pages = [auditor_client.get(reverse("committees:body_list"), {"page": n}) for n in (1, 2)]
    assert [b.code for page in pages for b in page.context["bodies"]] == in_order
    assert [len(page.context["bodies"]) for page in pages] == [50, len(in_order) - 50]
    assert "Page 2 of 2" in pages[1].content.decode()


def test_body_list_shows_the_next_meeting_and_meeting_count(auditor_client):
    held_meeting("NRC(TMD)", days_ago=5)
    nxt = scheduled_meeting("NRC(TMD)", days_ahead=4)
    scheduled_meeting("NRC(TMD)", days_ahead=40)
    bodies = {b.code: b for b in auditor_client.get(reverse("committees:body_list")).context["bodies"]}
    assert (bodies["NRC(TMD)"].meeting_count, bodies["NRC(TMD)"].next_meeting_at) == (3, nxt.starts_at)
    assert (bodies["NRC-PC"].meeting_count, bodies["NRC-PC"].next_meeting_at) == (0, None)


def test_set_up_form_refuses_a_parent_that_did_not_exist_then(secretariat_client):
    response = secretariat_client.post(
        reverse("committees:body_create"),
        {
            "code": "NRC(NEW)",
            "name_en": "New group",
            "kind": "working_group",
            "parent": Body.objects.get(code="NRC-CNT").pk,  # from 2005-12-08
            "basis": "permanent",
            "existed_from": "2004-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["NRC-CNT did not exist on 2004-01-01."]}
    assert not Body.objects.filter(code="NRC(NEW)").exists()


def test_set_up_form_creates_and_redirects(secretariat_client):
    response = secretariat_client.post(
        reverse("committees:body_create"),
        {
            "code": "NRC(NEW)",
            "name_en": "New group",
            "kind": "expert_group",
            "parent": Body.objects.get(code="NRC-PC").pk,
            "basis": "permanent",
            "existed_from": "2024-01-01",
            "cadence_min": "2",
            "cadence_period": "year",
        },
    )
    body = Body.objects.get(code="NRC(NEW)")
    assert response.status_code == 302 and response["Location"] == reverse("committees:body_detail", args=[body.pk])
    assert list(CadenceRule.objects.filter(body=body).values_list("min_meetings", "period")) == [(2, "year")]


def test_only_the_secretariat_reaches_the_set_up_and_dissolve_forms(delegation_client, chair_client):
    tmd = Body.objects.get(code="NRC(TMD)")
    for client in (delegation_client, chair_client):
        assert client.get(reverse("committees:body_create")).status_code == 403
        response = client.post(
            reverse("committees:body_detail", args=[tmd.pk]), {"dissolved_on": "2010-01-01", "reason": "x"}
        )
        assert response.status_code == 403
    tmd.refresh_from_db()
    assert (tmd.existed_to, tmd.dissolution_reason) == (None, "")


def test_dissolve_form_error_and_success(secretariat_client):
    tmd = Body.objects.get(code="NRC(TMD)")
    url = reverse("committees:body_detail", args=[tmd.pk])
    response = secretariat_client.post(url, {"dissolved_on": "2001-01-01", "reason": "Too early"})
    assert response.status_code == 400
    assert response.context["dissolve_form"].errors == {"dissolved_on": ["The body did not exist yet on that date."]}
    response = secretariat_client.post(url, {"dissolved_on": "2010-06-30", "reason": "Work completed."})
    assert response.status_code == 302
    tmd.refresh_from_db()
    assert (tmd.existed_to, tmd.dissolution_reason) == (dt.date(2010, 6, 30), "Work completed.")


def test_detail_page_shows_meetings_members_and_compliance(delegation_client):
    pc = Body.objects.get(code="NRC-PC")
    nxt = scheduled_meeting("NRC-PC", days_ahead=2, title="Next PC")
    response = delegation_client.get(reverse("committees:body_detail", args=[pc.pk]))
    assert response.context["next_meeting"] == nxt
    assert len(response.context["members"]) == 33  # every member active today
    assert response.context["all_members"] is True
    assert len(response.context["compliance"]["periods"]) == 12
    assert "dissolve_form" not in response.context


def test_compliance_summary_counts_meetings_per_calendar_period_in_brussels():
    # Given a body that must meet twice a month and a few meetings around a month boundary
    body = BodyFactory(code="NRC(C)", existed_from=dt.date(2024, 1, 1))
    CadenceRule.objects.create(body=body, min_meetings=2, period="month", effective_from=dt.date(2024, 1, 1))
    # 23:30 UTC on 31 January is 00:30 on 1 February in Brussels: it counts for February
    MeetingFactory(body=body, status="held", starts_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC))
    MeetingFactory(body=body, status="held", starts_at=brussels(2026, 2, 10))
    MeetingFactory(body=body, status="held", starts_at=brussels(2026, 1, 12))
    MeetingFactory(body=body, status="cancelled", starts_at=brussels(2026, 1, 13))
    MeetingFactory(body=body, status="scheduled", starts_at=brussels(2026, 3, 20))
    summary = body_compliance_summary(body=body, today=dt.date(2026, 3, 15))
    rows = {p["label"]: (p["held"], p["scheduled"], p["required"], p["verdict"]) for p in summary["periods"]}
    assert len(rows) == 12 and next(iter(rows)) == "2025-04" and list(rows)[-1] == "2026-03"
    assert rows["2026-01"] == (1, 0, 2, "short")
    assert rows["2026-02"] == (2, 0, 2, "met")
    assert rows["2026-03"] == (0, 1, 2, "open")


def test_compliance_summary_by_quarter_and_with_no_rule():
    body = BodyFactory(code="NRC(Q)", existed_from=dt.date(2024, 1, 1))
    assert body_compliance_summary(body=body, today=dt.date(2026, 5, 1)) == {"rule": None, "periods": []}
    CadenceRule.objects.create(body=body, min_meetings=1, period="quarter", effective_from=dt.date(2024, 1, 1))
    MeetingFactory(body=body, status="held", starts_at=brussels(2025, 8, 1))
    summary = body_compliance_summary(body=body, today=dt.date(2026, 5, 1))
    assert [(p["label"], p["held"], p["verdict"]) for p in summary["periods"]] == [
        ("2025 Q2", 0, "short"),
        ("2025 Q3", 1, "met"),
        ("2025 Q4", 0, "short"),
        ("2026 Q1", 0, "short"),
        ("2026 Q2", 0, "open"),
    ]
    assert timezone.is_aware(timezone.now())


def test_secretariat_home_lists_ad_hoc_groups_whose_mandate_ends_soon(secretariat_client, delegation_client):
    pc = Body.objects.get(code="NRC-PC")
    today = timezone.localdate()
    BodyFactory(code="NRC(SOON)", parent=pc, basis="ad_hoc", mandate="m", existed_to=today + dt.timedelta(days=30))
    BodyFactory(code="NRC(LATER)", parent=pc, basis="ad_hoc", mandate="m", existed_to=today + dt.timedelta(days=200))
    html = secretariat_client.get("/").content.decode()
    assert "NRC(SOON)" in html and "NRC(LATER)" not in html
    assert "NRC(SOON)" not in delegation_client.get("/").content.decode()


@pytest.mark.parametrize("n", [1, 8])
def test_body_page_query_count_is_constant(auditor_client, django_assert_num_queries, n):
    pc = Body.objects.get(code="NRC-PC")
    for i in range(n):
        held_meeting("NRC-PC", days_ago=3 + i)
        scheduled_meeting("NRC-PC", days_ahead=3 + i)
    with django_assert_num_queries(13):
        response = auditor_client.get(reverse("committees:body_detail", args=[pc.pk]))
    assert len(response.context["upcoming_meetings"]) == n


def test_body_page_links_to_the_compliance_report_for_the_body_when_installed(auditor_client):
    from django.urls import NoReverseMatch

    pc = Body.objects.get(code="NRC-PC")
    response = auditor_client.get(reverse("committees:body_detail", args=[pc.pk]))
    try:
        expected = f"{reverse('compliance:report')}?body={pc.pk}"
    except NoReverseMatch:
        expected = None
    assert response.context["compliance_url"] == expected


def _adopted(n: int) -> list:
    from tests.cooperation.factories_groups import DecisionFactory, held_meeting

    meeting = held_meeting("NRC-PC", days_ago=400)
    now = timezone.now()
    return [
        DecisionFactory(meeting=meeting, reference=f"EST-{i:03d}", adopted_at=now - dt.timedelta(days=1 + i))
        for i in range(n)
    ]


def test_set_up_form_lists_the_latest_adopted_decisions(secretariat_client):
    from committees.views import DECISIONS_OFFERED

    decisions = _adopted(DECISIONS_OFFERED + 5)
    response = secretariat_client.get(reverse("committees:body_create"))
    listed = [value for value, _label in response.context["form"].fields["established_by"].choices][1:]
    assert listed == [d.pk for d in decisions[:DECISIONS_OFFERED]]


def test_set_up_form_accepts_an_older_adopted_decision(secretariat_client):
    oldest = _adopted(103)[-1]
    data = {"code": "NRC(OLD)", "name_en": "Old mandate group", "kind": "expert_group", "basis": "permanent"}
    data |= {"parent": Body.objects.get(code="NRC-PC").pk, "existed_from": "2024-01-01", "established_by": oldest.pk}
    response = secretariat_client.post(reverse("committees:body_create"), data)
    assert response.status_code == 302
    assert list(Body.objects.get(code="NRC(OLD)").established_by.all()) == [oldest]
