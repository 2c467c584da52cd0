"""Access rows of co-operation areas and work programmes: every role reads; the secretariat writes."""

from __future__ import annotations

from cooperation.models import CooperationArea, WorkProgramme, WorkProgrammeItem

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
READ = expect(200, anonymous=WEB_ANON)
READ_API = expect(200, anonymous=API_ANON)
SECRETARIAT_WRITES = expect(403, anonymous=WEB_ANON, secretariat=302)


def _programme() -> WorkProgramme:
    return WorkProgramme.objects.create(area=CooperationArea.objects.get(code="SAR"), year=2031)


def _adopted_decision():
    from tests.cooperation.factories_groups import DecisionFactory

    return DecisionFactory(reference="NRC-D(ACCESS)")


def an_area(ctx) -> dict:
    return {"kwargs": {"code": "SAR"}}


def a_new_area(ctx) -> dict:
    decision = _adopted_decision()
    return {"data": {"code": "space", "name_en": "Space", "decision": decision.pk}}


def a_new_area_api(ctx) -> dict:
    decision = _adopted_decision()
    return {"data": {"code": "space", "name_en": "Space", "decision": decision.reference}}


def a_new_programme(ctx) -> dict:
    return {"kwargs": {"code": "SAR"}, "data": {"action": "programme", "year": 2031, "summary": ""}}


def a_new_item(ctx) -> dict:
    programme = _programme()
    prefix = f"p{programme.pk}"
    return {
        "kwargs": {"code": "SAR"},
        "data": {
            "action": "item_add",
            "programme": programme.pk,
            f"{prefix}-title": "Joint exercise",
            f"{prefix}-status": "planned",
            f"{prefix}-progress": 0,
        },
    }


def an_item(ctx) -> dict:
    item = WorkProgrammeItem.objects.create(programme=_programme(), position=1, title="Joint exercise")
    return {
        "kwargs": {"code": "SAR", "id": item.pk},
        "data": {"action": "item_update", "item": item.pk, "status": "in_progress", "progress": 40},
    }


def a_programme(ctx) -> dict:
    programme = _programme()
    return {"kwargs": {"id": programme.pk}, "data": {"title": "Joint exercise"}}


ROWS = [
    Row("GET", "/areas/", READ),
    Row("POST", "/areas/", expect(405, anonymous=WEB_ANON), note="the list only reads"),
    Row("GET", "/areas/<slug:code>/", READ, setup=an_area),
    Row("POST", "/areas/<slug:code>/", SECRETARIAT_WRITES, setup=a_new_programme),
    Row("POST", "/areas/<slug:code>/", SECRETARIAT_WRITES, setup=a_new_item),
    Row("POST", "/areas/<slug:code>/", SECRETARIAT_WRITES, setup=an_item),
    Row("GET", "/areas/new/", expect(403, anonymous=WEB_ANON, secretariat=200)),
    Row("POST", "/areas/new/", SECRETARIAT_WRITES, setup=a_new_area),
    Row("POST", "/api/v1/areas/", expect(403, anonymous=API_ANON, secretariat=201), setup=a_new_area_api),
    Row("GET", "/api/v1/work-programmes/", READ_API),
    Row("GET", "/api/v1/work-programmes/rollup/", READ_API),
    Row("GET", "/api/v1/work-programmes/{id}/", READ_API, setup=a_programme),
    Row(
        "POST",
        "/api/v1/work-programmes/",
        expect(403, anonymous=API_ANON, secretariat=201),
        data={"area": "SAR", "year": 2031},
    ),
    Row(
        "POST",
        "/api/v1/work-programmes/{id}/items/",
        expect(403, anonymous=API_ANON, secretariat=201),
        setup=a_programme,
    ),
    Row(
        "PATCH",
        "/api/v1/work-programme-items/{id}/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=an_item,
    ),
]
