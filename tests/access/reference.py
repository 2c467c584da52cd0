"""Access rows of the reference data API: members, bodies (scoped for delegations), co-operation areas."""

from __future__ import annotations

from committees.models import Body, Member
from cooperation.models import CooperationArea

from . import Row, expect

READ = expect(200, anonymous=401)


def a_member(ctx) -> dict:
    return {"kwargs": {"id": Member.objects.get(iso2="US").pk}}


def a_body(ctx) -> dict:
    return {"kwargs": {"id": Body.objects.get(code="NRC-AMB").pk}}


def a_body_without_the_us(ctx) -> dict:
    """A body the RU delegation sits in and the US delegation does not: hidden from the US delegation."""
    from tests.factories import BodyFactory

    body = BodyFactory(code="NRC(RU-ONLY)")
    body.participants.set([Member.objects.get(iso2="RU")])
    return {"kwargs": {"id": body.pk}}


def an_area(ctx) -> dict:
    return {"kwargs": {"id": CooperationArea.objects.get(code="SAR").pk}}


ROWS = [
    Row("GET", "/api/v1/members/", READ),
    Row("GET", "/api/v1/members/{id}/", READ, setup=a_member),
    Row("GET", "/api/v1/bodies/", READ),
    Row("GET", "/api/v1/bodies/{id}/", READ, setup=a_body),
    Row(
        "GET",
        "/api/v1/bodies/{id}/",
        expect(200, anonymous=401, delegation=404),
        setup=a_body_without_the_us,
        note="delegations only see bodies their member sits in",
    ),
    Row("GET", "/api/v1/areas/", READ),
    Row("GET", "/api/v1/areas/{id}/", READ, setup=an_area),
    # Reference data is read-only on the API, for every role
    Row("POST", "/api/v1/members/", expect(403, anonymous=401, secretariat=405), data={"iso2": "XX"}),
    Row("DELETE", "/api/v1/bodies/{id}/", expect(403, anonymous=401, secretariat=405), setup=a_body),
]
