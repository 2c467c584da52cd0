"""Factories for decisions, implementation issues and work programmes (shared by the groups tests)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from committees.models import Body, Member
from cooperation.models import CooperationArea, WorkProgramme, WorkProgrammeItem
from meetings.models import (
    DecisionMethod,
    DecisionStatus,
    ImplementationIssue,
    JointDecision,
    Meeting,
    MeetingStatus,
)
from tests.factories import MeetingFactory, UserFactory


def held_meeting(code: str = "NRC-PC", days_ago: int = 3, **kwargs) -> Meeting:
    starts_at = timezone.now() - dt.timedelta(days=days_ago)
    return MeetingFactory(body=Body.objects.get(code=code), status=MeetingStatus.HELD, starts_at=starts_at, **kwargs)


def scheduled_meeting(code: str = "NRC-PC", days_ahead: int = 10, **kwargs) -> Meeting:
    starts_at = timezone.now() + dt.timedelta(days=days_ahead)
    return MeetingFactory(
        body=Body.objects.get(code=code), status=MeetingStatus.SCHEDULED, starts_at=starts_at, **kwargs
    )


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointDecision
        skip_postgeneration_save = True

    meeting = factory.LazyFunction(held_meeting)
    reference = factory.Sequence(lambda n: f"NRC-D(2026){n:03d}")
    title = factory.Sequence(lambda n: f"Decision {n}")
    text = "The Council agrees to co-operate."
    method = DecisionMethod.CONSENSUS
    status = DecisionStatus.ADOPTED
    adopted_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.areas.set(extracted)


def circulated_decision(*, hours: int = 24, **kwargs) -> JointDecision:
    return DecisionFactory(
        method=DecisionMethod.SILENCE,
        status=DecisionStatus.CIRCULATED,
        adopted_at=None,
        silence_deadline=timezone.now() + dt.timedelta(hours=hours),
        **kwargs,
    )


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImplementationIssue

    decision = factory.SubFactory(DecisionFactory)
    member = factory.LazyFunction(lambda: Member.objects.get(iso2="US"))
    raised_by = factory.SubFactory(UserFactory, role="delegation", member=factory.SelfAttribute("..member"))
    title = factory.Sequence(lambda n: f"Issue {n}")
    description = "Implementation lags behind."


def programme_with_items(area_code: str, year: int, progresses: list[tuple[str, int]]) -> WorkProgramme:
    programme = WorkProgramme.objects.create(area=CooperationArea.objects.get(code=area_code), year=year)
    for position, (status, progress) in enumerate(progresses, start=1):
        WorkProgrammeItem.objects.create(
            programme=programme, position=position, title=f"Item {position}", status=status, progress=progress
        )
    return programme
