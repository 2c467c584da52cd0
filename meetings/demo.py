"""This app's part of the demo data set (see nrc/demo.py): deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
import random


def seed(*, rng: random.Random, today: dt.date) -> dict[str, int]:
    return {}
