"""Two decisions on the same request at the same moment: the row lock lets exactly one through (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from meetings.models import Meeting, SessionRequest, SessionRequestStatus, SessionRequestTransition
from meetings.services.session_requests import session_request_convene, session_request_decline
from nrc.errors import Conflict

from .factories_requests import SessionRequestFactory, in_days


@pytest.mark.django_db(transaction=True)
def test_a_convene_and_a_decline_at_once_leave_exactly_one_decision(delegation, chair, secretariat):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL")
    req = SessionRequestFactory(requested_by=delegation)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(name, action):
        try:
            barrier.wait()
            action()
            outcomes[name] = "ok"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connections.close_all()

    def convene():
        session_request_convene(
            request=SessionRequest.objects.get(pk=req.pk),
            starts_at=in_days(9, 15),
            ends_at=in_days(9, 17),
            acting_user=secretariat,
        )

    def decline():
        session_request_decline(
            request=SessionRequest.objects.get(pk=req.pk), reasons="Not warranted.", acting_user=chair
        )

    threads = [
        threading.Thread(target=attempt, args=("convene", convene)),
        threading.Thread(target=attempt, args=("decline", decline)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # Exactly one decision went through; the other was refused as no longer possible
    assert sorted(outcomes.values()) == ["conflict", "ok"]
    req.refresh_from_db()
    winner = "convene" if outcomes["convene"] == "ok" else "decline"
    assert req.status == {"convene": SessionRequestStatus.CONVENED, "decline": SessionRequestStatus.DECLINED}[winner]
    assert SessionRequestTransition.objects.filter(request=req).exclude(from_status="").count() == 1
    assert Meeting.objects.count() == (1 if winner == "convene" else 0)
