"""Reads of members and bodies, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cooperation.models import name_choice_rows

from .models import Body, CadenceRule, Member, Period, Role


def bodies_visible_q(user, prefix: str = "") -> Q:
    """Delegations see the bodies their member takes part in (an empty participant list means every member);
    the other roles see every body. Anonymous users see nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.DELEGATION:
        return Q(**{f"{prefix}participants__isnull": True}) | Q(**{f"{prefix}participants": user.member_id})
    return Q()


def bodies_visible_to(user) -> QuerySet[Body]:
    q = bodies_visible_q(user)
    qs = Body.objects.all()
    if q:
        ids = Body.objects.filter(q).values("pk")
        qs = qs.filter(pk__in=ids)
    return qs


def body_choice_rows(bodies: QuerySet[Body]) -> list[tuple[int, str]]:
    """``(pk, str(body))`` for each of ``bodies``, in their order, read as values: a select's options."""
    return name_choice_rows(bodies, code=True)


def body_list(*, user) -> QuerySet[Body]:
    return (
        bodies_visible_to(user)
        .select_related("parent")
        .prefetch_related("areas", Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from")))
    )


def members_active_on(day: dt.date) -> QuerySet[Member]:
    return Member.objects.active_on(day)


def body_members_on(*, body: Body, day: dt.date) -> QuerySet[Member]:
    """The members that sit in ``body`` on ``day``: its participants if it lists any, else every member."""
    members = Member.objects.active_on(day)
    if body.participants.exists():
        members = members.filter(bodies=body)
    return members.order_by("name_en")


def cadence_rule_on(*, body: Body, day: dt.date) -> CadenceRule | None:
    return (
        body.cadence_rules.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )


PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}


def _period_start(day: dt.date, months: int) -> dt.date:
    return dt.date(day.year, ((day.month - 1) // months) * months + 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _period_label(start: dt.date, months: int) -> str:
    if months == 1:
        return f"{start:%Y-%m}"
    if months == 3:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if months == 6:
        return f"{start.year} H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def _rule_on(rules: list[CadenceRule], day: dt.date) -> CadenceRule | None:
    found = None
    for rule in rules:
        if rule.effective_from <= day and (rule.effective_to is None or day <= rule.effective_to):
            found = rule
    return found


def body_compliance_summary(*, body: Body, today: dt.date | None = None) -> dict:
    """Qualifying meetings per calendar period (Europe/Brussels) over the last 12 months, against the rule
    in force at the start of each period. Two queries: the rules and the meeting start times."""
    from meetings.models import Meeting

    council_tz = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
    today = today or timezone.localtime(timezone.now(), council_tz).date()
    rules = sorted(body.cadence_rules.all(), key=lambda r: r.effective_from)
    current = _rule_on(rules, today) or (rules[-1] if rules else None)
    if current is None or current.min_meetings == 0 or not current.period:
        return {"rule": current, "periods": []}
    months = PERIOD_MONTHS[current.period]
    window_start = _period_start(_add_months(dt.date(today.year, today.month, 1), -11), months)
    starts = []
    day = window_start
    while day <= today:
        starts.append(day)
        day = _add_months(day, months)
    window_end = _add_months(starts[-1], months)
    start_utc = dt.datetime.combine(window_start, dt.time.min, council_tz)
    end_utc = dt.datetime.combine(window_end, dt.time.min, council_tz)
    held: dict[dt.date, int] = dict.fromkeys(starts, 0)
    scheduled: dict[dt.date, int] = dict.fromkeys(starts, 0)
    for starts_at, status in (
        Meeting.objects.qualifying()
        .filter(body=body, starts_at__gte=start_utc, starts_at__lt=end_utc)
        .values_list("starts_at", "status")
    ):
        key = _period_start(timezone.localtime(starts_at, council_tz).date(), months)
        (held if status == "held" else scheduled)[key] += 1
    periods = []
    for start in starts:
        end = _add_months(start, months) - dt.timedelta(days=1)
        rule = _rule_on(rules, start) or _rule_on(rules, end)
        required = rule.min_meetings if rule else 0
        is_open = end >= today
        if rule is None or not body.exists_on(start):
            verdict = "not_applicable"
        elif held[start] >= required:
            verdict = "met"
        elif is_open:
            verdict = "open"
        else:
            verdict = "short"
        periods.append(
            {
                "label": _period_label(start, months),
                "start": start,
                "end": end,
                "held": held[start],
                "scheduled": scheduled[start],
                "required": required,
                "verdict": verdict,
                "is_open": is_open,
            }
        )
    return {"rule": current, "periods": periods}


def group_list(*, user) -> QuerySet[Body]:
    """Bodies for the list page: parent and areas in one go, with the number of meetings and the next one."""
    from meetings.models import Meeting

    upcoming = Meeting.objects.upcoming().filter(body=OuterRef("pk")).order_by("starts_at")
    # One count per body along the (body_id, starts_at) index, not COUNT(DISTINCT) over a join of every meeting.
    counted = (
        Meeting.objects.qualifying()
        .filter(body=OuterRef("pk"))
        .order_by()
        .values("body")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        bodies_visible_to(user)
        .select_related("parent")
        .prefetch_related("areas")
        .annotate(
            meeting_count=Coalesce(Subquery(counted), 0),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by("rank", "code")
    )


def body_get(*, user, pk: int) -> Body:
    """One body the user may see (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        bodies_visible_to(user)
        .select_related("parent")
        .prefetch_related(
            "areas",
            "participants",
            "established_by",
            Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from")),
        ),
        pk=pk,
    )


def body_detail(*, user, body: Body, today: dt.date | None = None) -> dict:
    from meetings.models import Meeting

    now = timezone.now()
    meetings = Meeting.objects.filter(body=body).select_related("venue")
    council_tz = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
    day = today or timezone.localtime(now, council_tz).date()
    members = list(body_members_on(body=body, day=min(day, body.existed_to) if body.existed_to else day))
    return {
        "body": body,
        "next_meeting": meetings.upcoming(now).first(),
        "recent_meetings": list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:10]),
        "upcoming_meetings": list(meetings.upcoming(now)[:10]),
        "compliance": body_compliance_summary(body=body, today=today),
        "members": members,
        "all_members": not body.participants.all(),
        "children": list(Body.objects.filter(parent=body).order_by("rank", "code")),
    }


def dashboard_panels(*, user) -> list[dict]:
    """Panels for the home page: for the secretariat, ad hoc groups whose mandate ends within 90 days."""
    if not (user.is_authenticated and user.role == Role.SECRETARIAT):
        return []
    today = timezone.localdate()
    ending = list(
        Body.objects.filter(
            basis="ad_hoc", existed_to__gte=today, existed_to__lte=today + dt.timedelta(days=90), dissolution_reason=""
        ).order_by("existed_to")[:10]
    )
    if not ending:
        return []
    return [{"template": "committees/_panel_ending.html", "context": {"bodies": ending}}]
