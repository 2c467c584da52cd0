"""Reads of meetings, scoped to what the user may see. The scheduling, session-request and decision
capabilities add their own selectors in the ``meetings`` package modules."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from committees.models import Role
from committees.selectors import bodies_visible_to

from ..models import Meeting, SessionRequest, SessionRequestStatus


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    if user.role == Role.DELEGATION:
        return Meeting.objects.filter(body__in=bodies_visible_to(user).values("pk"))
    return Meeting.objects.all()


def of_visible_meetings(queryset: QuerySet, user) -> QuerySet:
    """Rows that belong to a meeting (agenda items, papers, attendance) of a meeting the user may see. The roles
    that see every meeting get no ``meeting_id IN (SELECT ...)`` semi-join, only "belongs to a meeting"."""
    if not user.is_authenticated:
        return queryset.none()
    if user.role == Role.DELEGATION:
        return queryset.filter(meeting__in=meetings_visible_to(user).values("pk"))
    if queryset.model._meta.get_field("meeting").null:  # a paper of a session request belongs to no meeting
        return queryset.filter(meeting__isnull=False)
    return queryset


def meetings_upcoming(*, user, limit: int = 10) -> list[Meeting]:
    return list(meetings_visible_to(user).upcoming(timezone.now()).select_related("body", "venue")[:limit])


def session_requests_pending(*, user, limit: int = 10) -> list[SessionRequest]:
    """Every delegation sees every request (transparency), so this is not narrowed by member."""
    if not user.is_authenticated:
        return []
    return list(
        SessionRequest.objects.filter(status=SessionRequestStatus.SUBMITTED)
        .select_related("body", "on_behalf_of")
        .order_by("submitted_at")[:limit]
    )
