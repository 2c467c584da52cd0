"""Calendar periods in the Council's time zone (Europe/Brussels).

A period is identified by its kind (month, quarter, half-year, year) and its first day. Its bounds as
instants are midnight in Brussels on its first day and on the first day of the next period, so a meeting that
starts at 23:30 UTC on 31 January (00:30 in Brussels on 1 February) belongs to February, whatever DST says.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.conf import settings

BRUSSELS = zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)
MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
KINDS = tuple(MONTHS)


def period_start(day: dt.date, kind: str) -> dt.date:
    """The first day of the ``kind`` period that contains ``day``."""
    size = MONTHS[kind]
    month = (day.month - 1) // size * size + 1
    return dt.date(day.year, month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_start(start: dt.date, kind: str) -> dt.date:
    return add_months(start, MONTHS[kind])


def midnight(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in Brussels, as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BRUSSELS).date()


@dataclass(frozen=True, order=True)
class CalendarPeriod:
    """Immutable; its derived values are computed once (instances are shared, see ``calendar_period``)."""

    start: dt.date
    kind: str

    @cached_property
    def end(self) -> dt.date:
        """The first day after the period (exclusive)."""
        return next_start(self.start, self.kind)

    @cached_property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @cached_property
    def starts_at(self) -> dt.datetime:
        return midnight(self.start)

    @cached_property
    def ends_at(self) -> dt.datetime:
        return midnight(self.end)

    def contains(self, other: CalendarPeriod) -> bool:
        return self.start <= other.start and other.end <= self.end

    @cached_property
    def months(self) -> tuple[dt.date, ...]:
        return tuple(add_months(self.start, i) for i in range(MONTHS[self.kind]))

    @cached_property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half_year":
            return f"{self.start.year}-H{(self.start.month - 1) // 6 + 1}"
        return f"{self.start.year}"


@lru_cache(maxsize=16384)
def calendar_period(start: dt.date, kind: str) -> CalendarPeriod:
    """The shared instance of a period (a century of months fits in the cache)."""
    return CalendarPeriod(start, kind)


def period_containing(day: dt.date, kind: str) -> CalendarPeriod:
    return calendar_period(period_start(day, kind), kind)


def periods_between(first_day: dt.date, last_day: dt.date, kind: str) -> list[CalendarPeriod]:
    """Every ``kind`` period that overlaps [first_day, last_day], in order."""
    periods = []
    period = period_containing(first_day, kind)
    while period.start <= last_day:
        periods.append(period)
        period = calendar_period(period.end, kind)
    return periods


def parse_label(label: str, kind: str) -> CalendarPeriod:
    """The inverse of ``CalendarPeriod.label``; raises ValueError on anything else."""
    if kind == "month":
        year, month = label.split("-")
        start = dt.date(int(year), int(month), 1)
    elif kind in ("quarter", "half_year"):
        year, part = label.split("-")
        letter, size = ("Q", 3) if kind == "quarter" else ("H", 6)
        if not part.startswith(letter):
            raise ValueError(label)
        number = int(part[1:])
        if not 1 <= number <= 12 // size:
            raise ValueError(label)
        start = dt.date(int(year), (number - 1) * size + 1, 1)
    elif kind == "year":
        start = dt.date(int(label), 1, 1)
    else:
        raise ValueError(kind)
    return calendar_period(start, kind)
