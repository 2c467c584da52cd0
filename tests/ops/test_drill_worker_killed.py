"""Drill: the Celery worker is killed (SIGKILL, worker and pool) in the middle of the cadence job.

The job runs in one transaction; the drill holds a SHARE lock on the flag table so that the job, having
evaluated every rule, blocks on its first flag INSERT, and kills the worker there. Nothing is half-written;
the rerun (as beat runs it every hour) raises each flag once, with one event, one audit row and one notice;
a third run changes nothing.
"""

from __future__ import annotations

import importlib.util

import pytest

from ops.topology import Sql, Topology, wait_for

from .conftest import ops_only

pytestmark = ops_only

CADENCE = "compliance.tasks.cadence_flags_refresh"
BLOCKED_INSERT = (
    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
    "AND query LIKE 'INSERT INTO \"compliance_flag\"%%'"
)


def state(sql: Sql) -> dict:
    return {
        "flags": sql.value("SELECT count(*) FROM compliance_flag"),
        "events": sql.value("SELECT count(*) FROM compliance_flagevent"),
        "audit": sql.value("SELECT count(*) FROM nrc_auditentry WHERE action LIKE 'flag.%%'"),
        "notices": sql.value("SELECT count(*) FROM nrc_notification WHERE template = 'cadence_flags'"),
    }


def test_a_worker_killed_in_the_middle_of_the_cadence_job_leaves_no_duplicate_after_the_rerun(redis_server):
    if importlib.util.find_spec("compliance.tasks") is None:
        pytest.skip("this build has no cadence job yet")
    # A topology of its own: a fresh database where the job has flags to raise, and no beat to interfere.
    with Topology(database="nrc_ops_worker_killed", redis_url=redis_server.url + "/2", beat=False) as topo:
        sql = topo.sql()
        before = state(sql)
        assert before["flags"] == 0

        # Given: the job is running and has reached its first flag INSERT, where it waits on our lock.
        locker = Sql(topo.database_url)
        locker.conn.autocommit = False
        locker.rows("LOCK TABLE compliance_flag IN SHARE MODE")
        topo.send_task(CADENCE)
        backend = wait_for(
            lambda: sql.value(BLOCKED_INSERT, [topo.database]), timeout=120, what="the job's first flag INSERT"
        )

        # When: the worker is killed there, and the lock released.
        topo.worker_kill()
        locker.conn.rollback()
        locker.close()
        wait_for(
            lambda: not sql.rows("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]),
            timeout=30,
            what="the killed worker's transaction to end",
        )

        # Then: nothing was half-written.
        assert state(sql) == before

        # When: a worker comes back and the job runs again.
        topo.worker_start()
        topo.wait_task(topo.send_task(CADENCE), timeout=300)

        # Then: each (rule, period) is flagged once, raised once, audited once, announced once.
        after = state(sql)
        assert after["flags"] > 0
        assert (
            sql.rows("SELECT rule_id, period, period_start FROM compliance_flag GROUP BY 1, 2, 3 HAVING count(*) > 1")
            == []
        )
        assert (
            sql.rows(
                "SELECT f.id FROM compliance_flag f LEFT JOIN compliance_flagevent e "
                "ON e.flag_id = f.id AND e.kind = 'raised' GROUP BY f.id HAVING count(e.id) <> 1"
            )
            == []
        )
        assert sql.value("SELECT count(*) FROM nrc_auditentry WHERE action = 'flag.raise'") == after["flags"]
        secretariat = sql.value("SELECT count(*) FROM committees_user WHERE role = 'secretariat' AND is_active")
        assert after["notices"] == secretariat

        # And: a third run changes nothing.
        topo.wait_task(topo.send_task(CADENCE), timeout=300)
        assert state(sql) == after
        sql.close()
