"""The smoke journey (ops/smoke.py) over HTTP against the native production topology."""

from __future__ import annotations

import os

from ops.smoke import Journey

from .conftest import ops_only

pytestmark = ops_only


def test_the_smoke_journey_passes_against_the_production_topology(topology):
    journey = Journey(
        base_url=topology.base_url,
        password=topology.password,
        broker_url=topology.redis_url,
        strict=os.environ.get("NRC_SMOKE_STRICT") == "1",
    )
    marks = {name: len(topology.log(name)) for name in ("web", "worker")}
    results = journey.run()
    assert all(r.startswith(("ok", "skipped")) for r in results.values()), results
    assert results["log in"].startswith("ok")
    assert topology.errors("web", since=marks["web"]) == []
    assert topology.errors("worker", since=marks["worker"]) == []
