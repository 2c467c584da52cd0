"""The cadence rule engine: verdicts per (rule, calendar period), exactly as docs/design.md defines them.

The database does the counting: one aggregate query groups the meetings of the bodies in view by body and
by calendar month in Europe/Brussels (held before the evaluation time, still scheduled before it, and
upcoming after it). Quarters, half-years and years are sums of their months, joined in Python onto the
calendar of periods. The number of queries does not depend on the number of bodies, rules or periods.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, IntegerField, Q
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

from committees.models import Body, CadenceRule
from meetings.models import Meeting, MeetingStatus

from .models import Verdict, Waiver, WaiverStatus
from .periods import BRUSSELS, CalendarPeriod, local_date, periods_between

# How alarming a verdict is, to summarise several (rule, period) verdicts in one cell of a coarser grid.
SEVERITY = {
    Verdict.NOT_APPLICABLE: 0,
    Verdict.COMPLIANT: 1,
    Verdict.WAIVED: 2,
    Verdict.ON_TRACK: 3,
    Verdict.PENDING: 4,
    Verdict.UNCONFIRMED: 5,
    Verdict.AT_RISK: 6,
    Verdict.BREACH: 7,
}
CLOSED_VERDICTS = (Verdict.COMPLIANT, Verdict.BREACH, Verdict.UNCONFIRMED, Verdict.WAIVED, Verdict.NOT_APPLICABLE)
FLAGGED_VERDICTS = (Verdict.BREACH, Verdict.AT_RISK)
COUNCIL_ESTABLISHED = dt.date(2002, 5, 28)


@dataclass
class Counts:
    """Qualifying meetings in a period: held before the evaluation time, still marked scheduled although
    they started before it (the secretariat must record them), and upcoming (starting at or after it)."""

    held: int = 0
    unconfirmed: int = 0
    upcoming: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.held += other.held
        self.unconfirmed += other.unconfirmed
        self.upcoming += other.upcoming
        return self


@dataclass
class Unit:
    """The verdict of one rule over one calendar period."""

    body_id: int
    rule: CadenceRule
    period: CalendarPeriod
    verdict: str
    counts: Counts
    closed: bool
    days_left: int | None = None
    waiver: Waiver | None = None

    @property
    def required(self) -> int:
        return self.rule.min_meetings

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)


@dataclass
class Evaluation:
    at: dt.datetime
    bodies: list[Body]
    units: list[Unit]
    months: dict[tuple[int, dt.date], Counts] = field(default_factory=dict)

    def units_of(self, body_id: int) -> list[Unit]:
        return [u for u in self.units if u.body_id == body_id]


def verdict_for(*, required: int, counts: Counts, closed: bool, applicable: bool, waived: bool) -> str:
    """The verdict of design.md for one rule over one period.

    Closed period: compliant (held ≥ N), else waived (an approved waiver covers the period), else unconfirmed
    (past meetings still marked scheduled would make up the shortfall), else breach. Open period: on_track
    (held ≥ N), else waived, else pending (held + scheduled ≥ N), else at_risk. A rule with N = 0 is never
    breached. A period the rule or the body does not cover whole is not_applicable.
    """
    if not applicable:
        return Verdict.NOT_APPLICABLE
    if counts.held >= required:
        return Verdict.COMPLIANT if closed else Verdict.ON_TRACK
    if waived:
        return Verdict.WAIVED
    if closed:
        return Verdict.UNCONFIRMED if counts.held + counts.unconfirmed >= required else Verdict.BREACH
    if counts.held + counts.unconfirmed + counts.upcoming >= required:
        return Verdict.PENDING
    return Verdict.AT_RISK


def monthly_counts(
    *,
    body_ids: list[int] | None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    at: dt.datetime,
    ranges: list[tuple[dt.datetime, dt.datetime]] | None = None,
) -> dict[tuple[int, dt.date], Counts]:
    """One query: qualifying meetings per body and calendar month (Brussels), split by what is known at ``at``,
    of the meetings that start in [starts_at, ends_at), or in any of ``ranges`` (disjoint [start, end) ranges).

    The month is the year and month of ``starts_at`` in Europe/Brussels, computed by the database (integers
    rather than truncated timestamps: nothing to convert per row).
    """
    if ranges is None:
        ranges = [(starts_at, ends_at)]
    within = Q()
    for start, end in ranges:
        within |= Q(starts_at__gte=start, starts_at__lt=end)
    meetings = Meeting.objects.filter(within)
    if body_ids is not None:
        meetings = meetings.filter(body_id__in=body_ids)
    rows = (
        meetings.annotate(
            year=Cast(ExtractYear("starts_at", tzinfo=BRUSSELS), IntegerField()),
            month=Cast(ExtractMonth("starts_at", tzinfo=BRUSSELS), IntegerField()),
        )
        .values("body_id", "year", "month")
        .annotate(
            held=Count("id", filter=Q(status=MeetingStatus.HELD, starts_at__lt=at)),
            unconfirmed=Count("id", filter=Q(status=MeetingStatus.SCHEDULED, starts_at__lt=at)),
            upcoming=Count("id", filter=Q(status__in=[MeetingStatus.HELD, MeetingStatus.SCHEDULED], starts_at__gte=at)),
        )
        .order_by()
        .values_list("body_id", "year", "month", "held", "unconfirmed", "upcoming")
    )
    # Executed as SQL: the values are integers already (cast in the query), and Django's converters (one call
    # per value, five per row) took as long as the rest of the loop.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    firsts: dict[tuple[int, int], dt.date] = {}
    result: dict[tuple[int, dt.date], Counts] = {}
    for body_id, year, month, held, unconfirmed, upcoming in fetched:
        first = firsts.get((year, month))
        if first is None:
            first = firsts[(year, month)] = dt.date(year, month, 1)
        result[(body_id, first)] = Counts(held, unconfirmed, upcoming)
    return result


def fetch_rows(rows) -> list[tuple]:
    """The rows of a ``values_list`` query, fetched at once from the cursor, with the converters of Django's
    iterator applied only when the backend needs some (dates in SQLite); several times cheaper per row."""
    compiler = rows.query.get_compiler(rows.db)
    sql, params = compiler.as_sql()
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    return list(compiler.apply_converters(fetched, converters)) if converters else fetched


def approved_waivers(body_ids) -> dict[int, list[Waiver]]:
    """One query: the approved waivers of each body, earliest first. ``body_ids``: a list of ids, a query of
    body ids (a subquery: cheaper than a long list to compile and to filter on), or None for every body.

    One instance per waiver, shared by the bodies it covers (read only): a waiver covering every body was
    otherwise built once per body."""
    names = [f.attname for f in Waiver._meta.concrete_fields]
    links = Waiver.bodies.through.objects.filter(waiver__status=WaiverStatus.APPROVED)
    if body_ids is not None:
        links = links.filter(body_id__in=body_ids)
    rows = links.order_by("waiver__starts_on", "waiver_id").values_list("body_id", *(f"waiver__{n}" for n in names))
    built: dict[int, Waiver] = {}
    by_body: dict[int, list[Waiver]] = defaultdict(list)
    for body_id, *values in rows:
        waiver = built.get(values[0])
        if waiver is None:
            waiver = built[values[0]] = Waiver.from_db(links.db, names, values)
        by_body[body_id].append(waiver)
    return by_body


def rules_of(body: Body) -> list[CadenceRule]:
    """A body's prefetched cadence rules (``attach_rules`` or ``prefetch_related``), without building a related
    manager on each access; queried when they were not prefetched."""
    cache = getattr(body, "_prefetched_objects_cache", None)
    if cache is not None and "cadence_rules" in cache:
        return cache["cadence_rules"]
    return body.cadence_rules.all()


def attach_rules(bodies: list[Body], rules) -> list[Body]:
    """Give each of ``bodies`` its cadence rules from ``rules`` (one query, earliest first) as its prefetched
    ``cadence_rules``, as ``prefetch_related`` would, without building a queryset per body (that took most of
    the time of loading 300 bodies). ``body.cadence_rules.all()`` is then a list; each rule's ``body`` is set."""
    by_body: dict[int, list[CadenceRule]] = {b.id: [] for b in bodies}
    by_id = {b.id: b for b in bodies}
    cache_body = CadenceRule.body.field.set_cached_value
    for rule in rules.order_by("body_id", "effective_from"):
        found = by_body.get(rule.body_id)
        if found is not None:
            cache_body(rule, by_id[rule.body_id])
            found.append(rule)
    cache_name = Body.cadence_rules.rel.cache_name
    for body in bodies:
        if not hasattr(body, "_prefetched_objects_cache"):
            body._prefetched_objects_cache = {}
        body._prefetched_objects_cache[cache_name] = by_body[body.id]
    return bodies


def _applicable(rule: CadenceRule, body: Body, period: CalendarPeriod) -> bool:
    first, last = period.start, period.last_day
    return (
        rule.effective_from <= first
        and (rule.effective_to is None or rule.effective_to >= last)
        and body.existed_from <= first
        and (body.existed_to is None or body.existed_to >= last)
    )


def rule_kind(rule: CadenceRule, default: str) -> str:
    """A rule's period; "as appropriate" rules (N = 0, no period) are shown at the grid's granularity."""
    return rule.period or default


def cadence_evaluate(
    *,
    at: dt.datetime,
    bodies: list[Body],
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    default_kind: str = "month",
    all_bodies: bool = False,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    waivers: dict[int, list[Waiver]] | None = None,
) -> Evaluation:
    """Every (rule, period) verdict for ``bodies`` (rules prefetched as ``cadence_rules``) over the periods
    that lie within [first_day, last_day] (default: since the rule began) and have begun by ``at``.

    Queries: waivers (1, unless given) and meeting counts (1), whatever the number of bodies and periods.
    """
    return evaluate_segments(
        at=at,
        bodies=bodies,
        segments=[(body, first_day, last_day) for body in bodies],
        default_kind=default_kind,
        body_ids=None if all_bodies else [b.id for b in bodies],
        windows=[window] if window else [],
        waivers=waivers,
    )


def evaluate_segments(
    *,
    at: dt.datetime,
    bodies: list[Body],
    segments: list[tuple[Body, dt.date | None, dt.date | None]],
    default_kind: str,
    body_ids: list[int] | None,
    windows: list[tuple[dt.datetime, dt.datetime]],
    waivers: dict[int, list[Waiver]] | None = None,
) -> Evaluation:
    """``cadence_evaluate`` over several (body, first_day, last_day) segments at once (a body may have several),
    with one count of the meetings of ``body_ids`` (None: every body) over the union of the segments' periods
    and of ``windows``. The grid evaluates this way what its stored cells do not cover."""
    open_day = local_date(at)
    plan: list[tuple[Body, CadenceRule, CalendarPeriod]] = []
    spans = list(windows)  # what the meetings are counted over: the windows and every planned period
    for body, first_day, last_day in segments:
        planned = len(plan)
        for rule in rules_of(body):
            kind = rule_kind(rule, default_kind)
            start = max(rule.effective_from, body.existed_from, first_day or rule.effective_from)
            end = min(d for d in (rule.effective_to, body.existed_to, open_day, last_day) if d is not None)
            if start > end:
                continue
            for period in periods_between(start, end, kind):
                if (first_day and period.start < first_day) or (last_day and period.last_day > last_day):
                    continue
                plan.append((body, rule, period))
        if len(plan) > planned:
            spans.append((min(p.starts_at for _, _, p in plan[planned:]), max(p.ends_at for _, _, p in plan[planned:])))
    if not spans:
        return Evaluation(at=at, bodies=bodies, units=[])
    months = monthly_counts(body_ids=body_ids, ranges=merged_ranges(spans), at=at)
    if waivers is None:
        waivers = approved_waivers(body_ids)
    units = []
    for body, rule, period in plan:
        counts = Counts()
        for month in period.months:
            found = months.get((body.id, month))
            if found:
                counts += found
        closed = period.ends_at <= at
        applicable = _applicable(rule, body, period)
        body_waivers = waivers.get(body.id)
        waiver = (
            next((w for w in body_waivers if w.covers(period.start, period.last_day)), None) if body_waivers else None
        )
        verdict = verdict_for(
            required=rule.min_meetings,
            counts=counts,
            closed=closed,
            applicable=applicable,
            waived=waiver is not None,
        )
        units.append(
            Unit(
                body_id=body.id,
                rule=rule,
                period=period,
                verdict=verdict,
                counts=counts,
                closed=closed,
                days_left=None if closed else math.ceil((period.ends_at - at) / dt.timedelta(days=1)),
                waiver=waiver if verdict == Verdict.WAIVED else None,
            )
        )
    return Evaluation(at=at, bodies=bodies, units=units, months=months)


def merged_ranges(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The union of [start, end) ``spans`` as disjoint ranges, in order. The grid's live part is usually the
    open year and a partial year at the start of the range: counting only those, rather than every meeting
    between them, spared the database an aggregate of 25 years of meetings."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def worst(verdicts) -> str:
    return max(verdicts, key=lambda v: SEVERITY[v])
