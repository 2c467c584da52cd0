"""axe-core on every page, for every role: 0 violations tagged WCAG 2.0/2.1 A and AA.

Pages are found from the URL resolver, so a new page is checked without being listed here; a page whose URL
takes an object id needs a row in ``OBJECT_FOR`` (the test fails until it has one).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from committees.models import Role
from nrc.demo import demo_seed
from tests.factories import UserFactory

from .conftest import assert_accessible, login, screenshot

# Not HTML pages a person reads, or not for every role by design.
SKIP = re.compile(
    r"^(api/|admin/|static/|media/|healthz|i18n/|accounts/logout|jobs/\d+/(status|download))|"
    r"\.(ics|csv|pdf|json)$|/(download|export|feed|ical|status|csv|pdf|revoke)\b"
)


def _object_for():
    """URL name → a function returning the id to put in the URL (the data come from the demo set)."""
    from django.utils import timezone

    from committees.models import Body
    from cooperation.models import CooperationArea
    from meetings.models import ImplementationIssue, JointDecision, Meeting, MeetingSeries, Paper, SessionRequest
    from nrc.models import AuditEntry, BackgroundJob, JobStatus

    def first(qs):
        obj = qs.order_by("pk").first()
        return obj.pk if obj else None

    def issued_report(user):
        from compliance.selectors import GridParams
        from compliance.services import report_issue

        params = GridParams.build(
            date_from=dt.date(2004, 1, 1), date_to=dt.date(2004, 12, 31), as_of=dt.date(2005, 1, 31)
        )
        return report_issue(params=params, acting_user=UserFactory(role=Role.AUDITOR)).pk

    def compliance_first(model):
        import compliance.models

        return lambda user: first(getattr(compliance.models, model).objects.all())

    def own_job(user):
        return BackgroundJob.objects.create(kind="export", user=user, status=JobStatus.RUNNING, progress=40).pk

    def upcoming(user):
        return first(Meeting.objects.filter(body__code="NRC-AMB", status="scheduled", starts_at__gt=timezone.now()))

    def held(user):
        return first(Meeting.objects.filter(body__code="NRC-AMB", status="held"))

    def minutes_draftable(user):
        return first(Meeting.objects.filter(body__code="NRC-AMB", status="held").exclude(minutes__status="approved"))

    def series(user):
        return first(MeetingSeries.objects.all())

    return {
        "job_detail": own_job,
        "meetings:meeting_edit": upcoming,
        "meetings:meeting_reschedule": upcoming,
        "meetings:meeting_cancel": upcoming,
        "meetings:meeting_mark_held": upcoming,
        "meetings:paper_upload": upcoming,
        "meetings:agenda_item_add": upcoming,
        "meetings:agenda_item_move": upcoming,  # keyed by meeting and item: see tests/e2e/test_scheduling.py
        "meetings:agenda_item_delete": upcoming,
        "meetings:meeting_attendance": held,
        "meetings:meeting_minutes": minutes_draftable,
        "meetings:paper_download": lambda user: first(Paper.objects.all()),
        "meetings:series_detail": series,
        "meetings:series_cancel_rest": series,
        "audit_detail": lambda user: first(AuditEntry.objects.all()),
        "meetings:meeting_detail": lambda user: first(Meeting.objects.filter(body__code="NRC-AMB", status="held")),
        "meetings:request_detail": lambda user: first(SessionRequest.objects.all()),
        "meetings:decision_detail": lambda user: first(JointDecision.objects.all()),
        "meetings:issue_detail": lambda user: first(ImplementationIssue.objects.all()),
        "committees:body_detail": lambda user: first(Body.objects.filter(code="NRC-AMB")),
        "cooperation:area_detail": lambda user: first(CooperationArea.objects.filter(code="TER")),
        "compliance:issued_detail": issued_report,
        "compliance:flag_detail": compliance_first("Flag"),
        "compliance:waiver_detail": compliance_first("Waiver"),
        "compliance:cell": None,  # keyed by body code and period: tests/e2e/test_compliance.py
        "compliance:chart": None,  # keyed by body code: tests/e2e/test_compliance.py
    }


def _pages(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _pages(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{namespace}{p.name}"


def page_urls(user) -> list[tuple[str, str]]:
    from django.urls import reverse

    objects = _object_for()
    urls = []
    for route, name in sorted(set(_pages(get_resolver().url_patterns))):
        if SKIP.search(route):
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not params:
            urls.append((name, reverse(name)))
            continue
        assert name in objects, f"{name} ({route}) takes an id: add it to OBJECT_FOR in {__file__}"
        if params != ["pk"]:
            continue  # pages keyed otherwise (tokens, slugs) are covered by their own browser tests
        pk = objects[name](user)
        assert pk is not None, f"the demo data set has no object for {name}"
        urls.append((name, reverse(name, args=[pk])))
    return urls


# Pages for auditors and administrators only (the secretariat is refused them).
AUDITORS_ONLY = "/audit/"

ROLE_USERS = {
    Role.SECRETARIAT: {"username": "a11y-secretariat"},
    Role.CHAIR: {"username": "a11y-chair"},
    Role.AUDITOR: {"username": "a11y-auditor"},
    Role.DELEGATION: {"username": "a11y-delegation"},
    Role.ADMINISTRATOR: {"username": "a11y-admin", "is_staff": True, "is_superuser": True},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_every_page_is_accessible_for_every_role(page, reference, role):
    from committees.models import Member

    demo_seed(today=dt.date(2026, 11, 27))
    extra = {"member": Member.objects.get(iso2="FR")} if role == Role.DELEGATION else {}
    user = UserFactory(role=role, **ROLE_USERS[role], **extra)
    login(page, user.username)
    visited = 0
    for name, url in page_urls(user):
        response = page.goto(url)
        if response.status in (403, 404) and (role != Role.SECRETARIAT or url.startswith(AUDITORS_ONLY)):
            continue  # a page this role may not open
        assert response.status == 200, f"{role} {url} → {response.status}"
        assert_accessible(page, f"{url} as {role}")
        if role in (Role.SECRETARIAT, Role.DELEGATION, Role.AUDITOR):
            screenshot(page, f"{role}-{name.replace(':', '-')}")
        visited += 1
    assert visited >= 3
