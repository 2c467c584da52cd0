"""Reads: extraordinary-session requests.

Transparency: every delegation sees every request and its outcome, whatever the body, so the lists are not
narrowed by member; they are closed to anonymous users. Every list runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from committees.models import Body, Role
from committees.selectors import bodies_visible_to

from ..models import Paper, ProposedSlot, SessionRequest, SessionRequestStatus, SessionRequestTransition

STAFF = (Role.SECRETARIAT, Role.CHAIR)


def session_requests_visible_to(user) -> QuerySet[SessionRequest]:
    if not (user and user.is_authenticated):
        return SessionRequest.objects.none()
    return SessionRequest.objects.all()


def session_request_list(*, user, status: str = "", body: Body | None = None, year: int | None = None):
    """Requests, newest first, with what the list shows: body, requester, proposed dates, meeting."""
    qs = (
        session_requests_visible_to(user)
        .select_related("body", "on_behalf_of", "requested_by", "meeting", "meeting__venue")
        .prefetch_related(Prefetch("proposed_slots", queryset=ProposedSlot.objects.order_by("starts_at")))
        .order_by("-submitted_at", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    if body is not None:
        qs = qs.filter(body=body)
    if year:
        qs = qs.filter(submitted_at__year=year)
    return qs


def session_request_get(*, user, pk: int, for_update: bool = False) -> SessionRequest:
    """One request with everything its page shows (404 when the user may not see it)."""
    qs = session_requests_visible_to(user).select_related(
        "body", "on_behalf_of", "requested_by", "decided_by", "meeting", "meeting__venue"
    )
    qs = qs.prefetch_related(
        Prefetch("proposed_slots", queryset=ProposedSlot.objects.order_by("starts_at")),
        Prefetch("papers", queryset=Paper.objects.order_by("reference")),
        Prefetch("transitions", queryset=SessionRequestTransition.objects.select_related("actor").order_by("at", "id")),
    )
    return get_object_or_404(qs, pk=pk)


def session_request_paper_get(*, user, request_pk: int, paper_pk: int) -> Paper:
    return get_object_or_404(
        Paper.objects.filter(session_request__in=session_requests_visible_to(user).values("pk")),
        pk=paper_pk,
        session_request_id=request_pk,
    )


def bodies_for_request(*, user) -> QuerySet[Body]:
    """The bodies the user may ask an extraordinary session of: they allow it, exist today, and (for a
    delegation) its member sits in them."""
    return (
        bodies_visible_to(user)
        .filter(allows_extraordinary=True)
        .existing_on(timezone.localdate())
        .order_by("rank", "code")
    )


def bodies_extraordinary_settings(*, user) -> QuerySet[Body]:
    """Every body that exists today and the user may see, with its extraordinary-session setting (the
    secretariat's page; on the API, a delegation only sees the bodies its member sits in)."""
    return bodies_visible_to(user).existing_on(timezone.localdate()).order_by("rank", "code")


@dataclass(frozen=True)
class QueueRow:
    request: SessionRequest
    age: dt.timedelta

    @property
    def age_days(self) -> int:
        return self.age.days

    @property
    def age_hours(self) -> int:
        return int(self.age.total_seconds() // 3600)


def session_request_queue(*, user, now: dt.datetime | None = None) -> list[QueueRow]:
    """Requests awaiting a decision, oldest first, with their age."""
    now = now or timezone.now()
    qs = (
        session_requests_visible_to(user)
        .filter(status=SessionRequestStatus.SUBMITTED)
        .select_related("body", "on_behalf_of", "requested_by")
        .prefetch_related(Prefetch("proposed_slots", queryset=ProposedSlot.objects.order_by("starts_at")))
        .order_by("submitted_at", "pk")
    )
    return [QueueRow(request=r, age=now - r.submitted_at) for r in qs]


@dataclass(frozen=True)
class YearStatistics:
    year: int
    convened: int
    median: dt.timedelta
    longest: dt.timedelta

    @property
    def median_days(self) -> float:
        return round(self.median.total_seconds() / 86400, 1)

    @property
    def longest_days(self) -> float:
        return round(self.longest.total_seconds() / 86400, 1)


def session_request_statistics(*, user) -> list[YearStatistics]:
    """Time from request to meeting for convened requests, per year of the request (Council time zone):
    median and longest. One query."""
    zone = timezone.get_default_timezone() if settings.USE_TZ else None
    rows = (
        session_requests_visible_to(user)
        .filter(status=SessionRequestStatus.CONVENED, meeting__isnull=False)
        .order_by("submitted_at")
        .values_list("submitted_at", "meeting__starts_at")
    )
    by_year: dict[int, list[dt.timedelta]] = {}
    for submitted_at, starts_at in rows:
        year = timezone.localtime(submitted_at, zone).year
        by_year.setdefault(year, []).append(starts_at - submitted_at)
    return [
        YearStatistics(
            year=year,
            convened=len(waits),
            median=dt.timedelta(seconds=statistics.median(w.total_seconds() for w in waits)),
            longest=max(waits),
        )
        for year, waits in sorted(by_year.items(), reverse=True)
    ]


def dashboard_panels(*, user) -> list[dict]:
    """Home page: the staff see the queue (count, oldest); a delegation sees its own member's latest requests."""
    if not (user and user.is_authenticated):
        return []
    if user.role in STAFF:
        pending = session_requests_visible_to(user).filter(status=SessionRequestStatus.SUBMITTED)
        oldest = pending.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        return [
            {
                "template": "meetings/requests/_panel_queue.html",
                "context": {
                    "pending": pending.count(),
                    "oldest_days": (timezone.now() - oldest).days if oldest else None,
                },
            }
        ]
    if user.role == Role.DELEGATION:
        mine = list(
            session_requests_visible_to(user)
            .filter(on_behalf_of_id=user.member_id)
            .select_related("body", "meeting")
            .order_by("-submitted_at", "-pk")[:5]
        )
        return [{"template": "meetings/requests/_panel_own.html", "context": {"requests": mine}}]
    return []
