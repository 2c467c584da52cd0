"""The demo extraordinary-session requests: every state, deterministic, created once."""

import datetime as dt

import pytest

from meetings.demo_session_requests import PLAN
from meetings.models import (
    ImplementationIssue,
    JointDecision,
    Meeting,
    MeetingKind,
    SessionRequest,
    SessionRequestStatus,
    SessionRequestTransition,
)
from meetings.selectors.session_requests import session_request_statistics
from nrc.demo import demo_seed


def _snapshot():
    return list(
        SessionRequest.objects.order_by("submitted_at").values_list(
            "requested_by__username",
            "on_behalf_of__iso2",
            "status",
            "urgency",
            "grounds",
            "submitted_at",
            "meeting__starts_at",
            "meeting__kind",
        )
    )


@pytest.mark.django_db
def test_demo_requests_in_every_state_deterministic_and_once(reference):
    today = dt.date(2026, 11, 27)
    report = demo_seed(today=today)
    assert (report["session_requests"], report["extraordinary_meetings"]) == (11, 5)
    counts = {s: SessionRequest.objects.filter(status=s).count() for s in SessionRequestStatus.values}
    assert counts == {"submitted": 3, "convened": 5, "declined": 2, "withdrawn": 1}
    assert SessionRequest.objects.filter(on_behalf_of__isnull=True).count() == 2  # the Secretary General's
    assert set(SessionRequest.objects.filter(status="convened").values_list("meeting__kind", "meeting__is_demo")) == {
        (MeetingKind.EXTRAORDINARY, True)
    }
    # every request has its history: one step when pending, two once decided or withdrawn
    assert SessionRequestTransition.objects.count() == 3 + 2 * 8
    assert len(PLAN) == 11
    first = _snapshot()
    assert demo_seed(today=today)["session_requests"] == 0
    SessionRequest.objects.all().delete()
    ImplementationIssue.objects.all().delete()
    JointDecision.objects.all().delete()  # they protect the meetings they were taken at
    Meeting.objects.all().delete()
    demo_seed(today=today)
    assert _snapshot() == first


@pytest.mark.django_db
def test_demo_statistics_per_year(reference, auditor):
    demo_seed(today=dt.date(2026, 11, 27))
    stats = {s.year: (s.convened, s.median_days, s.longest_days) for s in session_request_statistics(user=auditor)}
    # by year of the request: 2024-12-27 09:00 → 2025-01-02 16:00 is 6 d 7 h;
    # 2025: 12 d 7 h across the end of summer time, and 2 d 5 h; 2026: 9 d 2 h and 9 d 6 h
    assert stats == {2024: (1, 6.3, 6.3), 2025: (2, 7.2, 12.3), 2026: (2, 9.2, 9.2)}
