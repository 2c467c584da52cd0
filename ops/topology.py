"""The production topology, natively: PostgreSQL, Redis, gunicorn (web), a Celery worker and one beat.

This is what ``docker-compose.yml`` runs, without Docker: the same settings module
(``nrc.settings.production``), the same gunicorn configuration (``ops/gunicorn.conf.py``), the same
commands for migrate, worker and beat. It is used by ``bin/topology`` (by hand), by the smoke journey,
the fault drills and the load test.

Everything it starts it also stops: processes are started in their own process group and ended by
their own ids; the scratch database is dropped at the end (unless asked to keep it). A private
``redis-server`` or PostgreSQL cluster can be started for drills that stop or restart them, so that
the shared local services are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SHARED_PG = "postgres://postgres@127.0.0.1:5432"
OPS_DIR = ROOT / "var" / "ops"
#: Passwords of the accounts that ``ops.bootstrap`` creates in a topology's scratch database.
DEFAULT_PASSWORD = "ops-journey-password-2026"  # noqa: S105 - scratch databases only


def run(cmd: Sequence[str], *, env: dict | None = None, check: bool = True, quiet: bool = False, **kw):
    """Run a command of ours (fixed argv, no shell)."""
    if quiet:
        kw.setdefault("stdout", subprocess.DEVNULL)
    return subprocess.run(list(cmd), env=env, check=check, **kw)  # noqa: S603


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception as exc:  # noqa: BLE001 - keep polling, report the last error
            last_exc = exc
            result = None
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}" + (f": {last_exc}" if last_exc else ""))


# --- databases -----------------------------------------------------------------------------------------


def psql(sql: str, *, server: str = SHARED_PG, database: str = "postgres") -> str:
    out = run(
        ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", f"{server}/{database}", "-c", sql],
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
        stdout=subprocess.PIPE,
        text=True,
    )
    return out.stdout.strip()


def database_create(name: str, *, server: str = SHARED_PG) -> str:
    """Create (or recreate) a scratch database; returns its URL."""
    assert re.fullmatch(r"nrc_ops\w*", name), "scratch databases of the drills are named nrc_ops*"
    database_drop(name, server=server)
    psql(f'CREATE DATABASE "{name}"', server=server)
    return f"{server}/{name}"


def database_drop(name: str, *, server: str = SHARED_PG) -> None:
    assert re.fullmatch(r"nrc_ops\w*", name)
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server=server)


class Sql:
    """A small psycopg2 wrapper for the drills' assertions (plain SQL, autocommit)."""

    def __init__(self, url: str):
        import psycopg2

        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def rows(self, query: str, params: Sequence = ()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []

    def value(self, query: str, params: Sequence = ()):
        rows = self.rows(query, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        self.conn.close()


def static_collect(env: dict) -> None:
    """collectstatic (manifest + compression, as in the image) into var/ops/static; skipped when nothing changed.

    Compressing every asset takes ~40 s here, so the result is kept between runs, keyed by the static
    sources and the pinned requirements (which bring the vendored assets of installed apps).
    """
    import hashlib

    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    stamp = Path(env["DJANGO_STATIC_ROOT"]) / ".ops-stamp"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, quiet=True)
    stamp.write_text(digest.hexdigest())


# --- private servers for the drills ----------------------------------------------------------------


class RedisServer:
    """A private, ephemeral redis-server on its own port (no persistence), for drills that stop it."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - owned by the process
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.workdir)]
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
        wait_for(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        out = run(
            ["redis-cli", "-p", str(self.port), "ping"],
            check=False,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        return out.stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.proc is None:
            return
        run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            check=False,
            quiet=True,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


class PostgresCluster:
    """A private PostgreSQL 15 cluster in a temporary directory, on its own port, that a drill may restart.

    As root, the server runs as the ``postgres`` OS user (PostgreSQL refuses to run as root).
    """

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="nrc_ops_pg_"))
        self.data = self.dir / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def server(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _pg(self, *args: str, **kw):
        return run([*self.as_postgres, *args], **kw)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._pg(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
            quiet=True,
        )  # fmt: skip

    def start(self) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                 "-o", self._options(), "start", quiet=True)  # fmt: skip

    def restart(self) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                 "-m", "fast", "-o", self._options(), "restart", quiet=True)  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop", check=False, quiet=True)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _options(self) -> str:
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"


# --- the topology ----------------------------------------------------------------------------------


@dataclass
class Topology:
    """Web (gunicorn), a Celery worker and one beat against a scratch database and a Redis database."""

    database: str = "nrc_ops"
    db_server: str = SHARED_PG
    redis_url: str = "redis://127.0.0.1:6379/7"
    port: int = 0
    web_workers: int = 2
    worker: bool = True
    beat: bool = True
    keep_database: bool = False
    password: str = DEFAULT_PASSWORD
    run_dir: Path | None = None
    extra_env: dict = field(default_factory=dict)
    #: Called with the topology after the database is ready and before the processes start (e.g. data).
    start_hooks: list = field(default_factory=list)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict, init=False)

    def __post_init__(self):
        self.port = self.port or free_port()
        self.run_dir = self.run_dir or OPS_DIR / self.database
        self.secret_key = secrets.token_urlsafe(64)

    # -- configuration --

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"{self.db_server}/{self.database}"

    def env(self) -> dict[str, str]:
        """The production settings, from the environment, as docker-compose.yml sets them."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="nrc.settings.production",
            DJANGO_SECRET_KEY=self.secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            # Plain HTTP on loopback: no TLS terminator in front, so no redirect to https.
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(OPS_DIR / "static"),
            DJANGO_MEDIA_ROOT=str(self.run_dir / "media"),
            # Deliveries are printed by the worker (one block per email), which the drills count.
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, quiet: bool = True) -> None:
        run([PYTHON, "manage.py", *args], env=self.env(), cwd=ROOT, quiet=quiet)

    # -- lifecycle --

    def start(self) -> Topology:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for log in self.run_dir.glob("*.log"):
            log.unlink()
        database_create(self.database, server=self.db_server)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_reference")
        static_collect(self.env())
        run([PYTHON, "-m", "ops.bootstrap"], env={**self.env(), "OPS_PASSWORD": self.password}, cwd=ROOT, quiet=True)
        for hook in self.start_hooks:
            hook(self)
        self.web_start()
        if self.worker:
            self.worker_start()
        if self.beat:
            self.beat_start()
        self.wait_healthy()
        return self

    def stop(self) -> None:
        for name in list(reversed(self.procs)):
            self._stop(name)
        if not self.keep_database:
            with contextlib.suppress(subprocess.CalledProcessError):
                database_drop(self.database, server=self.db_server)

    def __enter__(self) -> Topology:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- processes --

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the process
        proc = subprocess.Popen(  # noqa: S603
            argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def _stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # our own process group: the process and its children
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # Children of a killed parent (a Celery pool, gunicorn workers) are in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    def web_start(self) -> None:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", self.port))
            except OSError as exc:
                raise RuntimeError(f"port {self.port} is in use: choose another (--port)") from exc
        self._spawn(
            "web",
            [str(BIN / "gunicorn"), "-c", str(ROOT / "ops" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.web_workers), "--no-control-socket", "nrc.wsgi:application"],
        )  # fmt: skip

    def worker_start(self) -> None:
        self._spawn(
            "worker",
            [str(BIN / "celery"), "-A", "nrc", "worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip",
             "--without-mingle", "-n", f"worker-{self.database}@%h"],
        )  # fmt: skip
        wait_for(lambda: "ready" in self.log("worker"), timeout=60, what="the Celery worker to be ready")

    def worker_kill(self) -> None:
        """SIGKILL the worker and its pool: what a lost node or the OOM killer does."""
        self._stop("worker", sig=signal.SIGKILL)

    def beat_start(self) -> None:
        self._spawn(
            "beat",
            [str(BIN / "celery"), "-A", "nrc", "beat", "--loglevel=INFO", "-s", str(self.run_dir / "beat-schedule")],
        )

    def pids(self, name: str) -> list[int]:
        """The process and its children (e.g. gunicorn's master and workers)."""
        proc = self.procs[name]
        out = run(["pgrep", "-g", str(proc.pid)], stdout=subprocess.PIPE, text=True, check=False)
        return sorted(int(p) for p in out.stdout.split())

    def log(self, name: str) -> str:
        path = self.run_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def errors(self, name: str, since: int = 0) -> list[str]:
        """Log lines of level ERROR or CRITICAL (a 500, a task that raised) of one process, from offset ``since``."""
        lines = self.log(name)[since:].splitlines()
        return [line for line in lines if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line]

    # -- probes and helpers --

    def healthz(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=10) as resp:  # noqa: S310 - loopback
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def wait_healthy(self, timeout: float = 60) -> dict:
        def ok():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log(name)[-3000:]}")
            status, body = self.healthz()
            return body if status == 200 and body.get("status") == "ok" else None

        return wait_for(ok, timeout=timeout, interval=0.3, what=f"{self.base_url}/healthz")

    def send_task(self, name: str, *args, **kwargs) -> str:
        return celery_send(self.redis_url, name, *args, **kwargs)

    def wait_task(self, task_id: str, *, timeout: float = 120) -> str:
        """Wait until the worker logs the task's outcome; returns the log line. Fails on a task failure."""
        pattern = re.compile(rf"Task [\w.]+\[{re.escape(task_id)}\] (succeeded|raised|failed|retry)[^\n]*")

        def done():
            match = pattern.search(self.log("worker"))
            return match.group(0) if match else None

        line = wait_for(done, timeout=timeout, interval=0.3, what=f"task {task_id}")
        if " succeeded" not in line:
            raise AssertionError(f"task {task_id} did not succeed: {line}")
        return line

    def sql(self) -> Sql:
        return Sql(self.database_url)


def celery_send(broker_url: str, name: str, *args, **kwargs) -> str:
    """Send a task by name to the broker, as beat does; returns the task id."""
    from celery import Celery

    app = Celery("nrc-ops-client", broker=broker_url, set_as_current=False)
    app.conf.update(task_serializer="json", accept_content=["json"], broker_connection_timeout=2)
    try:
        return app.send_task(name, args=args, kwargs=kwargs).id
    finally:
        app.close()


@contextlib.contextmanager
def private_redis(port: int | None = None) -> Iterator[RedisServer]:
    server = RedisServer(port or free_port(), OPS_DIR / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="bin/topology",
        description="Bring up the production topology natively (PostgreSQL, Redis, gunicorn, Celery worker, beat), "
        "wait for /healthz, then run COMMAND against it (its environment has NRC_BASE_URL) or wait for Ctrl-C. "
        "Everything is torn down on exit.",
    )
    parser.add_argument("--database", default="nrc_ops", help="scratch database name (nrc_ops*), recreated")
    parser.add_argument("--port", type=int, default=0, help="web port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="broker and cache")
    parser.add_argument("--own-redis", type=int, metavar="PORT", help="start a private redis-server on PORT instead")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database at exit")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run once the topology is healthy")
    args = parser.parse_args(argv)
    # SIGTERM (e.g. from a supervisor) tears down like Ctrl-C does: every process stopped, the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with contextlib.ExitStack() as stack:
        redis_url = args.redis_url
        if args.own_redis:
            redis_url = stack.enter_context(private_redis(args.own_redis)).url + "/0"
        topo = Topology(
            database=args.database,
            port=args.port,
            redis_url=redis_url,
            web_workers=args.workers,
            keep_database=args.keep,
        )
        started = time.monotonic()
        stack.enter_context(topo)
        print(
            f"NRC topology up in {time.monotonic() - started:.1f}s: {topo.base_url}/ "
            f"(database {topo.database}, broker {redis_url}; logs in {topo.run_dir}). "
            f"Accounts: secretariat, chair, auditor, delegation-us, delegation-ru… password {topo.password!r}",
            flush=True,
        )
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if command:
            env = {**os.environ, "NRC_BASE_URL": topo.base_url, "NRC_PASSWORD": topo.password}
            env.update(NRC_DATABASE_URL=topo.database_url, NRC_REDIS_URL=redis_url)
            return run(command, env=env, check=False).returncode
        try:
            while all(p.poll() is None for p in topo.procs.values()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        dead = [name for name, p in topo.procs.items() if p.poll() is not None]
        print(f"stopping: {', '.join(dead)} exited (see {topo.run_dir})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
