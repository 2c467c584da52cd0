"""Factories for every model the tests build. Reference data comes from the real loader (fixture
``reference``); these build what a test needs on top of it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import factory
from django.utils import timezone

from committees.models import Basis, Body, BodyKind, CadenceRule, Member, Role, User
from cooperation.models import CooperationArea
from meetings.models import Meeting, MeetingKind, MeetingStatus, Venue

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware datetime in the Council's time zone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    iso2 = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"[:2])
    iso3 = factory.Sequence(lambda n: f"X{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name_en = factory.Sequence(lambda n: f"Member {n}")
    name_fr = factory.LazyAttribute(lambda o: o.name_en)
    name_ru = factory.LazyAttribute(lambda o: o.name_en)
    joined_on = dt.date(2002, 5, 28)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@nrc.example")
    role = Role.SECRETARIAT
    member = None
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationArea

    code = factory.Sequence(lambda n: f"AREA{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    position = factory.Sequence(lambda n: 100 + n)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    code = factory.Sequence(lambda n: f"NRC(T{n})")
    name_en = factory.Sequence(lambda n: f"Test body {n}")
    kind = BodyKind.WORKING_GROUP
    basis = Basis.PERMANENT
    existed_from = dt.date(2002, 5, 28)


class CadenceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CadenceRule

    body = factory.SubFactory(BodyFactory)
    min_meetings = 1
    period = "month"
    effective_from = factory.LazyAttribute(lambda o: o.body.existed_from)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Room {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    kind = MeetingKind.REGULAR
    status = MeetingStatus.HELD
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
