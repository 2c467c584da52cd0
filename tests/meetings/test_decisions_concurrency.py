"""The silence-procedure job run by two workers at once adopts each decision once (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from meetings.models import JointDecision
from meetings.services.decisions import silence_procedures_close
from nrc.models import AuditEntry, Notification
from tests.cooperation.factories_groups import circulated_decision

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_workers_closing_silence_procedures_adopt_each_decision_once(reference):
    decisions = [circulated_decision(hours=-1) for _ in range(5)]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(silence_procedures_close())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 5
    assert JointDecision.objects.filter(pk__in=[d.pk for d in decisions], status="adopted").count() == 5
    assert AuditEntry.objects.filter(action="decision.adopt_by_silence").count() == 5
    assert Notification.objects.filter(template="decision_adopted").count() == 0  # no delegation user exists
