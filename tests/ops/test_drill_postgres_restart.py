"""Drill: PostgreSQL restarts under the running application, which recovers without being restarted.

A private PostgreSQL cluster (never the shared one) serves a topology of gunicorn and a Celery worker. The
web workers hold persistent connections (CONN_MAX_AGE); after the restart those connections are dead, and
CONN_HEALTH_CHECKS makes each process notice and reconnect at the start of its next request or task.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ops.client import Api
from ops.topology import PostgresCluster, Sql, Topology, free_port, wait_for

from .conftest import ops_only

pytestmark = ops_only

OTHER_BACKENDS = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"


def test_the_app_recovers_from_a_postgresql_restart_without_a_restart_of_its_own(redis_server):
    cluster = PostgresCluster(port=free_port())
    try:
        cluster.init()
        cluster.start()
        topo = Topology(
            database="nrc_ops_pg_restart", db_server=cluster.server, redis_url=redis_server.url + "/1", beat=False
        )
        with topo:
            # Given: the web workers and the Celery worker each hold a persistent database connection.
            api = Api(topo.base_url).login("auditor", topo.password)
            sql = Sql(topo.database_url)

            def both_web_workers_connected():
                # Concurrent requests, so that both gunicorn workers (not just the first to accept) serve some.
                with ThreadPoolExecutor(6) as pool:
                    assert set(pool.map(lambda _: api.get("/api/v1/me/").status_code, range(12))) == {200}
                return sql.value(OTHER_BACKENDS, [topo.database]) >= 2

            wait_for(both_web_workers_connected, timeout=60, interval=0.1, what="two persistent connections")
            sql.close()
            topo.wait_task(topo.send_task("nrc.tasks.outbox_sweep"))
            web_pids, worker_pids = topo.pids("web"), topo.pids("worker")

            # When: PostgreSQL restarts (fast shutdown: every connection is cut).
            cluster.restart()

            # Then: every request afterwards succeeds, served by the very same processes.
            statuses = [api.get("/api/v1/me/").status_code for _ in range(20)]
            assert statuses == [200] * 20
            assert topo.healthz() == (
                200,
                {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}},
            )
            # A write after the restart is stored exactly once.
            sql = Sql(topo.database_url)
            tokens_before = sql.value("SELECT count(*) FROM nrc_apitoken")
            Api(topo.base_url).login("secretariat", topo.password)
            assert sql.value("SELECT count(*) FROM nrc_apitoken") == tokens_before + 1
            sql.close()
            # The Celery worker reconnects too.
            topo.wait_task(topo.send_task("nrc.tasks.outbox_sweep"))
            assert topo.pids("web") == web_pids
            assert topo.pids("worker") == worker_pids
            assert topo.errors("web") == []
    finally:
        cluster.remove()
