"""Factories for extraordinary-session requests (rows as the services would leave them)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from committees.models import Body
from meetings.models import ProposedSlot, SessionRequest, SessionRequestStatus, SessionRequestTransition, Urgency


def in_days(days: int, hour: int = 10) -> dt.datetime:
    """An aware datetime ``days`` from now at ``hour`` o'clock, Council time."""
    local = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    return (local + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


class SessionRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request of the ambassadorial Council, with one proposed slot a week ahead."""

    class Meta:
        model = SessionRequest
        skip_postgeneration_save = True

    body = factory.LazyFunction(lambda: Body.objects.get(code="NRC-AMB"))
    requested_by = None  # required: pass a user
    on_behalf_of = factory.LazyAttribute(lambda o: o.requested_by.member)
    grounds = factory.Sequence(lambda n: f"Grounds of request {n}")
    urgency = Urgency.URGENT
    status = SessionRequestStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        if not create:
            return
        for start, end in extracted or [(in_days(7), in_days(7, 12))]:
            ProposedSlot.objects.create(request=obj, starts_at=start, ends_at=end)
        SessionRequestTransition.objects.create(
            request=obj,
            from_status="",
            to_status=SessionRequestStatus.SUBMITTED,
            actor=obj.requested_by,
            at=obj.submitted_at,
        )
