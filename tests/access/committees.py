"""Access rows of committees and working groups: every role reads the bodies it sees; the secretariat sets them
up and dissolves them."""

from __future__ import annotations

from committees.models import Body, Member

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
SECRETARIAT_ONLY = expect(403, anonymous=WEB_ANON, secretariat=200)


def a_body(ctx) -> dict:
    body = Body.objects.get(code="NRC-AMB")
    return {"kwargs": {"pk": body.pk, "id": body.pk}}


def a_body_without_the_us(ctx) -> dict:
    from tests.factories import BodyFactory

    body = BodyFactory(code="NRC-RU-ONLY")
    body.participants.set([Member.objects.get(iso2="RU")])
    return {"kwargs": {"pk": body.pk}}


def a_new_group(ctx) -> dict:
    parent = Body.objects.get(code="NRC-PC")
    return {
        "data": {
            "code": "NRC(ACCESS)",
            "name_en": "Ad hoc working group on access",
            "kind": "working_group",
            "parent": parent.pk,
            "basis": "permanent",
            "existed_from": "2026-01-01",
        }
    }


def a_new_group_api(ctx) -> dict:
    return {
        "data": {
            "code": "NRC(ACCESS)",
            "name_en": "Ad hoc working group on access",
            "kind": "working_group",
            "parent": "NRC-PC",
            "basis": "permanent",
            "existed_from": "2026-01-01",
        }
    }


def a_group_to_dissolve(ctx) -> dict:
    from tests.factories import BodyFactory

    group = BodyFactory(code="NRC(TO-DISSOLVE)", parent=Body.objects.get(code="NRC-PC"))
    return {
        "kwargs": {"pk": group.pk, "id": group.pk},
        "data": {"dissolved_on": "2026-06-30", "reason": "Its mandate is fulfilled."},
    }


ROWS = [
    Row("GET", "/bodies/", expect(200, anonymous=WEB_ANON)),
    Row("POST", "/bodies/", expect(405, anonymous=WEB_ANON), note="the list only reads"),
    Row("GET", "/bodies/<int:pk>/", expect(200, anonymous=WEB_ANON), setup=a_body),
    Row(
        "GET",
        "/bodies/<int:pk>/",
        expect(200, anonymous=WEB_ANON, delegation=404),
        setup=a_body_without_the_us,
        note="delegations only see bodies their member sits in",
    ),
    Row("POST", "/bodies/<int:pk>/", expect(403, anonymous=WEB_ANON, secretariat=302), setup=a_group_to_dissolve),
    Row("GET", "/bodies/new/", SECRETARIAT_ONLY),
    Row("POST", "/bodies/new/", expect(403, anonymous=WEB_ANON, secretariat=302), setup=a_new_group),
    Row("POST", "/api/v1/bodies/", expect(403, anonymous=API_ANON, secretariat=201), setup=a_new_group_api),
    Row(
        "POST",
        "/api/v1/bodies/{id}/dissolve/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_group_to_dissolve,
    ),
]
