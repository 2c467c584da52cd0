"""The smoke journey over HTTP against a running topology (bin/smoke, tests/ops/test_smoke.py).

Log in (API tokens and the login form), schedule a meeting, request and convene an extraordinary session,
run the cadence job through the worker (sent to the broker as beat sends it, then waited for), read the
compliance report. Each step needs an API path; the paths come from the OpenAPI schema of the running
build, and a step whose path is not offered is reported as skipped (or fails with ``strict``).

    NRC_BASE_URL=http://127.0.0.1:8765 NRC_PASSWORD=... NRC_REDIS_URL=redis://... python -m ops.smoke [--strict]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .client import Api, Browser, expect
from .topology import celery_send, wait_for

MEETINGS = "/api/v1/meetings/"
SESSION_REQUESTS = "/api/v1/session-requests/"
CONVENE = "/api/v1/session-requests/{id}/convene/"
FLAGS = "/api/v1/compliance/flags/"
GRID = "/api/v1/compliance/grid/"
CADENCE_TASK = "compliance.tasks.cadence_flags_refresh"


class Skipped(Exception):
    pass


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def next_weekday(days: int, hour: int) -> dt.datetime:
    """A working day ``days`` ahead at ``hour`` UTC (weekends avoided so that no rule refuses the slot)."""
    day = dt.datetime.now(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass
class Journey:
    base_url: str
    password: str
    broker_url: str = ""
    strict: bool = False
    log: Callable[[str], None] = print
    results: dict[str, str] = field(default_factory=dict)
    state: dict = field(default_factory=dict)

    def needs(self, *paths: str) -> None:
        missing = [p for p in paths if p not in self.paths]
        if missing:
            raise Skipped(f"not offered by this build: {', '.join(missing)}")

    def run(self) -> dict[str, str]:
        steps = [
            ("log in", self.step_login),
            ("schedule a meeting", self.step_schedule),
            ("request an extraordinary session", self.step_request),
            ("convene it", self.step_convene),
            ("run the cadence job through the worker", self.step_cadence),
            ("read the compliance report", self.step_report),
            ("every page in each role's navigation", self.step_navigation),
        ]
        for name, step in steps:
            started = time.monotonic()
            try:
                detail = step() or ""
            except Skipped as exc:
                if self.strict:
                    raise AssertionError(f"{name}: {exc}") from exc
                self.results[name] = f"skipped ({exc})"
            else:
                self.results[name] = f"ok in {time.monotonic() - started:.2f}s {detail}".rstrip()
            self.log(f"  {name:<42} {self.results[name]}")
        return self.results

    # --- steps ---

    def step_login(self) -> str:
        self.api = {
            u: Api(self.base_url).login(u, self.password) for u in ("secretariat", "chair", "delegation-us", "auditor")
        }
        for username, api in self.api.items():
            me = expect(api.get("/api/v1/me/"), 200).json()
            assert me["username"] == username, me
        assert self.api["delegation-us"].get("/api/v1/me/").json()["member"] == "US"
        self.paths = self.api["auditor"].schema_paths()
        bodies = expect(self.api["secretariat"].get("/api/v1/bodies/", params={"page_size": 500}), 200).json()
        self.bodies = {b["code"]: b for b in bodies.get("results", bodies)}
        self.browser = Browser(self.base_url).login("secretariat", self.password)
        home = expect(self.browser.get("/"), 200)
        assert "<h1" in home.text
        return f"(4 tokens, form login; {len(self.paths)} API paths)"

    def step_schedule(self) -> str:
        self.needs(MEETINGS)
        api = self.api["secretariat"]
        starts = next_weekday(21, 9)
        title = f"Smoke journey meeting {time.time_ns()}"
        created = expect(
            api.post(
                MEETINGS,
                {
                    "body": self.bodies["NRC-AMB"]["id"],
                    "title": title,
                    "starts_at": iso(starts),
                    "ends_at": iso(starts + dt.timedelta(hours=2)),
                },
            ),
            201,
        ).json()
        assert created["status"] == "scheduled" and created["body_code"] == "NRC-AMB", created
        fetched = expect(self.api["delegation-us"].get(f"{MEETINGS}{created['id']}/"), 200).json()
        assert fetched["title"] == title
        self.state["meeting"] = created["id"]
        return f"(meeting {created['id']})"

    def step_request(self) -> str:
        self.needs(SESSION_REQUESTS)
        starts = next_weekday(7, 10)
        created = expect(
            self.api["delegation-us"].post(
                SESSION_REQUESTS,
                {
                    "body": self.bodies["NRC-AMB"]["id"],
                    "grounds": "Smoke journey: consultations under paragraph 1 of the Rome Declaration.",
                    "urgency": "urgent",
                    "proposed_slots": [{"starts_at": iso(starts), "ends_at": iso(starts + dt.timedelta(hours=2))}],
                },
            ),
            201,
        ).json()
        assert created["status"] == "submitted", created
        assert created["on_behalf_of"]["iso2"] == "US", created
        self.state["request"] = created["id"]
        self.state["slot"] = starts
        return f"(request {created['id']})"

    def step_convene(self) -> str:
        self.needs(CONVENE)
        if "request" not in self.state:
            raise Skipped("no request to convene")
        starts = self.state["slot"]
        path = CONVENE.replace("{id}", str(self.state["request"]))
        convened = expect(
            self.api["chair"].post(path, {"starts_at": iso(starts), "ends_at": iso(starts + dt.timedelta(hours=2))}),
            200,
        ).json()
        assert convened["status"] == "convened", convened
        meeting = convened["meeting"]
        assert meeting["kind"] == "extraordinary", meeting
        if MEETINGS in self.paths:
            expect(self.api["delegation-us"].get(f"{MEETINGS}{meeting['id']}/"), 200)
        return f"(meeting {meeting['id']})"

    def step_cadence(self) -> str:
        self.needs(FLAGS)
        if not self.broker_url:
            raise Skipped("no broker URL (NRC_REDIS_URL) to send the task to")
        api = self.api["secretariat"]
        before = expect(api.get(FLAGS), 200).json()["count"]
        celery_send(self.broker_url, CADENCE_TASK)

        def flags_present():
            body = expect(api.get(FLAGS, params={"page_size": 500}), 200).json()
            return body if body["count"] > 0 else None

        flags = wait_for(flags_present, timeout=120, interval=0.5, what="the cadence job's flags")
        keys = [(f["rule"], f["period"], f["period_start"]) for f in flags["results"]]
        assert len(keys) == len(set(keys)), "a (body, period) is flagged twice"
        return f"({before} flags before, {flags['count']} after)"

    def step_report(self) -> str:
        self.needs(GRID)
        grid = expect(self.api["auditor"].get(GRID), 200).json()
        assert grid["rows"], grid
        codes = {row["body"] for row in grid["rows"]}
        assert "NRC-AMB" in codes, codes
        auditor = Browser(self.base_url).login("auditor", self.password)
        page = expect(auditor.get("/compliance/"), 200)
        assert "NRC-AMB" in page.text
        csv = expect(auditor.get("/compliance/export.csv"), 200)
        assert csv.headers["Content-Type"].startswith("text/csv")
        return f"({len(grid['rows'])} bodies × {len(grid['columns'])} periods; page and CSV)"

    def step_navigation(self) -> str:
        """Each role's navigation bar, followed link by link: every page answers 200 (the production settings,
        the collected static files and the data the journey made, together)."""
        visited = 0
        for username in ("secretariat", "chair", "delegation-us", "auditor"):
            browser = (
                self.browser if username == "secretariat" else Browser(self.base_url).login(username, self.password)
            )
            home = expect(browser.get("/"), 200).text
            links = re.findall(r'<a class="nav-link[^"]*" href="(/[^"]*)"', home)
            assert links, f"no navigation for {username}"
            for path in dict.fromkeys(links):
                page = browser.get(path, allow_redirects=False)
                assert page.status_code == 200, f"{username} {path}: {page.status_code}"
                visited += 1
            static = re.findall(r'href="(/static/[^"]+\.css)"', home)
            assert static and all(browser.get(path).status_code == 200 for path in static), static
        return f"({visited} pages for 4 roles)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bin/smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="a capability missing from the build is a failure")
    args = parser.parse_args(argv)
    journey = Journey(
        base_url=os.environ["NRC_BASE_URL"],
        password=os.environ["NRC_PASSWORD"],
        broker_url=os.environ.get("NRC_REDIS_URL", ""),
        strict=args.strict or os.environ.get("NRC_SMOKE_STRICT") == "1",
    )
    print(f"Smoke journey against {journey.base_url}")
    try:
        journey.run()
    except Exception as exc:  # noqa: BLE001 - report and fail
        print(f"FAILED: {exc}")
        return 1
    passed = sum(r.startswith("ok") for r in journey.results.values())
    print(f"{passed} passed, 0 failed, {len(journey.results) - passed} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
