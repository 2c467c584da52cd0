"""This app's part of the demo data set (see nrc/demo.py): deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
import random

from . import demo_decisions, demo_scheduling, demo_session_requests


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    report: dict[str, int] = {}
    for part in (demo_scheduling, demo_session_requests, demo_decisions):
        report |= part.seed(rng=random.Random(f"{rng.random()}:{part.__name__}"), today=today)
    return report
