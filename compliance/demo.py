"""This app's part of the demo data set (see nrc/demo.py): deterministic, idempotent.

The suspension of 1 April 2014 is reference data (``services.waiver_seed_reference``, also run by
``load_reference``); it is ensured here too so that a demo database always has it. The cadence job then runs
once so that the flag screens have something to show.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from committees.models import Body
from nrc.audit import audit_record, snapshot

from .models import Waiver, WaiverKind, WaiverStatus
from .periods import midnight
from .services import cadence_flags_refresh, waiver_seed_reference

GEORGIA_KEY = "demo-suspension-2008-08-19"


def _seed_georgia_suspension() -> int:
    """Formal meetings were suspended from 19 August 2008 to 5 March 2009 (the demo has none then)."""
    if Waiver.objects.filter(reference_key=GEORGIA_KEY).exists():
        return 0
    waiver = Waiver.objects.create(
        reference_key=GEORGIA_KEY,
        kind=WaiverKind.SUSPENSION,
        title="Suspension of formal meetings (Georgia crisis)",
        starts_on=dt.date(2008, 8, 19),
        ends_on=dt.date(2009, 3, 5),
        justification="Formal meetings and co-operation in some areas were suspended after the conflict in Georgia.",
        authority="NATO Foreign Ministers, 19 August 2008; resumed 5 March 2009",
        status=WaiverStatus.APPROVED,
        proposed_at=dt.datetime(2008, 8, 19, 12, tzinfo=dt.UTC),
        decided_at=dt.datetime(2008, 8, 19, 12, tzinfo=dt.UTC),
    )
    waiver.bodies.set(Body.objects.all())
    audit_record(actor=None, action="waiver.seed", obj=waiver, after=snapshot(waiver))
    return 1


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    waivers = waiver_seed_reference() + _seed_georgia_suspension()
    at = min(timezone.now(), midnight(today + dt.timedelta(days=1)))
    report = cadence_flags_refresh(at=at)
    return {"waivers": waivers, "flags": report.raised}
