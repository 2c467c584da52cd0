"""The demo data set is deterministic, marked as demo, and created once."""

import datetime as dt

import pytest

from meetings.models import ImplementationIssue, JointDecision, Meeting, SessionRequest
from nrc.demo import demo_seed


@pytest.mark.django_db
def test_demo_data_is_deterministic_and_created_once(reference):
    today = dt.date(2026, 11, 27)
    first = demo_seed(today=today)
    titles = list(Meeting.objects.order_by("body__code", "starts_at").values_list("title", "status"))
    # the meetings of the calendar, plus the extraordinary sessions convened on the demo requests
    assert first["meetings"] + first["extraordinary_meetings"] == len(titles) > 1000
    assert Meeting.objects.filter(is_demo=False).count() == 0
    assert demo_seed(today=today)["meetings"] == 0
    # Requests, decisions and their issues protect the meetings they belong to: remove them first.
    SessionRequest.objects.all().delete()
    ImplementationIssue.objects.all().delete()
    JointDecision.objects.all().delete()
    Meeting.objects.all().delete()
    demo_seed(today=today)
    assert list(Meeting.objects.order_by("body__code", "starts_at").values_list("title", "status")) == titles
    # A deliberate gap: no Military Representatives meeting in August 2004.
    assert not Meeting.objects.filter(body__code="NRC-MR", starts_at__year=2004, starts_at__month=8).exists()
