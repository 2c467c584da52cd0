"""Access rows of joint decisions and implementation issues.

The secretariat records decisions and answers issues; a delegation breaks silence, enters a reservation or raises
an issue only on behalf of its own member (the Russian delegation may speak for the Russian Federation, never for
the United States); every role reads.
"""

from __future__ import annotations

from . import Row, expect

WEB_ANON = 302
API_ANON = 401
READ = expect(200, anonymous=WEB_ANON)
READ_API = expect(200, anonymous=API_ANON)
SECRETARIAT_WRITES = expect(403, anonymous=WEB_ANON, secretariat=302)
DELEGATIONS_WRITE = expect(403, anonymous=WEB_ANON, delegation=302, other_delegation=302)


def _factories():
    from tests.cooperation import factories_groups

    return factories_groups


def an_adopted_decision(ctx) -> dict:
    decision = _factories().DecisionFactory(recorded_by=ctx.users["secretariat"])
    return {"kwargs": {"pk": decision.pk, "id": decision.pk}}


def a_circulated_decision(ctx) -> dict:
    decision = _factories().circulated_decision(recorded_by=ctx.users["secretariat"])
    return {"kwargs": {"pk": decision.pk, "id": decision.pk}}


def a_new_decision(ctx) -> dict:
    meeting = _factories().held_meeting()
    return {
        "data": {
            "meeting": meeting.pk,
            "reference": "NRC-D(ACCESS)1",
            "title": "Access",
            "text": "The Council agrees.",
            "method": "consensus",
        }
    }


def a_break_of_silence(ctx) -> dict:
    prepared = a_circulated_decision(ctx)
    prepared["data"] = {"action": "break_silence", "statement": "We cannot agree yet."}
    return prepared


def a_reservation(ctx) -> dict:
    prepared = an_adopted_decision(ctx)
    prepared["data"] = {"action": "reservation", "text": "Subject to parliamentary approval."}
    return prepared


def an_issue_to_raise(ctx) -> dict:
    prepared = an_adopted_decision(ctx)
    prepared["data"] = {"action": "raise_issue", "title": "Lagging", "description": "Implementation lags behind."}
    return prepared


def an_issue_for_the_us(ctx) -> dict:
    prepared = an_adopted_decision(ctx)
    prepared["data"] = {"title": "Lagging", "description": "Implementation lags behind.", "member": "US"}
    return prepared


def an_issue(ctx) -> dict:
    issue = _factories().IssueFactory(raised_by=ctx.users["delegation"])
    return {"kwargs": {"pk": issue.pk, "id": issue.pk}, "issue": issue}


def an_issue_to_answer(ctx) -> dict:
    prepared = an_issue(ctx)
    prepared["data"] = {"action": "answer", "text": "The Secretariat follows up.", "status": "under_discussion"}
    return prepared


def an_issue_for_the_agenda(ctx) -> dict:
    prepared = an_issue(ctx)
    meeting = _factories().scheduled_meeting()
    prepared["data"] = {"action": "agenda", "meeting": meeting.pk}
    return prepared


ROWS = [
    # Pages
    Row("GET", "/meetings/decisions/", READ),
    Row("POST", "/meetings/decisions/", expect(405, anonymous=WEB_ANON), note="the list only reads"),
    Row("GET", "/meetings/decisions/new/", expect(403, anonymous=WEB_ANON, secretariat=200)),
    Row("POST", "/meetings/decisions/new/", SECRETARIAT_WRITES, setup=a_new_decision),
    Row("GET", "/meetings/decisions/<int:pk>/", READ, setup=an_adopted_decision),
    Row("POST", "/meetings/decisions/<int:pk>/", DELEGATIONS_WRITE, setup=a_break_of_silence),
    Row("POST", "/meetings/decisions/<int:pk>/", DELEGATIONS_WRITE, setup=a_reservation),
    Row("POST", "/meetings/decisions/<int:pk>/", DELEGATIONS_WRITE, setup=an_issue_to_raise),
    Row("GET", "/meetings/issues/", READ),
    Row("POST", "/meetings/issues/", expect(405, anonymous=WEB_ANON), note="the list only reads"),
    Row("GET", "/meetings/issues/<int:pk>/", READ, setup=an_issue),
    Row("POST", "/meetings/issues/<int:pk>/", SECRETARIAT_WRITES, setup=an_issue_to_answer),
    Row("POST", "/meetings/issues/<int:pk>/", SECRETARIAT_WRITES, setup=an_issue_for_the_agenda),
    # API
    Row("GET", "/api/v1/decisions/", READ_API),
    Row("GET", "/api/v1/decisions/{id}/", READ_API, setup=an_adopted_decision),
    Row("POST", "/api/v1/decisions/", expect(403, anonymous=API_ANON, secretariat=201), setup=a_new_decision),
    Row(
        "POST",
        "/api/v1/decisions/{id}/break-silence/",
        expect(403, anonymous=API_ANON, delegation=201, other_delegation=201),
        setup=a_circulated_decision,
        data={"statement": "We cannot agree yet."},
        note="each delegation for its own member",
    ),
    Row(
        "POST",
        "/api/v1/decisions/{id}/reservations/",
        expect(403, anonymous=API_ANON, delegation=201, other_delegation=201),
        setup=an_adopted_decision,
        data={"text": "Subject to parliamentary approval."},
    ),
    Row(
        "POST",
        "/api/v1/decisions/{id}/issues/",
        expect(403, anonymous=API_ANON, delegation=201),
        setup=an_issue_for_the_us,
        note="the Russian delegation cannot raise an issue on behalf of the United States",
    ),
    Row("GET", "/api/v1/implementation-issues/", READ_API),
    Row("GET", "/api/v1/implementation-issues/{id}/", READ_API, setup=an_issue),
    Row(
        "POST",
        "/api/v1/implementation-issues/{id}/answer/",
        expect(403, anonymous=API_ANON, secretariat=201),
        setup=an_issue_to_answer,
    ),
    Row(
        "POST",
        "/api/v1/implementation-issues/{id}/status/",
        expect(403, anonymous=API_ANON, secretariat=200),
        setup=an_issue,
        data={"status": "resolved"},
    ),
    Row(
        "POST",
        "/api/v1/implementation-issues/{id}/agenda/",
        expect(403, anonymous=API_ANON, secretariat=201),
        setup=an_issue_for_the_agenda,
    ),
]
