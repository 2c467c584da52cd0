"""The stored compliance grid: ``CadenceCell`` rows for every body, granularity and column of the calendar
years that are over, computed by the live evaluation and kept in step with what they depend on.

Why it is exact: every calendar period (month, quarter, half-year, year) lies inside one calendar year, so the
cells of a whole year depend only on that year's meetings and on the body's dates, rules and approved
waivers; and once the year is over they no longer depend on the evaluation time (every meeting in it started
before, so held = marked held, unconfirmed = still marked scheduled, nothing upcoming). The grid takes the
stored cells for the whole years before the evaluation time's year and evaluates the rest live.

How it is kept in step:

- meetings: the meeting services call ``meetings_written`` (registered in ``compliance/apps.py``) inside
  their transaction with the (body, start) of each meeting they create, cancel, mark held or move (before
  and after); the stored years they touch are recomputed for that body (nothing for this year's meetings);
- dates, rules and waivers: each body's cells carry a fingerprint of them (``CadenceStamp``); the grid
  ignores the cells of a body whose fingerprint no longer matches (it evaluates that body live, which is
  always right), and a waiver's approval recomputes at once the years it overlaps for the bodies it covers;
- the hourly cadence job (``cells_repair``) rebuilds the bodies whose fingerprint changed (a rule or a body's
  dates changed in the committees app, which does not know about this table), adds the year that just
  closed, and recounts every stored month against the meetings to repair anything written around the
  services (the admin, a bulk load); ``manage.py rebuild_cadence_cells`` rebuilds everything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from committees.models import Body, CadenceRule

from .evaluation import COUNCIL_ESTABLISHED, approved_waivers, cadence_evaluate, monthly_counts
from .models import CadenceCell, CadenceStamp
from .periods import KINDS, local_date, midnight, periods_between
from .selectors import body_fingerprint, live_cells

logger = logging.getLogger(__name__)
FIRST_YEAR = COUNCIL_ESTABLISHED.year


def last_closed_year(now: dt.datetime | None = None) -> int:
    """The last calendar year that is over (in Brussels): the last one stored."""
    return local_date(now or timezone.now()).year - 1


def _bodies(body_ids: Iterable[int] | None) -> list[Body]:
    bodies = Body.objects.prefetch_related(
        Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from"))
    ).order_by("rank", "code")
    if body_ids is not None:
        bodies = bodies.filter(pk__in=list(body_ids))
    return list(bodies)


def _compute(bodies: list[Body], first_year: int, last_year: int, waivers) -> list[CadenceCell]:
    """The cells of ``bodies`` for the years ``first_year``..``last_year`` (all over), at every granularity:
    exactly what the live grid gives for those columns. Two queries per granularity (counts, none for waivers)."""
    at = midnight(dt.date(last_year + 1, 1, 1))
    first_day, last_day = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    rows: list[CadenceCell] = []
    for kind in KINDS:
        columns = periods_between(first_day, last_day, kind)
        evaluation = cadence_evaluate(
            at=at,
            bodies=bodies,
            first_day=first_day,
            last_day=last_day,
            default_kind=kind,
            window=(columns[0].starts_at, columns[-1].ends_at),
            waivers=waivers,
        )
        by_body: dict[int, list] = {}
        for unit in evaluation.units:
            by_body.setdefault(unit.body_id, []).append(unit)
        index = {period.start: i for i, period in enumerate(columns)}
        for body in bodies:
            cells = live_cells(
                body=body,
                columns=columns,
                index=index,
                units=by_body.get(body.id, []),
                months=evaluation.months,
                granularity=kind,
                wanted=range(len(columns)),
            )
            rows.extend(
                CadenceCell(
                    body_id=body.id,
                    kind=kind,
                    period_start=cell.period.start,
                    verdict=cell.verdict,
                    held=cell.counts.held,
                    unconfirmed=cell.counts.unconfirmed,
                    required=cell.required,
                    waiver_id=cell.waiver.pk if cell.waiver else None,
                    compliant=cell.compliant,
                    assessed=cell.assessed,
                )
                for cell in cells.values()
            )
    return rows


def _store(bodies: list[Body], first_year: int, last_year: int, waivers) -> int:
    rows = _compute(bodies, first_year, last_year, waivers)
    CadenceCell.objects.filter(
        body_id__in=[b.id for b in bodies],
        period_start__gte=dt.date(first_year, 1, 1),
        period_start__lte=dt.date(last_year, 12, 31),
    ).delete()
    CadenceCell.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def cells_rebuild(*, body_ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Recompute every stored cell of ``body_ids`` (default: every body) from the first year of the Council to
    the last year that is over, and stamp each body with the fingerprint of what they were computed from.
    Returns the number of cells written. Call it inside a transaction."""
    last = last_closed_year(now)
    bodies = _bodies(body_ids)
    if not bodies or last < FIRST_YEAR:
        return 0
    stamps = CadenceStamp.objects.select_for_update().order_by("pk")
    list(stamps if body_ids is None else stamps.filter(body_id__in=[b.id for b in bodies]))
    waivers = approved_waivers(None if body_ids is None else [b.id for b in bodies])
    written = _store(bodies, FIRST_YEAR, last, waivers)
    CadenceCell.objects.filter(body_id__in=[b.id for b in bodies], period_start__gt=dt.date(last, 12, 31)).delete()
    CadenceStamp.objects.filter(body_id__in=[b.id for b in bodies]).delete()
    if body_ids is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics for the grid's query
            cursor.execute("ANALYZE compliance_cadencecell, compliance_cadencestamp")
    stamped = timezone.now()
    CadenceStamp.objects.bulk_create(
        CadenceStamp(
            body_id=b.id,
            fingerprint=body_fingerprint(b, waivers.get(b.id, ())),
            first_year=FIRST_YEAR,
            last_year=last,
            built_at=stamped,
        )
        for b in bodies
    )
    return written


def meetings_written(slots: Iterable[tuple[int, dt.datetime]]) -> None:
    """The meeting services wrote meetings of these (body id, start) slots (before and after a change): recompute
    the stored years they fall in. Nothing to do (no query) for meetings in a year that is not over."""
    last = last_closed_year()
    touched: dict[int, set[int]] = {}
    for body_id, starts_at in slots:
        year = local_date(starts_at).year
        if FIRST_YEAR <= year <= last:
            touched.setdefault(body_id, set()).add(year)
    if not touched:
        return
    # Locking the stamps serialises this with a rebuild of the same bodies (the hourly job).
    stamps = {
        s.body_id: s for s in CadenceStamp.objects.select_for_update().filter(body_id__in=list(touched)).order_by("pk")
    }
    for body_id, years in sorted(touched.items()):
        stamp = stamps.get(body_id)
        if stamp is None:
            continue  # never stored: the grid evaluates this body live until the job builds it
        (body,) = _bodies([body_id])
        waivers = approved_waivers([body_id])
        for year in sorted(y for y in years if stamp.first_year <= y <= stamp.last_year):
            _store([body], year, year, waivers)


def waiver_approved(*, waiver) -> None:
    """An approved waiver changes the verdicts of the bodies it covers in the years it overlaps, and nothing
    else: recompute those (body, year) and stamp the bodies with their new fingerprint. A body whose stamp was
    already stale (changed around the services) is rebuilt whole."""
    last = last_closed_year()
    body_ids = list(waiver.bodies.values_list("pk", flat=True))
    stamps = {
        s.body_id: s for s in CadenceStamp.objects.select_for_update().filter(body_id__in=body_ids).order_by("pk")
    }
    if not stamps:
        return
    bodies = _bodies(stamps)
    waivers = approved_waivers(list(stamps))
    partial, whole = [], []
    for body in bodies:
        stamp = stamps[body.id]
        before = body_fingerprint(body, [w for w in waivers.get(body.id, ()) if w.pk != waiver.pk])
        if stamp.fingerprint == before and (stamp.first_year, stamp.last_year) == (FIRST_YEAR, last):
            partial.append(body)
        else:
            whole.append(body.id)
    first_year = max(FIRST_YEAR, waiver.starts_on.year)
    last_year = min(last, waiver.ends_on.year if waiver.ends_on else last)
    if partial and first_year <= last_year:
        _store(partial, first_year, last_year, waivers)
    for body in partial:
        stamps[body.id].fingerprint = body_fingerprint(body, waivers.get(body.id, ()))
        stamps[body.id].built_at = timezone.now()
    CadenceStamp.objects.bulk_update([stamps[b.id] for b in partial], ["fingerprint", "built_at"])
    if whole:
        cells_rebuild(body_ids=whole)


def cells_repair(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The hourly check: rebuild the bodies never stored, stored up to an earlier year or whose dates, rules or
    waivers changed; then recount the meetings of every stored month and recompute the (body, year) whose
    counts differ from the stored ones (a meeting written around the services). Returns what it did."""
    last = last_closed_year(now)
    if last < FIRST_YEAR:
        return {"bodies rebuilt": 0, "bodies extended": 0, "years repaired": 0}
    bodies = _bodies(None)
    waivers = approved_waivers(None)
    stamps = {s.body_id: s for s in CadenceStamp.objects.all()}
    stale, behind = [], {}
    for body in bodies:
        stamp = stamps.get(body.id)
        if (
            stamp is None
            or stamp.fingerprint != body_fingerprint(body, waivers.get(body.id, ()))
            or stamp.first_year != FIRST_YEAR
            or stamp.last_year > last
        ):
            stale.append(body.id)
        elif stamp.last_year < last:  # a year has closed since: add it
            behind.setdefault(stamp.last_year + 1, []).append(body)
    if len(stale) == len(bodies):
        cells_rebuild(now=now)
    elif stale:
        cells_rebuild(body_ids=stale, now=now)
    for first_year, group in behind.items():
        _store(group, first_year, last, waivers)
        CadenceStamp.objects.filter(body_id__in=[b.id for b in group]).update(last_year=last)
    stale_ids = set(stale) | {b.id for group in behind.values() for b in group}
    counted = monthly_counts(
        body_ids=None,
        starts_at=midnight(dt.date(FIRST_YEAR, 1, 1)),
        ends_at=midnight(dt.date(last + 1, 1, 1)),
        at=midnight(dt.date(last + 1, 1, 1)),
    )
    stored = {
        (body_id, start): (held, unconfirmed)
        for body_id, start, held, unconfirmed in CadenceCell.objects.filter(kind="month").values_list(
            "body_id", "period_start", "held", "unconfirmed"
        )
    }
    drifted: dict[int, set[int]] = {}
    for (body_id, start), counts in counted.items():
        if body_id in stale_ids:
            continue
        if stored.get((body_id, start), (0, 0)) != (counts.held, counts.unconfirmed):
            drifted.setdefault(body_id, set()).add(start.year)
    for (body_id, start), (held, unconfirmed) in stored.items():
        if (held or unconfirmed) and (body_id, start) not in counted and body_id not in stale_ids:
            drifted.setdefault(body_id, set()).add(start.year)
    by_id = {b.id: b for b in bodies}
    repaired = 0
    for body_id, years in sorted(drifted.items()):
        body = by_id.get(body_id)
        if body is None:
            continue
        for year in sorted(years):
            _store([body], year, year, waivers)
            repaired += 1
    if repaired:
        logger.warning("cadence cells: %d (body, year) recounted and repaired", repaired)
    return {"bodies rebuilt": len(stale), "bodies extended": len(stale_ids) - len(stale), "years repaired": repaired}
