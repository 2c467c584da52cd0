"""Waivers and suspensions: proposed by the secretariat, decided by the chair's office; the 2014 suspension."""

import datetime as dt

import pytest

from committees.models import Body
from compliance.models import Waiver, WaiverKind, WaiverStatus
from compliance.periods import midnight
from compliance.services import (
    SUSPENSION_2014_EXEMPT,
    waiver_approve,
    waiver_propose,
    waiver_reject,
    waiver_seed_reference,
    waiver_withdraw,
)
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.models import AuditEntry, Notification

from .factories_compliance import monthly_body, verdicts

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Waiver.objects.order_by("id").values_list("id", "status", "decided_by", "decision_note")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _propose(secretariat, body, **kwargs):
    values = {
        "bodies": [body],
        "starts_on": dt.date(2005, 2, 1),
        "ends_on": dt.date(2005, 2, 28),
        "justification": "Venue closed for works.",
        "title": "February 2005 works",
        "acting_user": secretariat,
    }
    return waiver_propose(**{**values, **kwargs})


def test_proposed_then_approved_waiver_changes_the_verdict(secretariat, chair):
    body = monthly_body()
    waiver = _propose(secretariat, body)
    assert (waiver.status, waiver.proposed_by) == (WaiverStatus.PROPOSED, secretariat)
    assert Notification.objects.filter(template="cadence_waiver_proposed", recipient=chair).count() == 1
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "breach"
    waiver_approve(waiver=waiver, acting_user=chair, note="Agreed.")
    waiver.refresh_from_db()
    assert (waiver.status, waiver.decided_by, waiver.decision_note) == ("approved", chair, "Agreed.")
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "waived"
    assert list(
        AuditEntry.objects.filter(object_type="compliance.waiver", object_id=str(waiver.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "waiver.propose",
        "waiver.approved",
    ]


def test_the_chair_rejects_with_a_reason(secretariat, chair):
    waiver = _propose(secretariat, monthly_body())
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        waiver_reject(waiver=waiver, acting_user=chair, note=" ")
    assert excinfo.value.message_dict == {"note": ["Give the reason for the rejection."]}
    assert _snapshot() == before
    waiver_reject(waiver=waiver, acting_user=chair, note="Not justified.")
    waiver.refresh_from_db()
    assert waiver.status == "rejected"


@pytest.mark.parametrize(
    ("fixture", "action"),
    [
        ("secretariat", "approve"),
        ("auditor", "approve"),
        ("delegation", "approve"),
        ("chair", "withdraw"),
    ],
)
def test_only_the_right_role_makes_each_transition(request, secretariat, fixture, action):
    waiver = _propose(secretariat, monthly_body())
    user = request.getfixturevalue(fixture)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        if action == "approve":
            waiver_approve(waiver=waiver, acting_user=user)
        else:
            waiver_withdraw(waiver=waiver, acting_user=user)
    assert _snapshot() == before


def test_a_decided_waiver_cannot_be_decided_again(secretariat, chair):
    waiver = _propose(secretariat, monthly_body())
    waiver_approve(waiver=waiver, acting_user=chair)
    before = _snapshot()
    with pytest.raises(Conflict) as excinfo:
        waiver_reject(waiver=waiver, acting_user=chair, note="Changed my mind.")
    assert excinfo.value.message_dict == {"status": ["A waiver that is Approved cannot become Rejected."]}
    with pytest.raises(Conflict):
        waiver_withdraw(waiver=waiver, acting_user=secretariat)
    assert _snapshot() == before


def test_the_secretariat_withdraws_its_proposal(secretariat):
    waiver = _propose(secretariat, monthly_body())
    waiver_withdraw(waiver=waiver, acting_user=secretariat)
    waiver.refresh_from_db()
    assert waiver.status == "withdrawn"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"bodies": []}, {"bodies": ["Choose at least one body."]}),
        ({"ends_on": dt.date(2005, 1, 1)}, {"ends_on": ["The waiver cannot end before it starts."]}),
        (
            {"starts_on": dt.date(2001, 1, 1), "ends_on": None},
            {"starts_on": ["The Council was established on 28 May 2002."]},
        ),
        ({"justification": ""}, {"justification": ["Give the justification."]}),
    ],
)
def test_bad_proposals_are_refused_and_write_nothing(secretariat, changes, errors):
    body = monthly_body()
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        _propose(secretariat, body, **changes)
    assert excinfo.value.message_dict == errors
    assert _snapshot() == before


def test_only_the_secretariat_proposes(chair):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        _propose(chair, monthly_body())
    assert _snapshot() == before


def test_the_2014_suspension_is_seeded_once_for_the_bodies_below_ambassadorial_level(reference):
    # When the reference waivers are seeded twice
    assert waiver_seed_reference() == 1
    assert waiver_seed_reference() == 0
    # Then one approved suspension from 1 April 2014 covers every body but the four council levels
    waiver = Waiver.objects.get()
    assert (waiver.kind, waiver.status, waiver.starts_on, waiver.ends_on) == (
        WaiverKind.SUSPENSION,
        WaiverStatus.APPROVED,
        dt.date(2014, 4, 1),
        None,
    )
    covered = set(waiver.bodies.values_list("code", flat=True))
    assert covered == set(Body.objects.exclude(code__in=SUSPENSION_2014_EXEMPT).values_list("code", flat=True))
    assert {"NRC-PC", "NRC-MR", "NRC-CHOD"} <= covered
    assert covered.isdisjoint({"NRC-HSG", "NRC-FM", "NRC-DM", "NRC-AMB"})
    # And the Military Representatives' empty months are waived from April 2014, the ambassadors' are not
    result_mr = verdicts(Body.objects.get(code="NRC-MR"), at=midnight(dt.date(2014, 6, 1)))
    result_amb = verdicts(Body.objects.get(code="NRC-AMB"), at=midnight(dt.date(2014, 6, 1)))
    assert (result_mr["2014-03"], result_mr["2014-04"], result_mr["2014-05"]) == ("breach", "waived", "waived")
    assert (result_amb["2014-04"], result_amb["2014-05"]) == ("breach", "breach")


def test_load_reference_seeds_the_suspension(db):
    from django.core.management import call_command

    call_command("load_reference")
    call_command("load_reference")
    assert Waiver.objects.filter(reference_key="suspension-2014-04-01", status="approved").count() == 1
