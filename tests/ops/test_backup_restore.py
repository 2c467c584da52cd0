"""Backups restore: bin/backup (pg_dump -Fc) then bin/restore (pg_restore --exit-on-error) into a scratch
database give the same rows in every table, with the same content."""

from __future__ import annotations

import subprocess

from ops.topology import PYTHON, ROOT, SHARED_PG, Sql, database_create, database_drop, run

from .conftest import ops_only

pytestmark = ops_only

SOURCE, TARGET = "nrc_ops_backup_source", "nrc_ops_backup_restored"


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: its row count and a digest of its rows (independent of row order)."""
    sql = Sql(url)
    try:
        tables = [
            name for (name,) in sql.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        digest = "md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"
        return {table: sql.rows(f'SELECT count(*), {digest} FROM "{table}" t')[0] for table in tables}  # noqa: S608
    finally:
        sql.close()


def test_a_backup_restores_into_a_scratch_database_with_every_row(tmp_path):
    # Given: a database with the reference data and the demo data set.
    source_url = database_create(SOURCE)
    target_url = f"{SHARED_PG}/{TARGET}"
    database_drop(TARGET)
    env = {"DJANGO_SETTINGS_MODULE": "nrc.settings.local", "DATABASE_URL": source_url, "PATH": "/usr/bin:/bin"}
    try:
        for command in (["migrate", "--noinput", "-v0"], ["load_reference"], ["seed_demo"]):
            run([PYTHON, "manage.py", *command], env=env, cwd=ROOT, quiet=True, stderr=subprocess.DEVNULL)
        before = table_fingerprints(source_url)

        # When: it is backed up and restored into a new database.
        dump = tmp_path / "nrc.dump"
        run([str(ROOT / "bin" / "backup"), str(dump)], env={**env, "DATABASE_URL": source_url}, quiet=True)
        run([str(ROOT / "bin" / "restore"), str(dump), target_url], env=env, quiet=True)

        # Then: the same tables, the same number of rows in each, the same content.
        after = table_fingerprints(target_url)
        assert after == before
        assert before["committees_member"][0] == 33
        assert before["django_migrations"][0] > 0
        assert sum(count for count, _ in before.values()) > 200

        # And: restoring over a database that has tables is refused, and changes nothing.
        refused = run(
            [str(ROOT / "bin" / "restore"), str(dump), target_url], env=env, check=False, capture_output=True, text=True
        )
        assert refused.returncode == 1
        assert "refusing" in refused.stderr
        assert table_fingerprints(target_url) == before
    finally:
        database_drop(SOURCE)
        database_drop(TARGET)
