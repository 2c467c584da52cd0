"""This app's part of the demo data set (see nrc/demo.py): deterministic, idempotent.

The suspension of 1 April 2014 is reference data (``services.waiver_seed_reference``, also run by
``load_reference``); it is ensured here too so that a demo database always has it. The cadence job then runs
once so that the flag screens have something to show.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from .periods import midnight
from .services import cadence_flags_refresh, waiver_seed_reference


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    waivers = waiver_seed_reference()
    at = min(timezone.now(), midnight(today + dt.timedelta(days=1)))
    report = cadence_flags_refresh(at=at)
    return {"waivers": waivers, "flags": report.raised}
