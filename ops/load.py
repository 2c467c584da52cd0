"""Load test: locust, headless, against the native production topology on 127.0.0.1.

    python -m ops.load [--users 50] [--duration 60] [--doc docs/load-test.md]
    python -m ops.load --url http://127.0.0.1:8000 --password ...     # against a topology already up

Brings up the topology (a scratch database with the reference data and the demo data set, gunicorn with
2 workers, a Celery worker, beat, a private redis-server), runs the smoke journey once (so the cadence
flags and the compliance report have content), then locust (ops/locustfile.py). Prints the median and
95th percentile per request type and overall, writes them to --doc, and fails when any request failed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from .smoke import Journey
from .topology import BIN, OPS_DIR, PYTHON, ROOT, Topology, private_redis, run


def seed_demo(topo: Topology) -> None:
    """The demo data set, written by the demo seeder (local settings) into the scratch database."""
    env = {**topo.env(), "DJANGO_SETTINGS_MODULE": "nrc.settings.local", "NRC_DEMO": "true"}
    run([PYTHON, "manage.py", "seed_demo"], env=env, cwd=ROOT, quiet=True, stderr=subprocess.DEVNULL)


def locust(url: str, password: str, users: int, duration: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NRC_PASSWORD": password, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "ops" / "locustfile.py"),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        "10",
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    return run(cmd, env=env, cwd=ROOT, check=False).returncode


def summary(out: Path) -> tuple[list[dict], dict]:
    with open(out / "locust_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return [r for r in rows if r["Name"] != "Aggregated"], total


def server_times(web_log: str, since: str) -> list[int]:
    """Milliseconds gunicorn spent on each request (from its JSON access log), from ISO time ``since`` on.

    The difference with locust's times is the wait in the listen queue: on a saturated machine it dominates.
    """
    times = []
    for line in web_log.splitlines():
        if '"gunicorn.access"' not in line:
            continue
        record = json.loads(line)
        if record["ts"] >= since and (match := re.search(r" (\d+)ms$", record["message"])):
            times.append(int(match.group(1)))
    return sorted(times)


def percentile(values: list[int], q: float) -> int:
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0


def markdown(
    rows: list[dict], total: dict, *, users: int, duration: int, when: str, load: str, server: list[int]
) -> str:
    def line(r: dict, name: str) -> str:
        return (
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['Median Response Time']} | "
            f"{r['95%']} | {r['99%']} | {float(r['Requests/s']):.1f} |"
        )

    table = [
        "| Request | Count | Failures | Median (ms) | p95 (ms) | p99 (ms) | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[line(r, f"{r['Type']} {r['Name']}") for r in sorted(rows, key=lambda r: r["Name"])],
        line(total, "**All requests**"),
    ]
    return "\n".join(
        [
            "## Load test",
            "",
            f"locust {users} users for {duration} s, headless, against the native production topology on "
            f"127.0.0.1 (`python -m ops.load`): gunicorn with 2 sync workers, production settings, PostgreSQL 15, "
            f"Redis, a Celery worker and beat, on a {os.cpu_count()}-core machine shared with other work "
            f"(Python {platform.python_version()}). Measured {when}; load average {load}.",
            "",
            f"**{total['Request Count']} requests, {total['Failure Count']} errors; median "
            f"{total['Median Response Time']} ms, p95 {total['95%']} ms.**",
            "",
            f"Time spent inside gunicorn (its access log; the rest is the wait for a free worker): median "
            f"{percentile(server, 0.5)} ms, p95 {percentile(server, 0.95)} ms over {len(server)} requests."
            if server
            else "",
            "",
            *table,
            "",
        ]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--url", help="a topology already running (with --password)")
    parser.add_argument("--password")
    parser.add_argument("--doc", type=Path, help="write the 'Load test' section to this Markdown file")
    args = parser.parse_args(argv)
    out = OPS_DIR / "load"
    web_log = ""
    with contextlib.ExitStack() as stack:
        if args.url:
            url, password = args.url, args.password
        else:
            redis = stack.enter_context(private_redis())
            topo = Topology(database="nrc_ops_load", redis_url=redis.url + "/0")
            topo.start_hooks.append(seed_demo)
            stack.enter_context(topo)
            url, password = topo.base_url, topo.password
            Journey(base_url=url, password=password, broker_url=topo.redis_url, log=lambda _: None).run()
        started = dt.datetime.now(dt.UTC).isoformat()
        load_before = os.getloadavg()[0]
        code = locust(url, password, args.users, args.duration, out)
        load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        if not args.url:
            web_log = topo.log("web")
    rows, total = summary(out)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    server = server_times(web_log, started)
    text = markdown(rows, total, users=args.users, duration=args.duration, when=when, load=load, server=server)
    print(text)
    if args.doc:
        args.doc.write_text("# Load test results\n\nSee docs/deployment.md for how to run it.\n\n" + text)
    failures = int(total["Failure Count"])
    return 1 if code != 0 or failures else 0


if __name__ == "__main__":
    sys.exit(main())
