"""Access rows of cadence compliance: the grid for everyone (scoped), flags, waivers and issued reports for staff.

Staff is the secretariat, the chair and the auditor (who reads and issues reports, never decides); the
secretariat proposes and withdraws waivers, the chair approves or rejects them.
"""

from __future__ import annotations

import datetime as dt

from committees.models import Body, Member
from compliance import services
from compliance.models import Flag, Verdict
from compliance.selectors import GridParams

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
EVERY_ROLE = expect(200, anonymous=WEB_ANON)
EVERY_ROLE_API = expect(200, anonymous=API_ANON)
GET_ONLY = expect(405, anonymous=WEB_ANON)
STAFF = expect(403, anonymous=WEB_ANON, secretariat=200, chair=200, auditor=200)
STAFF_API = expect(403, anonymous=API_ANON, secretariat=200, chair=200, auditor=200)
GRID_QUERY = "?from=2020-01-01&to=2020-12-31&granularity=year&body=NRC-AMB"


def a_body_without_the_us(ctx) -> dict:
    from tests.factories import BodyFactory

    body = BodyFactory(code="NRC-RU-ONLY")
    body.participants.set([Member.objects.get(iso2="RU")])
    return {"kwargs": {"code": body.code}}


def a_cell(ctx) -> dict:
    return {"kwargs": {"code": "NRC-AMB", "granularity": "year", "label": "2020"}}


def a_flag(ctx) -> dict:
    body = Body.objects.get(code="NRC-AMB")
    rule = body.cadence_rules.order_by("effective_from").first()
    flag = Flag.objects.create(
        rule=rule,
        body=body,
        period=rule.period,
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
        verdict=Verdict.BREACH,
        required=rule.min_meetings,
        held=0,
        scheduled=0,
    )
    return {"kwargs": {"pk": flag.pk, "id": flag.pk}, "data": {"note": "Seen; the body meets next month."}}


def _waiver(ctx):
    return services.waiver_propose(
        bodies=[Body.objects.get(code="NRC-AMB")],
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        justification="Renovation of the headquarters.",
        title="Renovation",
        kind="waiver",
        acting_user=ctx.users["secretariat"],
    )


def a_waiver(ctx) -> dict:
    waiver = _waiver(ctx)
    return {"kwargs": {"pk": waiver.pk, "id": waiver.pk}, "data": {"note": "Agreed."}}


def a_waiver_to_approve(ctx) -> dict:
    prepared = a_waiver(ctx)
    prepared["data"] = {"decision": "approve", "note": "Agreed."}
    return prepared


def a_waiver_to_withdraw(ctx) -> dict:
    prepared = a_waiver(ctx)
    prepared["data"] = {"decision": "withdraw", "note": ""}
    return prepared


def waiver_form_data(ctx) -> dict:
    return {
        "data": {
            "kind": "waiver",
            "title": "Renovation",
            "bodies": [Body.objects.get(code="NRC-AMB").pk],
            "starts_on": "2030-01-01",
            "ends_on": "2030-12-31",
            "justification": "Renovation of the headquarters.",
        }
    }


def waiver_api_data(ctx) -> dict:
    return {
        "data": {
            "kind": "waiver",
            "title": "Renovation",
            "bodies": ["NRC-AMB"],
            "starts_on": "2030-01-01",
            "ends_on": "2030-12-31",
            "justification": "Renovation of the headquarters.",
        }
    }


def an_issued_report(ctx) -> dict:
    params = GridParams.build(
        date_from=dt.date(2020, 1, 1),
        date_to=dt.date(2020, 12, 31),
        granularity="year",
        body_codes=("NRC-AMB",),
        as_of=dt.date(2021, 1, 1),
    )
    report = services.report_issue(params=params, acting_user=ctx.users["auditor"])
    return {"kwargs": {"pk": report.pk, "id": report.pk}}


GRID_FILTERS = {"from": "2020-01-01", "to": "2020-12-31", "granularity": "year", "body": "NRC-AMB"}

ROWS = [
    # The grid, its cells, charts and exports: every role, on the bodies it sees
    Row("GET", "/compliance/", EVERY_ROLE, sample="/compliance/" + GRID_QUERY),
    Row("POST", "/compliance/", GET_ONLY),
    Row("GET", "/compliance/export.csv", EVERY_ROLE, sample="/compliance/export.csv" + GRID_QUERY),
    Row("POST", "/compliance/export.csv", GET_ONLY),
    Row("GET", "/compliance/export.pdf", EVERY_ROLE, sample="/compliance/export.pdf" + GRID_QUERY),
    Row("POST", "/compliance/export.pdf", GET_ONLY),
    Row("GET", "/compliance/cell/<str:code>/<str:granularity>/<str:label>/", EVERY_ROLE, setup=a_cell),
    Row("POST", "/compliance/cell/<str:code>/<str:granularity>/<str:label>/", GET_ONLY, setup=a_cell),
    Row("GET", "/compliance/bodies/<str:code>/chart/", EVERY_ROLE, setup=a_cell),
    Row(
        "GET",
        "/compliance/bodies/<str:code>/chart/",
        expect(200, anonymous=WEB_ANON, delegation=404),
        setup=a_body_without_the_us,
        note="delegations only chart bodies their member sits in",
    ),
    Row("POST", "/compliance/bodies/<str:code>/chart/", GET_ONLY, setup=a_cell),
    Row("GET", "/compliance/export/", GET_ONLY),
    Row(
        "POST",
        "/compliance/export/",
        expect(302, anonymous=WEB_ANON),
        data={**GRID_FILTERS, "format": "csv"},
        note="a background export of what the user may see",
    ),
    # Issued reports: staff reads, issues and verifies
    Row("GET", "/compliance/issued/", STAFF),
    Row(
        "POST",
        "/compliance/issued/",
        expect(403, anonymous=WEB_ANON, secretariat=302, chair=302, auditor=302),
        data=GRID_FILTERS,
    ),
    Row("GET", "/compliance/issued/<int:pk>/", STAFF, setup=an_issued_report),
    Row("POST", "/compliance/issued/<int:pk>/", STAFF, setup=an_issued_report, note="verifies, writes nothing"),
    Row("GET", "/compliance/issued/<int:pk>/report.csv", STAFF, setup=an_issued_report),
    Row("POST", "/compliance/issued/<int:pk>/report.csv", GET_ONLY, setup=an_issued_report),
    Row("GET", "/compliance/issued/<int:pk>/report.pdf", STAFF, setup=an_issued_report),
    Row("POST", "/compliance/issued/<int:pk>/report.pdf", GET_ONLY, setup=an_issued_report),
    Row("GET", "/compliance/issued/<int:pk>/report.json", STAFF, setup=an_issued_report),
    Row("POST", "/compliance/issued/<int:pk>/report.json", GET_ONLY, setup=an_issued_report),
    # Flags: staff reads; the secretariat and the chair acknowledge, the auditor does not
    Row("GET", "/compliance/flags/", STAFF),
    Row("POST", "/compliance/flags/", GET_ONLY),
    Row("GET", "/compliance/flags/<int:pk>/", STAFF, setup=a_flag),
    Row(
        "POST",
        "/compliance/flags/<int:pk>/",
        expect(403, anonymous=WEB_ANON, secretariat=302, chair=302),
        setup=a_flag,
    ),
    # Waivers: the secretariat proposes and withdraws, the chair decides, the auditor reads
    Row("GET", "/compliance/waivers/", STAFF),
    Row("POST", "/compliance/waivers/", GET_ONLY),
    Row("GET", "/compliance/waivers/propose/", expect(403, anonymous=WEB_ANON, secretariat=200)),
    Row(
        "POST",
        "/compliance/waivers/propose/",
        expect(403, anonymous=WEB_ANON, secretariat=302),
        setup=waiver_form_data,
    ),
    Row("GET", "/compliance/waivers/<int:pk>/", STAFF, setup=a_waiver),
    Row(
        "POST",
        "/compliance/waivers/<int:pk>/",
        expect(403, anonymous=WEB_ANON, chair=302),
        setup=a_waiver_to_approve,
    ),
    Row(
        "POST",
        "/compliance/waivers/<int:pk>/",
        expect(403, anonymous=WEB_ANON, secretariat=302),
        setup=a_waiver_to_withdraw,
    ),
    # API
    Row("GET", "/api/v1/compliance/grid/", EVERY_ROLE_API),
    Row("GET", "/api/v1/compliance/flags/", STAFF_API),
    Row("GET", "/api/v1/compliance/flags/{id}/", STAFF_API, setup=a_flag),
    Row(
        "POST",
        "/api/v1/compliance/flags/{id}/acknowledge/",
        expect(403, anonymous=API_ANON, secretariat=200, chair=200),
        setup=a_flag,
    ),
    Row("GET", "/api/v1/compliance/waivers/", STAFF_API),
    Row(
        "POST",
        "/api/v1/compliance/waivers/",
        expect(403, anonymous=API_ANON, secretariat=201),
        setup=waiver_api_data,
    ),
    Row("GET", "/api/v1/compliance/waivers/{id}/", STAFF_API, setup=a_waiver),
    Row(
        "POST",
        "/api/v1/compliance/waivers/{id}/approve/",
        expect(403, anonymous=API_ANON, chair=200),
        setup=a_waiver,
    ),
    Row(
        "POST",
        "/api/v1/compliance/waivers/{id}/reject/",
        expect(403, anonymous=API_ANON, chair=200),
        setup=a_waiver,
    ),
    Row(
        "POST",
        "/api/v1/compliance/waivers/{id}/withdraw/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=a_waiver,
    ),
    Row("GET", "/api/v1/compliance/reports/", STAFF_API),
    Row(
        "POST",
        "/api/v1/compliance/reports/",
        expect(403, anonymous=API_ANON, secretariat=201, chair=201, auditor=201),
        data={"from": "2020-01-01", "to": "2020-12-31", "granularity": "year", "body": ["NRC-AMB"]},
    ),
    Row("GET", "/api/v1/compliance/reports/{id}/", STAFF_API, setup=an_issued_report),
    Row(
        "POST",
        "/api/v1/compliance/reports/{id}/verify/",
        STAFF_API,
        setup=an_issued_report,
        note="verification writes nothing",
    ),
]
