"""The benchmark: the large data set on PostgreSQL, served by gunicorn (2 workers, DEBUG off), loaded by wrk.

Every page and endpoint is measured beside a floor measured in the same run (a minimal view through the same
server, middleware and authentication), and reported as a ratio to it. The compliance grid and the cadence job
are timed by calling their functions directly. The results go to BENCHMARKS.md. Run with ``bench/run``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk_report.lua"
VAR = ROOT / "var" / "bench"
BENCH_USERNAME = "bench-secretariat"
SLOW_SECONDS = 1.0  # a URL slower than this on one request is timed without wrk
PAGE_TARGET_RATIO = 2.0


@dataclass
class Target:
    name: str
    path: str
    kind: str  # "page" (session cookie) or "api" (bearer token)
    note: str = ""
    result: dict = field(default_factory=dict)
    queries: int | None = None
    cold_ms: float | None = None
    status: int | None = None
    size: int | None = None


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


# --- database and data ------------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg2

    match = re.match(r"postgres(?:ql)?://(?P<auth>[^@]*)@(?P<host>[^:/]+)(?::(?P<port>\d+))?/(?P<name>[^?]+)", url)
    if not match:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {url!r}")
    user, _, password = match["auth"].partition(":")
    conn = psycopg2.connect(
        dbname="postgres", user=user or None, password=password or None, host=match["host"], port=match["port"] or 5432
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [match["name"]])
        if cursor.fetchone() is None:
            log(f"creating database {match['name']}")
            cursor.execute(f'CREATE DATABASE "{match["name"]}"')
    conn.close()


def prepare_data(*, regenerate: bool, today: dt.date | None) -> None:
    from django.core.management import call_command

    from committees.models import Body
    from nrc.large_dataset import WORKING_GROUP_CODE

    call_command("migrate", interactive=False, verbosity=0)
    present = Body.objects.filter(code=WORKING_GROUP_CODE.format(1)).exists()
    if present and not regenerate:
        log("large data set already loaded (use --regenerate to replace it)")
        _stored_grid_up_to_date()
        return
    log("generating the large data set")
    started = time.perf_counter()
    args = ["--reset"] if present else []
    if today:
        args += ["--today", today.isoformat()]
    call_command("generate_large_dataset", *args)
    log(f"generated in {time.perf_counter() - started:.0f} s")


def _stored_grid_up_to_date() -> None:
    """A data set loaded before the compliance app stored its grid (or by an older build) gets its cells now,
    as the hourly job would: the grid is timed as it runs in production. Nothing to do when they are in step."""
    from django.db import transaction

    from nrc.large_dataset import _optional

    cells = _optional("compliance.cells")
    repair = getattr(cells, "cells_repair", None) if cells else None
    if repair is None:
        return
    started = time.perf_counter()
    with transaction.atomic():
        result = repair()
    log(f"stored compliance grid checked in {time.perf_counter() - started:.1f} s: {result}")


def bench_credentials() -> tuple[str, str, object]:
    """A secretariat user (sees everything: the largest pages), a session cookie and an API token."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from committees.models import Role, User
    from nrc.api_auth import api_token_issue

    user, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"role": Role.SECRETARIAT})
    user.set_unusable_password()
    user.save()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _, key = api_token_issue(user=user, name="benchmark", ttl=dt.timedelta(hours=6))
    # A browser holds the CSRF cookie from its first page on; the read cache keys pages by it.
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return cookie, key, user


# --- what to measure ----------------------------------------------------------------------------------------------


def discover_targets() -> list[Target]:
    """The floors, the named targets of the issue, then every other GET page and endpoint without parameters."""
    from bench.targets import (
        MEETING_DETAIL_APIS,
        MEETING_DETAIL_PAGES,
        meeting_part_urls,
        object_urls,
        parameterless_urls,
        reverse_or_none,
    )
    from meetings.models import Attendance, Meeting

    targets = [
        Target("floor (page)", "/bench/floor/", "page", "minimal view, session login, every middleware"),
        Target("floor (API)", "/bench/api-floor/", "api", "minimal DRF view, bearer token"),
    ]
    today = dt.date.today()
    calendar = reverse_or_none("meetings:calendar")
    if calendar:
        calendar += f"?view=month&date={today:%Y-%m-%d}"
    if calendar:
        targets.append(Target("calendar, month view", calendar, "page", f"{today:%B %Y}"))
    for name, label, kind in (
        ("meeting-list", "meeting list API", "api"),
        ("meetings:meeting_list", "meeting list page", "page"),
    ):
        url = reverse_or_none(name)
        if url:
            targets.append(Target(label, url, kind, "first page"))
    # The latest held Council meeting with decisions: every member attends, with agenda, papers, minutes.
    meeting = (
        Meeting.objects.filter(body__kind="council", status="held", decisions__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    if meeting:
        attendance = Attendance.objects.filter(meeting=meeting).count()
        url = object_urls(meeting.pk, MEETING_DETAIL_PAGES)
        if url:
            targets.append(Target("meeting detail page", url, "page", f"{meeting.body.code}, {attendance} members"))
        url = object_urls(meeting.pk, MEETING_DETAIL_APIS)
        if url:
            targets.append(Target("meeting detail API", url, "api"))
        for name, url in meeting_part_urls(meeting.pk):
            targets.append(Target(name, url, "api", f"{meeting.body.code}, one meeting"))
    grid = reverse_or_none("compliance:report")
    if grid:
        targets.append(
            Target(
                "compliance grid page, all bodies, 25 years",
                f"{grid}?from=2002-01-01&to={today.year}-12-31&granularity=year",
                "page",
            )
        )
    seen = {t.path.split("?")[0] for t in targets}

    for name, path, kind in parameterless_urls():
        if path not in seen:
            seen.add(path)
            targets.append(Target(name, path, kind))
    return targets


def count_queries(targets: list[Target], user) -> None:
    """Queries and time of a request the read cache cannot answer (a new data version first), in process: the
    same code and data as served, the work a page does after any write."""
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from bench.targets import QueryCounter
    from nrc.datacache import data_changed

    page_client = Client()
    page_client.force_login(user)
    api_client = APIClient()
    api_client.force_authenticate(user)
    for target in targets:
        client = api_client if target.kind == "api" else page_client
        client.get(target.path)  # warm Python's and PostgreSQL's caches; sets the CSRF cookie
        times = []
        for _ in range(3):
            data_changed()
            start = time.perf_counter()
            client.get(target.path, HTTP_ACCEPT_ENCODING="gzip, deflate")
            times.append((time.perf_counter() - start) * 1000)
        target.cold_ms = statistics.median(times)
        data_changed()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(target.path, HTTP_ACCEPT_ENCODING="gzip, deflate")
        target.queries = counter.count
        target.status = response.status_code
        target.size = len(response.content) if not response.streaming else None


# --- serving and loading ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    VAR.mkdir(parents=True, exist_ok=True)
    logfile = (VAR / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "nrc.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "nrc.settings.bench"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not start; see {VAR / 'gunicorn.log'}")


def check_status(port: int, target: Target, headers: dict[str, str]) -> tuple[int, float]:
    """One request: its status and how long it took, in seconds."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{target.path}", headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as r:  # noqa: S310
            r.read()
            return r.status, time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        # A worker killed by its timeout closes the connection without an answer.
        return 599, time.perf_counter() - started


def run_wrk(port: int, target: Target, headers: dict[str, str], *, seconds: int, connections: int) -> dict:
    header_args = [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
    base = ["wrk", "-t1", f"-c{connections}", "--timeout", "30s", "-s", str(LUA), *header_args]
    url = f"http://127.0.0.1:{port}{target.path}"
    subprocess.run([*base, "-d2s", url], capture_output=True, check=True)  # warm up
    out = subprocess.run([*base, f"-d{seconds}s", url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in reversed(out.splitlines()) if line.startswith("{"))
    data = json.loads(line)
    if not data["requests"]:
        raise RuntimeError(f"wrk completed no request on {url}")
    return {
        "median_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "requests": data["requests"],
        "errors": data["errors"],
        "non2xx": data["non2xx"],
    }


# --- direct timings -------------------------------------------------------------------------------------------------


def time_calls(fn, *, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def direct_timings(user) -> list[dict]:
    from bench.direct import direct_targets

    rows = []
    for name, fn, repeat, target_s, note, named in direct_targets(user):
        log(f"timing {name}")
        times = time_calls(fn, repeat=repeat)
        rows.append(
            {
                "name": name,
                "median_s": statistics.median(times),
                "p95_s": sorted(times)[max(0, round(0.95 * len(times)) - 1)],
                "runs": repeat,
                "target_s": target_s,
                "note": note,
                "named": named,
            }
        )
    return rows


# --- the report ----------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from django.db import connection

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    import gunicorn

    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "PostgreSQL": pg,
        "Django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": wrk[0].split(" [")[0] if wrk else "?",
        "commit": commit.strip(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def dataset_counts() -> dict[str, int]:
    from committees.models import Body, CadenceRule
    from meetings.models import AgendaItem, Attendance, JointDecision, Meeting, SessionRequest

    counts = {
        "bodies": Body.objects.count(),
        "cadence rules": CadenceRule.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "attendance rows": Attendance.objects.count(),
        "extraordinary-session requests": SessionRequest.objects.count(),
        "joint decisions": JointDecision.objects.count(),
    }
    from bench.direct import compliance_counts

    counts.update(compliance_counts())
    return counts


NAMED = (
    "calendar, month view",
    "meeting list API",
    "meeting list page",
    "meeting detail page",
    "meeting detail API",
    "compliance grid page, all bodies, 25 years",
)


def _row(t: Target, floors: dict) -> tuple[str, bool | None]:
    floor = floors[t.kind]
    ratio = t.result["median_ms"] / floor["median_ms"]
    if t.name.startswith("floor"):
        ok, verdict = None, "(floor)"
    else:
        ok = ratio <= PAGE_TARGET_RATIO and t.status == 200 and not t.result["non2xx"]
        verdict = "yes" if ok else "**no**"
    what = t.name + (f" ({t.note})" if t.note else "")
    line = (
        f"| `{t.path}` | {what} | {t.result['median_ms']:.2f} | {t.result['p95_ms']:.2f} | "
        f"{t.result['rps']:.0f} | {ratio:.2f} | {_cold(t)} | {t.queries} | {verdict} |"
    )
    return line, ok


def _cold(t: Target) -> str:
    return "" if t.cold_ms is None else f"{t.cold_ms:.1f}"


def _direct_row(row: dict) -> tuple[str, bool]:
    ok = row["median_s"] <= row["target_s"]
    line = (
        f"| {row['name']}{' (' + row['note'] + ')' if row['note'] else ''} | {_secs(row['median_s'])} | "
        f"{_secs(row['p95_s'])} | {row['runs']} | {_secs(row['target_s'])} | {'yes' if ok else '**no**'} |"
    )
    return line, ok


def write_report(path: Path, *, targets, floors, direct, info, counts, args) -> tuple[int, int]:
    measured = [t for t in targets if t.result]
    header = [
        "| URL | what | median ms | p95 ms | req/s | ratio to floor | after a write: ms in process | queries "
        "| target met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    direct_header = ["| what | median | slowest run | runs | target | met |", "|---|---:|---:|---:|---:|---|"]
    named = [t for t in measured if t.name.startswith("floor") or t.name in NAMED]
    rows = [_row(t, floors) for t in measured]
    direct_rows = [_direct_row(r) for r in direct if r["named"]]
    other_direct = [_direct_row(r) for r in direct if not r["named"]]
    page_ok = [ok for _, ok in rows if ok is not None]
    met = sum(page_ok) + sum(ok for _, ok in direct_rows + other_direct)
    total = len(page_ok) + len(direct_rows) + len(other_direct)
    named_ok = [ok for t in named if (ok := _row(t, floors)[1]) is not None] + [ok for _, ok in direct_rows]
    missing = [n for n in NAMED if n not in {t.name for t in measured}]
    lines = [
        "# Benchmarks",
        "",
        "Produced by one run of `bench/run` (see [bench/README.md](bench/README.md)) against the large data set; "
        "do not edit by hand.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "## Data set (`generate_large_dataset`, full scale)",
        "",
        "| | rows |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in counts.items()],
        "",
        "## How it was measured",
        "",
        f"gunicorn, {args.workers} sync workers, `nrc.settings.bench` (DEBUG off, PostgreSQL, Redis cache); "
        f"wrk, 1 thread, {args.connections} connections, {args.seconds} s per URL after a 2 s warm-up; "
        "signed in as a secretariat user (sees every body); every request accepts gzip, as browsers and HTTP "
        "libraries do. Pages use the session cookie and are compared with "
        "the page floor; API endpoints use a bearer token and are compared with the API floor. "
        f"Target: median latency within {PAGE_TARGET_RATIO:g}× the floor's. "
        "Each floor is measured at the start and at the end of the run; the faster of the two is used "
        "(conservative ratios). Pages and API reads are answered from the read cache while the data and the "
        "minute are unchanged (`nrc/datacache.py`; the page floor never is), which is what wrk's repeated "
        "requests measure; *after a write* is the same URL in process right after the data version moved (the "
        "median of 3; the floor takes 1.5–2.5 ms there), and *queries* are its SQL statements (the API's token "
        "lookup not included). A URL slower than 1 s on one request is timed by three single requests instead "
        "of wrk.",
        "",
        "## The issue's targets",
        "",
        f"**{sum(named_ok)} of {len(named_ok)} met.**"
        + (f" Not in this build, so not measured: {', '.join(missing)}." if missing else ""),
        "",
        *header,
        *[_row(t, floors)[0] for t in named],
        "",
        *direct_header,
        *[line for line, _ in direct_rows],
    ]
    if not direct_rows:
        lines.append("| (no compliance app in this build: nothing to time) | | | | | |")
    lines += [
        "",
        "## Every page and endpoint",
        "",
        f"**{met} of {total} targets met** (every page and endpoint that takes no parameter and answers GET to "
        "the secretariat, plus the targets above).",
        "",
        *header,
        *[line for line, _ in rows],
    ]
    if other_direct:
        lines += ["", "Also timed directly:", "", *direct_header, *[line for line, _ in other_direct]]
    skipped = [t for t in targets if not t.result and t.status]
    if skipped:
        lines += [
            "",
            "Not measured (not a GET page for this role): " + ", ".join(f"`{t.path}` ({t.status})" for t in skipped),
        ]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    path.write_text("\n".join(lines) + "\n")
    return met, total


def _secs(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


# --- main -----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per URL (default 8)")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (default 2, one per worker)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true", help="replace the large data set first")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--only", default="", help="measure only URLs containing this text (floors always)")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-direct", action="store_true", help="skip the compliance grid and cadence job timings")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrc.settings.bench")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nrc_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (bench/run does this)")
    ensure_database(os.environ["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    prepare_data(regenerate=args.regenerate, today=args.today)
    cookie, token, user = bench_credentials()
    targets = discover_targets()
    if args.only:
        targets = [t for t in targets if t.name.startswith("floor") or args.only in t.path or args.only in t.name]
    log(f"{len(targets)} URLs; counting queries")
    count_queries(targets, user)

    port = free_port()
    log(f"starting gunicorn on 127.0.0.1:{port}")
    server = start_gunicorn(port, args.workers)
    # As browsers and HTTP libraries do, both accept gzip.
    headers = {
        "page": {"Cookie": cookie, "Accept-Encoding": "gzip, deflate"},
        "api": {"Authorization": f"Bearer {token}", "Accept": "application/json", "Accept-Encoding": "gzip, deflate"},
    }
    floors_again: dict[str, dict] = {}
    try:
        for target in targets:
            status, seconds = check_status(port, target, headers[target.kind])
            if status != 200:
                log(f"skipping {target.path}: HTTP {status}")
                target.status = status
                continue
            _, seconds = check_status(port, target, headers[target.kind])  # the first may have filled the cache
            if seconds > SLOW_SECONDS:
                # Too slow for a load test to mean anything: three single requests instead.
                times = sorted([seconds] + [check_status(port, target, headers[target.kind])[1] for _ in range(2)])
                log(f"{target.path}: {times[1]:.2f} s per request, timed without wrk")
                target.note = (target.note + "; " if target.note else "") + "too slow for wrk: 3 single requests"
                target.result = {
                    "median_ms": times[1] * 1000,
                    "p95_ms": times[-1] * 1000,
                    "rps": 1 / times[1],
                    "requests": 3,
                    "errors": 0,
                    "non2xx": 0,
                }
                continue
            log(f"wrk {target.path}")
            target.result = run_wrk(
                port, target, headers[target.kind], seconds=args.seconds, connections=args.connections
            )
        for target in targets[:2]:
            log(f"wrk {target.path} (again)")
            floors_again[target.kind] = run_wrk(
                port, target, headers[target.kind], seconds=args.seconds, connections=args.connections
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    floors = {}
    for target in targets[:2]:
        best = min(target.result, floors_again[target.kind], key=lambda r: r["median_ms"])
        floors[target.kind] = best
        target.result = best
    direct = [] if args.no_direct else direct_timings(user)
    met, total = write_report(
        args.output,
        targets=targets,
        floors=floors,
        direct=direct,
        info=machine(),
        counts=dataset_counts(),
        args=args,
    )
    log(f"{met} of {total} targets met; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
