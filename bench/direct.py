"""What is timed by calling it directly rather than over HTTP: the compliance grid for every body over 25
years, and the cadence job over everything. Each is looked up in the compliance app, which may not be in every
build; a missing one is left out of the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nrc.large_dataset import FIRST_DAY, _optional, cadence_job

GRID_TARGET_S = 0.1
JOB_TARGET_S = 5.0


def direct_targets(user) -> list[tuple[str, Callable[[], object], int, float, str, bool]]:
    """(name, function of no arguments, runs, target in seconds, note, one of the issue's targets). The issue's
    grid target is the grid of all bodies over 25 years, one column a year (25 columns); the same grid by month
    (300 columns, 95,000 cells) is timed beside it against the same 100 ms."""
    targets = []
    for granularity, runs in (("year", 5), ("month", 3)):
        grid = compliance_grid_all(user, granularity)
        if grid is not None:
            targets.append(
                (
                    f"compliance grid, all bodies, 25 years, by {granularity}",
                    grid,
                    runs,
                    GRID_TARGET_S,
                    "`compliance.selectors.cadence_grid`",
                    granularity == "year",
                )
            )
    job = cadence_job()
    if job is not None:
        targets.append(
            (
                "cadence job over everything",
                job,
                3,
                JOB_TARGET_S,
                "`compliance.services.cadence_flags_refresh`; flags already present (the generator ran it once)",
                True,
            )
        )
    return targets


def compliance_grid_all(user, granularity: str) -> Callable[[], object] | None:
    selectors = _optional("compliance.selectors")
    if selectors is None or not hasattr(selectors, "cadence_grid") or not hasattr(selectors, "GridParams"):
        return None
    last = dt.date(dt.date.today().year, 12, 31)

    def run():
        params = selectors.GridParams.build(date_from=FIRST_DAY, date_to=last, granularity=granularity)
        return selectors.cadence_grid(user=user, params=params)

    return run


def compliance_counts() -> dict[str, int]:
    models = _optional("compliance.models")
    counts = {}
    for label, name in (("cadence flags", "Flag"), ("waivers", "Waiver")):
        model = getattr(models, name, None) if models else None
        if model is not None:
            counts[label] = model.objects.count()
    return counts
