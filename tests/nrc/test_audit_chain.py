"""The audit trail is tamper-evident: an entry edited or deleted behind the application's back breaks the chain,
``manage.py verify_audit`` names it and exits non-zero; on PostgreSQL the table refuses UPDATE and DELETE."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from nrc.audit import GENESIS, audit_record, audit_verify
from nrc.models import AuditEntry

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _record(n: int, actor=None) -> list[AuditEntry]:
    return [
        audit_record(
            actor=actor,
            action="meeting.reschedule",
            object_type="meetings.meeting",
            object_id=str(i),
            object_repr=f"Meeting {i}",
            before={"starts_at": f"2026-01-0{i % 9 + 1}T10:00:00+00:00"},
            after={"starts_at": f"2026-02-0{i % 9 + 1}T10:00:00+00:00"},
        )
        for i in range(n)
    ]


def _behind_the_back(sql: str, params: list) -> None:
    """Raw SQL as someone with database access would run it; on PostgreSQL through the documented escape hatch."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL nrc.audit_maintenance = 'on'")
        cursor.execute(sql, params)


def _verify() -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_an_intact_chain_verifies(secretariat):
    # Given five entries written by the service layer after those of the reference data
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    existing = AuditEntry.objects.count()
    entries = _record(5, actor=secretariat)
    # Then each links to the previous one
    assert entries[0].prev_hash == last
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    # And the command says so and exits 0
    code, out, _ = _verify()
    assert code == 0
    assert f"audit trail intact: {existing + 5} entries verified" in out


@pytest.mark.django_db
def test_an_entry_edited_with_raw_sql_is_detected(db):
    # Given a chain of five entries
    entries = _record(5)
    victim = entries[2]
    # When someone rewrites the third entry's "after" value directly in the database
    _behind_the_back("UPDATE nrc_auditentry SET after = %s WHERE id = %s", ['{"starts_at": "forged"}', victim.pk])
    assert AuditEntry.objects.get(pk=victim.pk).after == {"starts_at": "forged"}
    # Then verification names exactly that entry and fails
    assert audit_verify() == [f"entry {victim.pk}: content does not match its hash (edited)"]
    code, _, err = _verify()
    assert code == 1
    assert f"entry {victim.pk}: content does not match its hash" in err
    assert "audit trail broken: 1 problem(s) found" in err


@pytest.mark.django_db
def test_an_edit_with_a_recomputed_hash_still_breaks_the_next_link(db):
    # Given a chain, and a forger who also recomputes the edited entry's own hash
    entries = _record(4)
    victim = entries[1]
    _behind_the_back("UPDATE nrc_auditentry SET actor_id = NULL, hash = %s WHERE id = %s", ["f" * 64, victim.pk])
    # Then the edited entry and the link of the entry after it are reported
    problems = audit_verify()
    assert problems == [
        f"entry {victim.pk}: content does not match its hash (edited)",
        f"entry {entries[2].pk}: previous-hash link broken (an entry before it was removed or altered)",
    ]


@pytest.mark.django_db
def test_a_middle_entry_deleted_with_raw_sql_is_detected(db):
    # Given a chain of five entries
    entries = _record(5)
    # When the middle entry is deleted directly in the database
    _behind_the_back("DELETE FROM nrc_auditentry WHERE id = %s", [entries[2].pk])
    # Then the entry that followed it is named: its link points at a hash that no longer exists
    assert audit_verify() == [
        f"entry {entries[3].pk}: previous-hash link broken (an entry before it was removed or altered)"
    ]
    code, _, err = _verify()
    assert code == 1
    assert f"entry {entries[3].pk}: previous-hash link broken" in err


@on_postgresql
@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_without_the_escape_hatch(db):
    # Given a chain of three entries
    entries = _record(3)
    before = list(AuditEntry.objects.order_by("id").values_list("id", "after", "hash"))
    # When the application (or anyone) updates or deletes an entry without the maintenance setting
    for sql in ("UPDATE nrc_auditentry SET after = NULL WHERE id = %s", "DELETE FROM nrc_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entries[1].pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()
    # Then nothing changed and the chain is intact
    assert list(AuditEntry.objects.order_by("id").values_list("id", "after", "hash")) == before
    assert audit_verify() == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_chain_stays_linear_under_concurrent_writers():
    # Given four writers, each appending ten entries in its own connection and transactions, at the same time
    writers, per_writer = 4, 10
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", object_type="t", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # Then every entry was written, each previous hash is used exactly once (no fork), and the chain verifies
    assert errors == []
    rows = list(AuditEntry.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(rows) == writers * per_writer
    assert rows[0][0] == GENESIS
    assert [prev for prev, _ in rows[1:]] == [h for _, h in rows[:-1]]
    assert len({prev for prev, _ in rows}) == len(rows)
    assert audit_verify() == []


@pytest.mark.django_db
def test_entries_removed_from_the_end_are_detected_against_a_recorded_head(db):
    from io import StringIO

    # Given a chain whose head hash the operator recorded elsewhere
    entries = _record(4)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    head = out.getvalue().split("head: ")[1].strip()
    assert head == entries[-1].hash
    # When the last two entries are deleted (no link is left broken)
    _behind_the_back("DELETE FROM nrc_auditentry WHERE id >= %s", [entries[2].pk])
    assert audit_verify() == []
    # Then verifying against the recorded head detects it
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit", "--head", head, stdout=StringIO(), stderr=err)
    assert f"recorded head {head}: no longer in the trail" in err.getvalue()
