"""This app's part of the demo data: the 2014 suspension and a first run of the flag job, once."""

import datetime as dt
import random

import pytest

from compliance.demo import seed
from compliance.models import Flag, FlagEvent, Waiver
from nrc.demo import seed_meetings

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(reference):
    today = dt.date(2026, 11, 27)
    seed_meetings(rng=random.Random(1), today=today)
    first = seed(rng=random.Random(1), today=today)
    assert first["waivers"] == 2
    assert first["flags"] == Flag.objects.count() > 0
    state = (list(Flag.objects.values_list("id", "verdict", "state")), FlagEvent.objects.count())
    assert seed(rng=random.Random(1), today=today) == {"waivers": 0, "flags": 0}
    assert (list(Flag.objects.values_list("id", "verdict", "state")), FlagEvent.objects.count()) == state
    assert Waiver.objects.count() == 2
    # The months wholly inside the Georgia suspension are waived, not flagged
    assert not Flag.objects.filter(period_start=dt.date(2008, 10, 1)).exists()
    assert Flag.objects.filter(body__code="NRC-AMB", period_start=dt.date(2008, 8, 1)).exists()  # partly covered
    # The demo's deliberate gap: the Military Representatives did not meet in August 2004
    assert Flag.objects.filter(body__code="NRC-MR", period_start=dt.date(2004, 8, 1), verdict="breach").exists()
