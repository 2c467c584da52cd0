"""Demo data: decisions (see nrc/demo.py)."""

from __future__ import annotations

import datetime as dt
import random


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    return {}
