"""The large data set generator is deterministic, complete and refuses production."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from committees.models import Body, CadenceRule
from meetings.models import AgendaItem, Attendance, JointDecision, Meeting, Minutes, SessionRequest
from nrc.large_dataset import (
    GENERATED_NOTE,
    LargeDatasetError,
    large_dataset_generate,
    large_dataset_reset,
)

TODAY = dt.date(2026, 11, 27)


def fingerprint() -> dict[str, list]:
    """Everything generated, by natural keys (no primary keys)."""
    return {
        "bodies": list(
            Body.objects.filter(note=GENERATED_NOTE)
            .order_by("code")
            .values_list("code", "kind", "basis", "existed_from", "existed_to")
        ),
        "rules": list(
            CadenceRule.objects.filter(body__note=GENERATED_NOTE)
            .order_by("body__code", "effective_from")
            .values_list("body__code", "min_meetings", "period", "effective_from", "effective_to")
        ),
        "meetings": list(
            Meeting.objects.order_by("starts_at", "body__code").values_list(
                "body__code", "kind", "status", "title", "starts_at", "ends_at", "venue__name"
            )
        ),
        "agenda": list(
            AgendaItem.objects.order_by("meeting__starts_at", "meeting__body__code", "position").values_list(
                "meeting__title", "position", "title", "area__code"
            )
        ),
        "attendance": list(
            Attendance.objects.order_by("meeting__starts_at", "meeting__body__code", "member__iso2").values_list(
                "meeting__title", "member__iso2", "status"
            )
        ),
        "requests": list(
            SessionRequest.objects.order_by("submitted_at").values_list(
                "body__code", "on_behalf_of__iso2", "status", "submitted_at", "meeting__title"
            )
        ),
        "decisions": list(JointDecision.objects.order_by("reference").values_list("reference", "status", "method")),
    }


@pytest.mark.django_db
def test_generator_is_deterministic_at_small_scale(reference):
    # Given the reference data, when the set is generated at 1/1000 scale twice with the same seed and day
    first_report = large_dataset_generate(scale=0.001, today=TODAY)
    first = fingerprint()
    large_dataset_reset()
    assert Meeting.objects.count() == 0
    second_report = large_dataset_generate(scale=0.001, today=TODAY)
    # then the same rows come out, and the report counts them exactly
    assert fingerprint() == first
    assert second_report.counts == first_report.counts
    assert first_report.counts["meetings"] == len(first["meetings"]) == Meeting.objects.count()
    assert first_report.counts["attendance"] == len(first["attendance"])
    assert first_report.counts["bodies"] == 1  # 300 working groups × 0.001, at least one
    # the history is the last year only, ending in 2026, with every kind of row present
    assert {m[4].year for m in first["meetings"]} == {2026}
    assert Minutes.objects.count() == Meeting.objects.filter(status="held").count() > 0
    assert first["agenda"] and first["requests"] and first["decisions"]
    # every meeting is after today is still scheduled or cancelled, never held
    assert not Meeting.objects.filter(starts_at__date__gt=TODAY, status="held").exists()


@pytest.mark.django_db
def test_a_different_seed_gives_different_data(reference):
    large_dataset_generate(scale=0.001, today=TODAY)
    first = fingerprint()["meetings"]
    large_dataset_reset()
    large_dataset_generate(scale=0.001, today=TODAY, seed=7)
    assert fingerprint()["meetings"] != first


@pytest.mark.django_db
def test_a_second_run_is_refused_until_reset(reference):
    large_dataset_generate(scale=0.001, today=TODAY)
    count = Meeting.objects.count()
    with pytest.raises(LargeDatasetError):
        large_dataset_generate(scale=0.001, today=TODAY)
    assert Meeting.objects.count() == count


@pytest.mark.django_db
@override_settings(NRC_DEMO=False)
def test_command_refuses_production_without_force(reference):
    with pytest.raises(CommandError, match="NRC_DEMO is off"):
        call_command("generate_large_dataset", "--scale", "0.001")
    assert Meeting.objects.count() == 0


@pytest.mark.django_db
def test_command_generates_and_resets(reference, capsys):
    call_command("generate_large_dataset", "--scale", "0.001", "--today", "2026-11-27")
    count = Meeting.objects.count()
    call_command("generate_large_dataset", "--scale", "0.001", "--today", "2026-11-27", "--reset")
    assert Meeting.objects.count() == count
    assert f"{count} meetings" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_database_with_meetings_is_refused(reference):
    from tests.factories import MeetingFactory

    MeetingFactory()
    with pytest.raises(LargeDatasetError, match="already has meetings"):
        large_dataset_generate(scale=0.001, today=TODAY)
    assert Meeting.objects.count() == 1
    assert not Body.objects.filter(note=GENERATED_NOTE).exists()
