"""Setting up and dissolving committees and working groups."""

from __future__ import annotations

import datetime as dt

import pytest

from committees.models import Body, CadenceRule, Member
from committees.services import body_create, body_dissolve
from cooperation.models import CooperationArea
from meetings.models import DecisionStatus
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.models import AuditEntry
from tests.cooperation.factories_groups import DecisionFactory, scheduled_meeting

pytestmark = pytest.mark.django_db


def _create(user, **overrides):
    values = {
        "code": "NRC(TMD-2)",
        "name_en": "Theatre Missile Defence Ad Hoc Working Group II",
        "kind": "working_group",
        "parent": Body.objects.get(code="NRC-PC"),
        "basis": "ad_hoc",
        "mandate": "Prepare a joint TMD exercise.",
        "existed_from": dt.date(2026, 1, 1),
        "existed_to": dt.date(2027, 12, 31),
        "acting_user": user,
    }
    values.update(overrides)
    return body_create(**values)


def test_secretariat_sets_up_an_ad_hoc_group_with_areas_members_rule_and_decision(secretariat):
    # Given an adopted decision establishing the group
    decision = DecisionFactory(reference="NRC-D(2026)TMD")
    tmd = CooperationArea.objects.get(code="TMD")
    members = list(Member.objects.filter(iso2__in=["US", "RU", "FR"]))
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    # When the secretariat sets it up
    body = _create(
        secretariat,
        areas=[tmd],
        participants=members,
        chair="NATO",
        co_chair="Russia",
        cadence_min=1,
        cadence_period="quarter",
        established_by=decision,
    )
    # Then the body exists with all it was given
    body.refresh_from_db()
    assert (body.basis, body.kind, body.parent.code) == ("ad_hoc", "working_group", "NRC-PC")
    assert (body.existed_from, body.existed_to) == (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    assert list(body.areas.values_list("code", flat=True)) == ["TMD"]
    assert sorted(body.participants.values_list("iso2", flat=True)) == ["FR", "RU", "US"]
    assert (body.chair, body.co_chair) == ("NATO", "Russia")
    assert list(body.established_by.all()) == [decision]
    rule = CadenceRule.objects.get(body=body)
    assert (rule.min_meetings, rule.period, rule.effective_from, rule.effective_to) == (
        1,
        "quarter",
        dt.date(2026, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert list(AuditEntry.objects.filter(id__gt=last_audit).order_by("id").values_list("action", flat=True)) == [
        "cadence_rule.create",
        "body.create",
    ]


def test_a_permanent_group_needs_neither_end_nor_mandate(secretariat):
    body = _create(secretariat, basis="permanent", mandate="", existed_to=None, code="NRC(PERM)")
    assert (body.basis, body.existed_to, body.mandate) == ("permanent", None, "")
    assert CadenceRule.objects.filter(body=body).count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"parent": "NRC-CNT", "existed_from": dt.date(2003, 1, 1), "existed_to": dt.date(2004, 1, 1)}, "parent"),
        ({"existed_to": None}, "existed_to"),
        ({"mandate": "  "}, "mandate"),
        ({"existed_to": dt.date(2025, 1, 1)}, "existed_to"),
        ({"code": "NRC-PC"}, "code"),
        ({"kind": "council"}, "kind"),
        ({"cadence_min": 2, "cadence_period": ""}, "cadence_period"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_written(secretariat, overrides, field):
    # Given the reference bodies (NRC-CNT exists only from 2005-12-08)
    if overrides.get("parent"):
        overrides["parent"] = Body.objects.get(code=overrides["parent"])
    bodies_before = Body.objects.count()
    audit_before = AuditEntry.objects.count()
    # When the secretariat sets up a group with one bad value
    with pytest.raises(ValidationError) as exc:
        _create(secretariat, **overrides)
    # Then the error names the field and nothing was written
    assert field in exc.value.message_dict
    assert Body.objects.count() == bodies_before
    assert AuditEntry.objects.count() == audit_before


def test_a_group_cannot_be_established_by_a_decision_not_yet_adopted(secretariat):
    decision = DecisionFactory(
        status=DecisionStatus.CIRCULATED,
        adopted_at=None,
        method="silence",
        silence_deadline=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(ValidationError) as exc:
        _create(secretariat, established_by=decision)
    assert list(exc.value.message_dict) == ["established_by"]
    assert not Body.objects.filter(code="NRC(TMD-2)").exists()


@pytest.mark.parametrize("role_user", ["delegation", "auditor", "chair"])
def test_only_the_secretariat_sets_up_groups(request, role_user):
    user = request.getfixturevalue(role_user)
    with pytest.raises(PermissionDenied):
        _create(user)
    assert not Body.objects.filter(code="NRC(TMD-2)").exists()


def test_dissolving_ends_the_group_and_its_cadence_rules(secretariat):
    body = _create(secretariat, cadence_min=1, cadence_period="month")
    body_dissolve(body=body, dissolved_on=dt.date(2026, 6, 30), reason="Mandate fulfilled.", acting_user=secretariat)
    body.refresh_from_db()
    assert (body.existed_to, body.dissolution_reason) == (dt.date(2026, 6, 30), "Mandate fulfilled.")
    assert CadenceRule.objects.get(body=body).effective_to == dt.date(2026, 6, 30)
    assert AuditEntry.objects.filter(action="body.dissolve", object_id=str(body.pk)).count() == 1


def test_dissolving_twice_or_with_bad_input_changes_nothing(secretariat):
    body = _create(secretariat)
    body_dissolve(body=body, dissolved_on=dt.date(2026, 6, 30), reason="Done.", acting_user=secretariat)
    with pytest.raises(Conflict):
        body_dissolve(body=body, dissolved_on=dt.date(2026, 7, 30), reason="Again.", acting_user=secretariat)
    other = _create(secretariat, code="NRC(X)")
    for dissolved_on, reason, field in [
        (dt.date(2025, 1, 1), "Early.", "dissolved_on"),
        (dt.date(2028, 6, 1), "Late.", "dissolved_on"),
        (dt.date(2026, 6, 1), " ", "reason"),
    ]:
        with pytest.raises(ValidationError) as exc:
            body_dissolve(body=other, dissolved_on=dissolved_on, reason=reason, acting_user=secretariat)
        assert field in exc.value.message_dict
    body.refresh_from_db()
    other.refresh_from_db()
    assert (body.existed_to, body.dissolution_reason) == (dt.date(2026, 6, 30), "Done.")
    assert (other.existed_to, other.dissolution_reason) == (dt.date(2027, 12, 31), "")


def test_a_group_with_a_meeting_still_scheduled_after_the_date_is_not_dissolved(secretariat):
    body = _create(secretariat, existed_from=dt.date(2020, 1, 1), existed_to=dt.date(2030, 1, 1))
    scheduled_meeting(code=body.code, days_ahead=20)
    with pytest.raises(Conflict) as exc:
        body_dissolve(body=body, dissolved_on=dt.date(2021, 1, 1), reason="Stop.", acting_user=secretariat)
    assert "dissolved_on" in exc.value.message_dict
    body.refresh_from_db()
    assert body.dissolution_reason == ""
