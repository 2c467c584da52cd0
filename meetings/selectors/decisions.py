"""Reads: joint decisions and implementation issues, scoped to the user."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from committees.models import Role

from ..models import (
    AgendaItem,
    DecisionStatus,
    ImplementationIssue,
    IssueAnswer,
    IssueStatus,
    JointDecision,
    Meeting,
    MeetingStatus,
    Minutes,
    Reservation,
    SilenceBreak,
)
from . import meetings_visible_to


def decisions_visible_to(user) -> QuerySet[JointDecision]:
    """Decisions of the meetings the user may see."""
    if not user.is_authenticated:
        return JointDecision.objects.none()
    if user.role == Role.DELEGATION:
        return JointDecision.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))
    return JointDecision.objects.all()


def decisions_adopted() -> QuerySet[JointDecision]:
    return JointDecision.objects.filter(status=DecisionStatus.ADOPTED).order_by("-adopted_at", "reference")


def _text_match_q(query: str) -> Q:
    """Decisions whose text, or the agenda or minutes of their meeting, match ``query``.

    PostgreSQL: full-text search (to_tsvector / plainto_tsquery, the 'simple' configuration so that the
    three languages behave alike). SQLite: a case-insensitive substring match."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        search = SearchQuery(query, config="simple", search_type="websearch")
        agenda = AgendaItem.objects.annotate(document=SearchVector("title", "description", config="simple")).filter(
            meeting=OuterRef("meeting"), document=search
        )
        minutes = Minutes.objects.annotate(document=SearchVector("text", config="simple")).filter(
            meeting=OuterRef("meeting"), document=search
        )
        own = JointDecision.objects.annotate(
            document=SearchVector("reference", "title", "text", config="simple")
        ).filter(pk=OuterRef("pk"), document=search)
        return Q(Exists(own)) | Q(Exists(agenda)) | Q(Exists(minutes))
    agenda = AgendaItem.objects.filter(meeting=OuterRef("meeting")).filter(
        Q(title__icontains=query) | Q(description__icontains=query)
    )
    minutes = Minutes.objects.filter(meeting=OuterRef("meeting"), text__icontains=query)
    return (
        Q(reference__icontains=query)
        | Q(title__icontains=query)
        | Q(text__icontains=query)
        | Q(Exists(agenda))
        | Q(Exists(minutes))
    )


def decision_list(
    *,
    user,
    area: str | None = None,
    body: int | None = None,
    year: int | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[JointDecision]:
    """Decisions filtered by area code, body, year of the meeting, status and a text query."""
    qs = decisions_visible_to(user)
    if area:
        through = JointDecision.areas.through
        qs = qs.filter(Exists(through.objects.filter(jointdecision_id=OuterRef("pk"), cooperationarea__code=area)))
    if body:
        qs = qs.filter(meeting__body_id=body)
    if year:
        qs = qs.filter(meeting__starts_at__year=year)
    if status:
        qs = qs.filter(status=status)
    if q and q.strip():
        qs = qs.filter(_text_match_q(q.strip()))
    return qs.select_related("meeting__body").prefetch_related("areas").order_by("-meeting__starts_at", "-pk")


def decision_get(*, user, pk: int) -> JointDecision:
    return get_object_or_404(
        decisions_visible_to(user)
        .select_related("meeting__body", "recorded_by")
        .prefetch_related(
            "areas",
            "establishes",
            "adds_areas",
            Prefetch("silence_breaks", queryset=SilenceBreak.objects.select_related("member").order_by("broken_at")),
            Prefetch("reservations", queryset=Reservation.objects.select_related("member").order_by("entered_at")),
            Prefetch("issues", queryset=ImplementationIssue.objects.select_related("member").order_by("-raised_at")),
        ),
        pk=pk,
    )


def issues_visible_to(user) -> QuerySet[ImplementationIssue]:
    """Every delegation sees every issue (transparency between members); so do the other roles."""
    if not user.is_authenticated:
        return ImplementationIssue.objects.none()
    return ImplementationIssue.objects.all()


def issue_list(*, user, status: str | None = None, decision: int | None = None) -> QuerySet[ImplementationIssue]:
    qs = issues_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if decision:
        qs = qs.filter(decision_id=decision)
    return qs.select_related("decision", "member").order_by("-raised_at", "-pk")


def issue_get(*, user, pk: int) -> ImplementationIssue:
    return get_object_or_404(
        issues_visible_to(user)
        .select_related("decision__meeting__body", "member", "raised_by")
        .prefetch_related(
            Prefetch("answers", queryset=IssueAnswer.objects.select_related("author").order_by("at")),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting__body")),
        ),
        pk=pk,
    )


def meetings_for_agenda(*, user, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings an issue can be put on: scheduled and still to come."""
    now = now or timezone.now()
    return (
        meetings_visible_to(user)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .select_related("body")
        .order_by("starts_at")
    )


def meetings_held_for_decisions(*, user) -> QuerySet[Meeting]:
    return meetings_visible_to(user).filter(status=MeetingStatus.HELD).select_related("body").order_by("-starts_at")


DECISION_MEETING_CHOICES = 100  # the decision form lists the latest held meetings, not every one


def meetings_offered_for_decisions(*, user, selected: int | None = None) -> list[Meeting]:
    """The held meetings the decision form lists: the latest ``DECISION_MEETING_CHOICES``, plus ``selected`` (the
    meeting the form was opened from, or submitted) when it is older. At most two queries."""
    meetings = meetings_held_for_decisions(user=user).only("id", "title", "starts_at", "body__code")
    offered = list(meetings[:DECISION_MEETING_CHOICES])
    if selected is not None and all(m.pk != selected for m in offered):
        offered += list(meetings.filter(pk=selected))
    return offered


def dashboard_panels(*, user) -> list[dict]:
    """Open silence procedures and open implementation issues."""
    if not user.is_authenticated:
        return []
    circulated = list(
        decisions_visible_to(user)
        .filter(status=DecisionStatus.CIRCULATED)
        .select_related("meeting__body")
        .order_by("silence_deadline")[:10]
    )
    issues = list(
        issues_visible_to(user)
        .exclude(status=IssueStatus.RESOLVED)
        .select_related("decision", "member")
        .order_by("-raised_at")[:10]
    )
    return [
        {"template": "meetings/decisions/_panel_silence.html", "context": {"decisions": circulated}},
        {"template": "meetings/decisions/_panel_issues.html", "context": {"issues": issues}},
    ]
