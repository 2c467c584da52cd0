"""Reads, scoped to the user: the compliance grid, its drill-down, flags, waivers and issued reports."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from operator import add, attrgetter
from typing import NamedTuple

from django.db.models import Aggregate, Count, F, Func, Prefetch, QuerySet, Sum, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Body, CadenceRule, Role
from committees.selectors import bodies_visible_to
from meetings.models import Meeting
from meetings.selectors import meetings_visible_to

from .evaluation import (
    Counts,
    Evaluation,
    Unit,
    approved_waivers,
    attach_rules,
    evaluate_segments,
    fetch_rows,
    rules_of,
    worst,
)
from .models import CadenceCell, CadenceStamp, Flag, FlagState, IssuedReport, Verdict, Waiver
from .periods import MONTHS, CalendarPeriod, local_date, midnight, period_start, periods_between

COMPLIANCE_STAFF = (Role.SECRETARIAT, Role.CHAIR, Role.AUDITOR)
SYMBOLS = {
    Verdict.COMPLIANT: "✓",
    Verdict.BREACH: "✗",
    Verdict.UNCONFIRMED: "?",
    Verdict.WAIVED: "W",
    Verdict.NOT_APPLICABLE: "–",
    Verdict.ON_TRACK: "●",
    Verdict.PENDING: "…",
    Verdict.AT_RISK: "!",
}
COARSER = "coarser"  # the cell lies inside a longer period the rule is evaluated on


def verdict_label(verdict: str) -> str:
    """The verdict in the reader's language (the code stays in exports and data attributes)."""
    if verdict == COARSER:
        return str(_("evaluated over a longer period"))
    return str(Verdict(verdict).label)


@dataclass(frozen=True)
class GridParams:
    """What a report is about. ``at`` is the evaluation time: the end of the as-of day, or now."""

    date_from: dt.date
    date_to: dt.date
    granularity: str
    body_codes: tuple[str, ...]
    as_of: dt.date | None
    at: dt.datetime

    @classmethod
    def build(cls, *, date_from, date_to, granularity="month", body_codes=(), as_of=None, at=None) -> GridParams:
        if at is None:
            at = midnight(as_of + dt.timedelta(days=1)) if as_of else timezone.now()
        return cls(date_from, date_to, granularity, tuple(sorted(body_codes)), as_of, at)

    def to_json(self) -> dict:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "granularity": self.granularity,
            "body": list(self.body_codes),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "at": self.at.astimezone(dt.UTC).isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict) -> GridParams:
        return cls(
            dt.date.fromisoformat(data["from"]),
            dt.date.fromisoformat(data["to"]),
            data["granularity"],
            tuple(data["body"]),
            dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
            dt.datetime.fromisoformat(data["at"]),
        )

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs = [("from", self.date_from.isoformat()), ("to", self.date_to.isoformat())]
        pairs += [("granularity", self.granularity)] + [("body", c) for c in self.body_codes]
        if self.as_of:
            pairs.append(("as_of", self.as_of.isoformat()))
        return urlencode(pairs)


class Cell(NamedTuple):
    """One body × period cell: its verdict, the (rule, period) units inside it (evaluated live; empty when the
    cell comes from the stored cells), what it counts and the units it accounts for in the row's share.

    Read only. A named tuple rather than a class with slots: the grid by month builds about 95,000 of them from
    the stored cells, which a tuple allows without a Python call per cell (see ``_stored_cells``); the fields
    are read as fast as slots."""

    body: Body
    period: CalendarPeriod
    verdict: str
    units: list[Unit]
    counts: Counts
    required: int | None = None
    days_left: int | None = None
    waiver: Waiver | None = None
    compliant: int = 0
    assessed: int = 0

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.verdict, "·")

    @property
    def verdict_label(self) -> str:
        return verdict_label(self.verdict)


class _NoUnits(list):
    """The units of every stored cell (none: they were evaluated when the cell was stored): one empty list shared
    by tens of thousands of cells instead of one each, hence read only."""

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("the units of a stored cell are read only")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only


NO_UNITS = _NoUnits()
_new_cell = tuple.__new__  # Cell from a tuple of its fields, without a Python call
_COMPLIANT, _ASSESSED = attrgetter("compliant"), attrgetter("assessed")


@dataclass
class Row:
    body: Body
    cells: list[Cell]
    units: list[Unit]
    compliant: int = 0
    assessed: int = 0

    @property
    def share(self) -> float | None:
        """Compliant closed periods over closed periods that were assessed (compliant, breach, unconfirmed);
        waived and not-applicable periods are left out."""
        return self.compliant / self.assessed if self.assessed else None

    @property
    def share_percent(self) -> str:
        return "" if self.share is None else f"{self.share * 100:.1f}"


@dataclass
class Grid:
    params: GridParams
    columns: list[CalendarPeriod]
    rows: list[Row] = field(default_factory=list)
    evaluation: Evaluation | None = None


def report_scope(*, user, codes=()) -> QuerySet[Body]:
    """The bodies the user may see (optionally only ``codes``), as a query: the grid filters its other queries
    with it as a subquery (a list of 300 ids took milliseconds to compile and to match per row)."""
    bodies = bodies_visible_to(user)
    if codes:
        bodies = bodies.filter(code__in=codes)
    return bodies


def scope_ids(scope: QuerySet[Body]):
    """The ids of the bodies in ``scope`` as a subquery to filter the grid's other queries with, or None when the
    scope is every body: no filter at all is cheaper than a semi-join, and what a body added meanwhile brings is
    ignored anyway (everything is matched to the bodies loaded)."""
    return scope.values("pk") if scope.query.has_filters() else None


def report_bodies(*, user, codes=(), scope: QuerySet[Body] | None = None) -> list[Body]:
    """Bodies the user may see (optionally only ``codes``), with their cadence rules: two queries."""
    scope = report_scope(user=user, codes=codes) if scope is None else scope
    bodies = list(scope.order_by("rank", "code"))
    ids = scope_ids(scope)
    return attach_rules(bodies, CadenceRule.objects.all() if ids is None else CadenceRule.objects.filter(body__in=ids))


def grid_columns(params: GridParams) -> list[CalendarPeriod]:
    last = min(params.date_to, local_date(params.at))
    return periods_between(params.date_from, last, params.granularity) if params.date_from <= last else []


def _cell_verdict(inside: list[Unit], overlapping: list) -> str:
    if len(inside) == 1:
        return inside[0].verdict
    if inside:
        return worst(u.verdict for u in inside)
    if overlapping:
        return COARSER
    return Verdict.NOT_APPLICABLE


ASSESSED = (Verdict.COMPLIANT, Verdict.BREACH, Verdict.UNCONFIRMED)


def live_cells(
    *,
    body: Body,
    columns: list[CalendarPeriod],
    index: dict[dt.date, int],
    units: list[Unit],
    months: dict[tuple[int, dt.date], Counts],
    granularity: str,
    wanted,
) -> dict[int, Cell]:
    """The cells ``wanted`` (column indices) of ``body`` from its evaluated units. Each unit lies inside one
    column, or (a rule on a longer period) spans several; it counts in the share of the column it starts in."""
    inside_of: dict[int, list[Unit]] = {}
    spanned: set[int] = set()
    tally: dict[int, list[int]] = {}
    by_month = granularity == "month"  # a period starts on the first of a month: the column is its start's
    for unit in units:
        first = index.get(unit.period.start if by_month else period_start(unit.period.start, granularity))
        if first is None:
            continue
        if unit.closed and unit.verdict in ASSESSED:
            counted = tally.setdefault(first, [0, 0])
            counted[0] += unit.verdict == Verdict.COMPLIANT
            counted[1] += 1
        if unit.period.end <= columns[first].end:
            inside_of.setdefault(first, []).append(unit)
        else:
            i = first
            while i < len(columns) and columns[i].start < unit.period.end:
                spanned.add(i)
                i += 1
    cells = {}
    body_id = body.id
    for i in wanted:
        period = columns[i]
        inside = inside_of.get(i)
        if inside is None:  # no unit inside: the cell is part of a longer period, or not applicable
            inside, required, days_left, waiver = [], None, None, None
            verdict = COARSER if i in spanned else Verdict.NOT_APPLICABLE
        elif len(inside) == 1:
            unit = inside[0]
            verdict, required, days_left, waiver = unit.verdict, unit.rule.min_meetings, unit.days_left, unit.waiver
        else:
            verdict = _cell_verdict(inside, [True] if i in spanned else [])
            required = max(u.required for u in inside)
            days_left = next((u.days_left for u in inside if u.days_left is not None), None)
            waiver = next((u.waiver for u in inside if u.waiver), None)
        counts = Counts()
        for month in period.months:
            found = months.get((body_id, month))
            if found:
                counts.held += found.held
                counts.unconfirmed += found.unconfirmed
                counts.upcoming += found.upcoming
        compliant, assessed = tally.get(i, (0, 0))
        cells[i] = _new_cell(
            Cell, (body, period, verdict, inside, counts, required, days_left, waiver, compliant, assessed)
        )
    return cells


def body_fingerprint(body: Body, waivers) -> str:
    """What a body's cells are computed from besides its meetings: its existence, its cadence rules (prefetched
    as ``cadence_rules``) and its approved waivers. Stored cells are used only while it is unchanged."""
    rules = sorted((r.pk, r.period, r.min_meetings, r.effective_from, r.effective_to) for r in rules_of(body))
    inputs = (body.existed_from, body.existed_to, rules, [(w.pk, w.starts_on, w.ends_on) for w in waivers])
    return hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()


def stored_years(columns: list[CalendarPeriod], at: dt.datetime) -> tuple[int, int] | None:
    """The whole calendar years the columns cover that are closed at ``at``: what the stored cells may give."""
    first, last = columns[0], columns[-1]
    y0 = first.start.year if first.start.month == 1 else first.start.year + 1
    y1 = last.last_day.year if last.end.month == 1 else last.last_day.year - 1
    y1 = min(y1, local_date(at).year - 1)
    return (y0, y1) if y0 <= y1 else None


class _Joined(Func):
    """Several values as one text, separated by commas (NULL as an empty value)."""

    arg_joiner = " || ',' || "
    template = "%(expressions)s"
    output_field = TextField()


class _Concatenated(Aggregate):
    """The texts of a group in one, separated by spaces, in the order the group's rows come: the same order for
    every such aggregate of a query (they are fed the same rows in turn)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


# A stored cell's values as one text: verdict last (any text), the others integers or empty (NULL).
_STORED_VALUES = _Joined(
    *(Cast(name, TextField()) for name in ("held", "unconfirmed")),
    *(Coalesce(Cast(name, TextField()), Value("")) for name in ("required", "waiver_id")),
    *(Cast(name, TextField()) for name in ("compliant", "assessed")),
    F("verdict"),
)


class _StoredFields(dict):
    """{a stored cell's values as ``_STORED_VALUES`` gives them: the cell's fields after its body and period},
    each distinct text parsed once, when first looked up (a few dozen of them for 95,000 cells)."""

    def __init__(self, waiver_by_id: dict[int, Waiver]):
        super().__init__()
        self.waiver_by_id = waiver_by_id
        self.counts: dict[tuple[int, int], Counts] = {}  # read only: one instance per distinct count

    def __missing__(self, text: str) -> tuple:
        held, unconfirmed, required, waiver_id, compliant, assessed, verdict = text.split(",", 6)
        key = (int(held), int(unconfirmed))
        counts = self.counts.get(key)
        if counts is None:
            counts = self.counts[key] = Counts(key[0], key[1], 0)
        waiver = self.waiver_by_id.get(int(waiver_id)) if waiver_id and int(waiver_id) else None
        fields = (verdict, NO_UNITS, counts, int(required) if required else None, None, waiver)
        fields = self[text] = (*fields, int(compliant), int(assessed))
        return fields


def _stored_cells(
    *,
    bodies: list[Body],
    columns: list[CalendarPeriod],
    params: GridParams,
    waivers: dict[int, list[Waiver]],
    scope: QuerySet[Body],
    complete: dict[int, tuple[int, int]],
) -> tuple[dict[int, list[Cell | None]], tuple[int, int]]:
    """Two queries (stamps, cells): the stored cells of the closed whole years in view, for the bodies whose
    inputs still match their cells' fingerprint; {body id: [cell, or None where evaluated live, per column]},
    and the columns [lo, hi) of those years. A (body, year) not stored whole is left out (evaluated live).
    ``complete`` receives the bodies that have every cell of those columns (the usual case), with what those
    cells account for in the row's share (compliant, assessed: summed by the database).

    The cells come one row per body (their starts and their values as two texts, and how many): about 95,000
    cells by month were as many rows of nine values for the database to send and the driver to convert, and a
    Python loop building each cell. A body's cells are now built in one pass of C iterators: each distinct
    value text (a few dozen) is parsed once, and a cell is a tuple (``Cell``)."""
    years = stored_years(columns, params.at)
    if years is None or not bodies:
        return {}, (0, 0)
    granularity = params.granularity
    per_year = 12 // MONTHS[granularity]
    by_id = {b.id: b for b in bodies}
    # The bodies whose cells were computed from their present dates, rules and waivers, and how many cells of
    # the range their stamp says are stored.
    expected: dict[int, int] = {}
    ids = scope_ids(scope)
    stamps = CadenceStamp.objects.all() if ids is None else CadenceStamp.objects.filter(body_id__in=ids)
    for body_id, fingerprint, first_year, last_year in stamps.values_list(
        "body_id", "fingerprint", "first_year", "last_year"
    ):
        body = by_id.get(body_id)
        first, last = max(years[0], first_year), min(years[1], last_year)
        if body is not None and first <= last and fingerprint == body_fingerprint(body, waivers.get(body_id, ())):
            expected[body_id] = per_year * (last - first + 1)
    if not expected:
        return {}, (0, 0)
    stored = CadenceCell.objects.filter(
        kind=granularity, period_start__gte=dt.date(years[0], 1, 1), period_start__lte=dt.date(years[1], 12, 31)
    )
    if ids is not None:
        stored = stored.filter(body_id__in=ids)
    per_body = (
        stored.values("body_id")
        .annotate(
            starts=_Concatenated(Cast("period_start", TextField())),
            values=_Concatenated(_STORED_VALUES),
            n=Count("*"),
            compliant=Sum("compliant"),
            assessed=Sum("assessed"),
        )
        .order_by()
        .values_list("body_id", "starts", "values", "n", "compliant", "assessed")
    )
    n = len(columns)
    kept: dict[int, list[Cell | None]] = {body_id: [None] * n for body_id in expected}
    # A start as the database writes a date (ISO 8601; a start in any other form matches no column, and the
    # body's cells are then evaluated live, which is always right).
    index = {period.start.isoformat(): i for i, period in enumerate(columns)}
    # The columns of the stored years, and their starts as the query gives them for a body whose every cell is
    # there in column order (the order they are written in): then they are placed without a look-up each.
    lo = index[dt.date(years[0], 1, 1).isoformat()]
    hi = lo + per_year * (years[1] - years[0] + 1)
    block, block_starts = columns[lo:hi], " ".join(period.start.isoformat() for period in columns[lo:hi])
    fields = _StoredFields({w.pk: w for of_body in waivers.values() for w in of_body})
    found = dict.fromkeys(expected, 0)
    for body_id, starts, values, count, compliant, assessed in fetch_rows(per_body):
        cells = kept.get(body_id)
        if cells is None:
            continue
        values = values.split(" ")
        if len(values) != count:
            continue  # a verdict holding the separator (written around the services): the body is evaluated live
        body = repeat(by_id[body_id])
        if starts == block_starts:
            cells[lo:hi] = map(
                _new_cell, repeat(Cell), map(add, zip(body, block, strict=False), map(fields.__getitem__, values))
            )
            complete[body_id] = (compliant, assessed)
            found[body_id] = count
            continue
        at = list(map(index.get, starts.split(" ")))
        if len(at) != count:
            continue
        if None in at:  # a start that is no column's (written around the services): skipped
            at, values = [i for i in at if i is not None], [v for i, v in zip(at, values, strict=True) if i is not None]
        made = map(
            _new_cell,
            repeat(Cell),
            map(add, zip(body, map(columns.__getitem__, at), strict=False), map(fields.__getitem__, values)),
        )
        for i, cell in zip(at, made, strict=True):
            cells[i] = cell
        found[body_id] = len(at)
    for body_id, cells in kept.items():
        if found[body_id] != expected[body_id]:  # not as stamped (tampered with): keep the whole years only
            per = Counter(cell.period.start.year for cell in cells if cell is not None)
            for i, cell in enumerate(cells):
                if cell is not None and per[cell.period.start.year] != per_year:
                    cells[i] = None
    return kept, (lo, hi)


def _missing_runs(cells: list[Cell | None]) -> list[tuple[int, int]]:
    """Maximal runs [lo, hi] of column indices without a cell (found by ``list.index``: the cells present are
    skipped in C)."""
    runs, last, i = [], len(cells) - 1, 0
    while True:
        try:
            lo = cells.index(None, i)
        except ValueError:
            return runs
        hi = lo
        while hi < last and cells[hi + 1] is None:
            hi += 1
        runs.append((lo, hi))
        i = hi + 1


@contextmanager
def _without_cycle_collection():
    """The grid allocates tens of thousands of small acyclic objects (cells, counts, units): the cyclic garbage
    collector would walk every object of the process several times meanwhile for nothing (a quarter of the
    grid's time). Reference counting frees them as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cadence_grid(*, user, params: GridParams, stored: bool = True) -> Grid:
    """The body × period grid. Whole calendar years closed at the evaluation time come from the stored cells
    (``CadenceCell``, the same values as the live evaluation); the rest (the open year, partial years at the
    edges, bodies whose rules, waivers or dates changed since their cells were built) is evaluated live.

    Queries, whatever the number of bodies and periods: bodies, rules, approved waivers, then the stamps and the
    stored cells (when the range holds a closed whole year) and one aggregate of the meetings per body and month (when
    something is evaluated live). ``stored=False`` evaluates everything live (the drill-down lists units)."""
    with _without_cycle_collection():
        return _cadence_grid(user=user, params=params, stored=stored)


def _cadence_grid(*, user, params: GridParams, stored: bool = True) -> Grid:
    """The grid, evaluated (see ``cadence_grid``)."""
    columns = grid_columns(params)
    scope = report_scope(user=user, codes=params.body_codes)
    bodies = report_bodies(user=user, scope=scope)
    grid = Grid(params=params, columns=columns)
    if not columns:
        return grid
    n = len(columns)
    ids = scope_ids(scope)
    waivers = approved_waivers(ids)
    complete: dict[int, tuple[int, int]] = {}
    kept, (lo, hi) = (
        _stored_cells(bodies=bodies, columns=columns, params=params, waivers=waivers, scope=scope, complete=complete)
        if stored
        else ({}, (0, 0))
    )
    table = {body.id: kept.get(body.id) or [None] * n for body in bodies}
    # The columns evaluated live: those outside the stored years for a body with all its stored cells (no need
    # to look), the runs without a cell otherwise.
    around = [run for run in ((0, lo - 1), (hi, n - 1)) if run[0] <= run[1]]
    runs = {body.id: around if body.id in complete else _missing_runs(table[body.id]) for body in bodies}
    segments = [(b, columns[lo].start, columns[hi].last_day) for b in bodies for lo, hi in runs[b.id]]
    by_body: dict[int, list[Unit]] = {}
    months: dict[tuple[int, dt.date], Counts] = {}
    if segments:
        live_ids = list(dict.fromkeys(b.id for b, _first, _last in segments))
        evaluation = evaluate_segments(
            at=params.at,
            bodies=bodies,
            segments=segments,
            default_kind=params.granularity,
            body_ids=ids if len(live_ids) == len(bodies) else live_ids,
            windows=[(columns[lo].starts_at, columns[hi].ends_at) for b in bodies for lo, hi in runs[b.id]],
            waivers=waivers,
        )
        grid.evaluation, months = evaluation, evaluation.months
        for unit in evaluation.units:
            by_body.setdefault(unit.body_id, []).append(unit)
    index = {period.start: i for i, period in enumerate(columns)}
    for body in bodies:
        cells = table[body.id]
        units = by_body.get(body.id, [])
        live = {}
        if runs[body.id]:
            live = live_cells(
                body=body,
                columns=columns,
                index=index,
                units=units,
                months=months,
                granularity=params.granularity,
                wanted=[i for lo, hi in runs[body.id] for i in range(lo, hi + 1)],
            )
            for i, cell in live.items():
                cells[i] = cell
        if body.id in complete:  # the stored cells' share as summed by the database, and the live cells'
            compliant, assessed = complete[body.id]
            compliant += sum(map(_COMPLIANT, live.values()))
            assessed += sum(map(_ASSESSED, live.values()))
        else:
            compliant, assessed = sum(map(_COMPLIANT, cells)), sum(map(_ASSESSED, cells))
        grid.rows.append(Row(body=body, cells=cells, units=units, compliant=compliant, assessed=assessed))
    return grid


def grid_content(grid: Grid) -> dict:
    """The report's content as plain data: what is exported, issued and hashed."""
    return {
        "parameters": grid.params.to_json(),
        "columns": [p.label for p in grid.columns],
        "rows": [
            {
                "body": row.body.code,
                "name": row.body.name_en,
                "compliant": row.compliant,
                "assessed": row.assessed,
                "share": None if row.share is None else round(row.share, 4),
                "cells": [
                    {
                        "period": cell.period.label,
                        "verdict": cell.verdict,
                        "held": cell.counts.held,
                        "unconfirmed": cell.counts.unconfirmed,
                        "upcoming": cell.counts.upcoming,
                        "required": cell.required,
                        "days_left": cell.days_left,
                        "waiver": cell.waiver.title if cell.waiver else "",
                    }
                    for cell in row.cells
                ],
            }
            for row in grid.rows
        ],
    }


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def grid_csv_rows(content: dict) -> list[list]:
    """One line per body and period: what an auditor loads into a spreadsheet."""
    header = [
        "body",
        "body_name",
        "period",
        "verdict",
        "held",
        "unconfirmed",
        "upcoming",
        "required",
        "days_left",
        "waiver",
        "share_compliant",
    ]
    lines: list[list] = [header]
    for row in content["rows"]:
        share = "" if row["share"] is None else f"{row['share']:.4f}"
        for cell in row["cells"]:
            lines.append(
                [
                    row["body"],
                    row["name"],
                    cell["period"],
                    cell["verdict"],
                    cell["held"],
                    cell["unconfirmed"],
                    cell["upcoming"],
                    "" if cell["required"] is None else cell["required"],
                    "" if cell["days_left"] is None else cell["days_left"],
                    cell["waiver"],
                    share,
                ]
            )
    return lines


@dataclass
class CellDetail:
    cell: Cell
    meetings: list[Meeting]
    rule_units: list[Unit]


def grid_cell_detail(*, user, params: GridParams, body: Body, period: CalendarPeriod) -> CellDetail:
    """The drill-down behind one cell: its verdicts, the meetings in the period and the waiver that applied."""
    single = GridParams.build(
        date_from=period.start,
        date_to=period.last_day,
        granularity=period.kind,
        body_codes=(body.code,),
        as_of=params.as_of,
        at=params.at,
    )
    grid = cadence_grid(user=user, params=single, stored=False)
    cell = grid.rows[0].cells[0]
    meetings = list(
        meetings_visible_to(user)
        .filter(body=body, starts_at__gte=period.starts_at, starts_at__lt=period.ends_at)
        .select_related("venue")
        .order_by("starts_at")
    )
    return CellDetail(cell=cell, meetings=meetings, rule_units=cell.units)


def body_chart(*, user, body: Body, params: GridParams) -> dict:
    """Meetings held per period against the required minimum, for a server-rendered SVG bar chart."""
    grid = cadence_grid(user=user, params=GridParams.build(**{**_params_kwargs(params), "body_codes": (body.code,)}))
    bars = []
    if grid.rows:
        for cell in grid.rows[0].cells:
            bars.append({"cell": cell, "held": cell.counts.held, "required": cell.required})
    top = max([b["held"] for b in bars] + [b["required"] or 0 for b in bars] + [1])
    width, height, pad_left, pad_bottom = max(360, 32 * len(bars) + 60), 260, 40, 70
    plot_h = height - pad_bottom - 10
    step = (width - pad_left - 10) / max(1, len(bars))
    for i, bar in enumerate(bars):
        bar["x"] = round(pad_left + i * step + 2, 1)
        bar["w"] = round(max(2.0, step - 4), 1)
        bar["h"] = round(plot_h * bar["held"] / top, 1)
        bar["y"] = round(10 + plot_h - bar["h"], 1)
        if bar["required"] is not None:
            bar["req_y"] = round(10 + plot_h - plot_h * bar["required"] / top, 1)
        bar["label_x"] = round(bar["x"] + bar["w"] / 2, 1)
        bar["label_y"] = height - pad_bottom + 14
        bar["show_label"] = len(bars) <= 24 or i % max(1, len(bars) // 12) == 0
    return {
        "grid": grid,
        "bars": bars,
        "width": round(width),
        "height": height,
        "axis_y": 10 + plot_h,
        "top": top,
        "top_y": 10,
        "pad_left": pad_left,
    }


def _params_kwargs(params: GridParams) -> dict:
    return {
        "date_from": params.date_from,
        "date_to": params.date_to,
        "granularity": params.granularity,
        "body_codes": params.body_codes,
        "as_of": params.as_of,
        "at": params.at,
    }


def flags_visible_to(user) -> QuerySet[Flag]:
    if not (user.is_authenticated and user.role in COMPLIANCE_STAFF):
        return Flag.objects.none()
    return Flag.objects.select_related("body", "rule")


def flag_list(*, user, state: str | None = None) -> QuerySet[Flag]:
    flags = flags_visible_to(user)
    if state:
        flags = flags.filter(state=state)
    return flags.order_by("-period_start", "body__rank", "body__code", "pk")


def waivers_visible_to(user) -> QuerySet[Waiver]:
    if not (user.is_authenticated and user.role in COMPLIANCE_STAFF):
        return Waiver.objects.none()
    return Waiver.objects.select_related("proposed_by", "decided_by").prefetch_related(
        Prefetch("bodies", queryset=Body.objects.order_by("rank", "code"))
    )


def issued_reports_visible_to(user) -> QuerySet[IssuedReport]:
    if not (user.is_authenticated and user.role in COMPLIANCE_STAFF):
        return IssuedReport.objects.none()
    return IssuedReport.objects.select_related("issued_by").defer("content")


def dashboard_panels(*, user) -> list[dict]:
    """The open flags (secretariat, chair's office, auditors): two queries."""
    if not (user.is_authenticated and user.role in COMPLIANCE_STAFF):
        return []
    flags = flags_visible_to(user).filter(state=FlagState.OPEN)
    return [
        {
            "template": "compliance/panel_flags.html",
            "context": {
                "count": flags.count(),
                "flags": list(flags.order_by("-period_start", "body__rank")[:8]),
            },
        }
    ]
