"""Factories and helpers for the compliance tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.db.models import Prefetch

from committees.models import Body, CadenceRule
from compliance.evaluation import cadence_evaluate
from compliance.models import Waiver, WaiverKind, WaiverStatus
from meetings.models import MeetingStatus
from tests.factories import BodyFactory, CadenceRuleFactory, MeetingFactory, brussels

UTC = dt.UTC


class WaiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Waiver
        skip_postgeneration_save = True

    kind = WaiverKind.WAIVER
    title = factory.Sequence(lambda n: f"Waiver {n}")
    starts_on = dt.date(2004, 1, 1)
    ends_on = None
    justification = "Test justification."
    status = WaiverStatus.APPROVED

    @factory.post_generation
    def bodies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.bodies.set(extracted)


def monthly_body(*, min_meetings: int = 1, period: str = "month", existed_from=dt.date(2002, 5, 28), **kwargs) -> Body:
    body = BodyFactory(existed_from=existed_from, **kwargs)
    CadenceRuleFactory(body=body, min_meetings=min_meetings, period=period, effective_from=existed_from)
    return body


def meeting(body: Body, starts_at: dt.datetime, status: str = MeetingStatus.HELD, **kwargs):
    return MeetingFactory(
        body=body, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), status=status, **kwargs
    )


def held_every_month(body: Body, first: dt.date, last: dt.date, skip=()) -> None:
    """One held meeting on the 10th of every month from ``first`` to ``last`` (Brussels), except ``skip``."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if (year, month) not in skip:
            meeting(body, brussels(year, month, 10))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def prefetched(*bodies: Body) -> list[Body]:
    return list(
        Body.objects.filter(pk__in=[b.pk for b in bodies])
        .prefetch_related(Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from")))
        .order_by("rank", "code")
    )


def verdicts(body: Body, at: dt.datetime, **kwargs) -> dict[str, str]:
    """{period label: verdict} of every rule of ``body``; when two rules share a label the later rule wins."""
    evaluation = cadence_evaluate(at=at, bodies=prefetched(body), **kwargs)
    return {u.period.label: u.verdict for u in evaluation.units}


def units(body: Body, at: dt.datetime, **kwargs):
    return cadence_evaluate(at=at, bodies=prefetched(body), **kwargs).units


__all__ = ["UTC", "brussels"]
