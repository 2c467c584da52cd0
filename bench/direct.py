"""What is timed by calling it directly rather than over HTTP: the compliance grid for every body over 25
years, and the cadence job over everything. Each is looked up in the compliance app, which may not be in every
build; a missing one is left out of the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nrc.large_dataset import FIRST_DAY, _optional, cadence_job

GRID_TARGET_S = 0.1
JOB_TARGET_S = 5.0


def direct_targets() -> list[tuple[str, Callable[[], object], int, float, str]]:
    """(name, function of no arguments, runs, target in seconds, note)."""
    targets = []
    grid = compliance_grid_all()
    if grid is not None:
        targets.append(("compliance grid, all bodies, 25 years", grid, 7, GRID_TARGET_S, "selector"))
    job = cadence_job()
    if job is not None:
        targets.append(("cadence job over everything", job, 3, JOB_TARGET_S, "flags already present: steady state"))
    return targets


def compliance_grid_all() -> Callable[[], object] | None:
    selectors = _optional("compliance.selectors")
    if selectors is None:
        return None
    today = dt.date.today()
    for name in ("compliance_grid", "cadence_grid", "report_grid"):
        fn = getattr(selectors, name, None)
        if callable(fn):
            return lambda: fn(date_from=FIRST_DAY, date_to=dt.date(today.year, 12, 31))
    return None


def compliance_counts() -> dict[str, int]:
    models = _optional("compliance.models")
    counts = {}
    for label, name in (("cadence flags", "Flag"), ("cadence flags", "CadenceFlag"), ("waivers", "Waiver")):
        model = getattr(models, name, None) if models else None
        if model is not None:
            counts[label] = model.objects.count()
    return counts
