"""The stored compliance grid (``CadenceCell``): identical to the live evaluation, kept in step by every write
path, repaired by the hourly job and rebuilt by the management command; a constant number of queries."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command

from committees.models import CadenceRule, Role
from compliance import cells as cadence_cells
from compliance.models import CadenceCell, CadenceStamp, WaiverStatus
from compliance.periods import KINDS
from compliance.selectors import GridParams, cadence_grid, grid_content
from compliance.services import cadence_flags_refresh, waiver_approve, waiver_propose
from meetings.models import Meeting, MeetingStatus
from meetings.services.scheduling import (
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_reschedule,
    series_create,
)
from tests.factories import BodyFactory, CadenceRuleFactory, UserFactory, brussels

from .factories_compliance import UTC, WaiverFactory, meeting, monthly_body

pytestmark = pytest.mark.django_db

# The stored years are those over at this time: 2002 to 2007.
NOW = dt.datetime(2008, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def auditor(db):
    return UserFactory(role=Role.AUDITOR)


@pytest.fixture
def secretariat(db):
    return UserFactory(role=Role.SECRETARIAT)


def edge_case_bodies(seed: int = 9) -> list:
    """Bodies and meetings with the edge cases of design.md, 2002 to 2008, generated from a seeded generator."""
    rng = random.Random(seed)
    # A body set up mid-month (28 May 2002), monthly rule: May 2002, Q2, H1 and 2002 are not applicable.
    monthly = monthly_body(code="E-MONTHLY")
    # A rule change mid-year and mid-month: quarterly (2) until 14 July 2004, then monthly (1).
    changing = BodyFactory(code="E-CHANGE", existed_from=dt.date(2002, 5, 28))
    CadenceRuleFactory(
        body=changing,
        period="quarter",
        min_meetings=2,
        effective_from=dt.date(2002, 5, 28),
        effective_to=dt.date(2004, 7, 14),
    )
    CadenceRuleFactory(body=changing, period="month", min_meetings=1, effective_from=dt.date(2004, 7, 15))
    # A yearly rule on a body dissolved mid-year, with an open-ended waiver from 2005.
    yearly = BodyFactory(code="E-YEARLY", existed_from=dt.date(2002, 5, 28), existed_to=dt.date(2007, 6, 30))
    CadenceRuleFactory(body=yearly, period="year", min_meetings=3, effective_from=dt.date(2002, 5, 28))
    # "As appropriate": no period, N = 0.
    loose = BodyFactory(code="E-LOOSE", existed_from=dt.date(2002, 5, 28))
    CadenceRuleFactory(body=loose, period="", min_meetings=0, effective_from=dt.date(2002, 5, 28))
    # Set up mid-period with a half-year rule.
    half = BodyFactory(code="E-HALF", existed_from=dt.date(2003, 3, 15))
    CadenceRuleFactory(body=half, period="half_year", min_meetings=2, effective_from=dt.date(2003, 3, 15))
    bodies = [monthly, changing, yearly, loose, half]
    for body in bodies:
        day = max(body.existed_from, dt.date(2002, 6, 1))
        end = min(body.existed_to or dt.date(2008, 12, 31), dt.date(2008, 12, 31))
        while day <= end:
            roll = rng.random()
            status = MeetingStatus.HELD
            if roll < 0.06:
                status = MeetingStatus.CANCELLED
            elif roll < 0.12:
                status = MeetingStatus.SCHEDULED  # left unconfirmed
            if roll < 0.85:
                meeting(body, brussels(day.year, day.month, min(day.day, 28), 10), status=status)
            day += dt.timedelta(days=rng.choice((12, 20, 31, 45)))
    # 23:30 UTC on 31 January counts for February; 22:30 UTC on 31 March (summer time) for April.
    meeting(monthly, dt.datetime(2004, 1, 31, 23, 30, tzinfo=UTC))
    meeting(monthly, dt.datetime(2005, 3, 31, 22, 30, tzinfo=UTC))
    # On the DST change days, and at midnight Brussels on 1 January.
    meeting(changing, dt.datetime(2005, 3, 27, 1, 30, tzinfo=UTC))
    meeting(changing, dt.datetime(2005, 10, 30, 0, 30, tzinfo=UTC))
    meeting(half, dt.datetime(2005, 12, 31, 23, 0, tzinfo=UTC))
    meeting(half, dt.datetime(2006, 6, 30, 22, 0, tzinfo=UTC), status=MeetingStatus.CANCELLED)
    # Months with nothing held, waived or not.
    Meeting.objects.filter(
        body=monthly, starts_at__gte=brussels(2003, 6, 1, 0), starts_at__lt=brussels(2003, 8, 1, 0)
    ).delete()
    WaiverFactory(bodies=[monthly], starts_on=dt.date(2003, 7, 1), ends_on=dt.date(2003, 7, 31))
    WaiverFactory(bodies=[yearly, half], starts_on=dt.date(2005, 1, 1), ends_on=None)
    WaiverFactory(
        bodies=[monthly], starts_on=dt.date(2003, 6, 1), ends_on=dt.date(2003, 6, 30), status=WaiverStatus.PROPOSED
    )
    return bodies


GRIDS = [
    # (from, to, as of): whole stored years and the open year; partial years at both edges evaluated live;
    # as of 31 December (the year just over is evaluated live: at is midnight on 1 January); now (2026).
    (dt.date(2002, 1, 1), dt.date(2008, 12, 31), dt.date(2008, 2, 10)),
    (dt.date(2003, 3, 1), dt.date(2006, 8, 31), None),
    (dt.date(2002, 5, 28), dt.date(2007, 12, 31), dt.date(2004, 12, 31)),
    (dt.date(2004, 7, 1), dt.date(2005, 12, 31), dt.date(2006, 1, 1)),
]


def _contents(user, params):
    stored = cadence_grid(user=user, params=params)
    live = cadence_grid(user=user, params=params, stored=False)
    return grid_content(stored), grid_content(live), stored


def _table() -> list[tuple]:
    return sorted(
        CadenceCell.objects.values_list(
            "body__code", "kind", "period_start", "verdict", "held", "unconfirmed", "required", "waiver_id",
            "compliant", "assessed",
        )
    )  # fmt: skip


def assert_in_step() -> None:
    """The stored cells are what a rebuild from scratch writes."""
    before = _table()
    cadence_cells.cells_rebuild(now=NOW)
    assert _table() == before


@pytest.mark.parametrize("granularity", KINDS)
@pytest.mark.parametrize(("date_from", "date_to", "as_of"), GRIDS)
def test_the_stored_grid_is_identical_to_the_live_evaluation(auditor, granularity, date_from, date_to, as_of):
    # Given bodies with every edge case, and the stored cells built for 2002 to 2007
    edge_case_bodies()
    written = cadence_cells.cells_rebuild(now=NOW)
    assert written == 5 * 6 * (12 + 4 + 2 + 1)
    # When the grid is computed from the stored cells and entirely live
    params = GridParams.build(date_from=date_from, date_to=date_to, granularity=granularity, as_of=as_of)
    stored, live, grid = _contents(auditor, params)
    # Then both give the same content, cell for cell
    assert stored == live
    # and the whole years over before the evaluation year came from the stored cells (no live units)
    first_stored = date_from.year if date_from.month == 1 and date_from.day == 1 else date_from.year + 1
    open_year = params.at.astimezone(UTC).year if as_of is None else (as_of + dt.timedelta(days=1)).year
    last_stored = min(
        date_to.year if (date_to.month, date_to.day) == (12, 31) else date_to.year - 1, open_year - 1, 2007
    )
    stored_cells = [c for row in grid.rows for c in row.cells if first_stored <= c.period.start.year <= last_stored]
    assert all(c.units == [] for c in stored_cells)
    if first_stored <= last_stored:
        assert any(c.verdict == "compliant" for c in stored_cells)


@pytest.mark.parametrize("granularity", ["month", "year"])
def test_a_grid_of_some_bodies_reads_their_stored_cells_only(auditor, django_assert_num_queries, granularity):
    # Given bodies with every edge case, their cells stored for 2002 to 2007
    edge_case_bodies()
    cadence_cells.cells_rebuild(now=NOW)
    params = GridParams.build(
        date_from=dt.date(2002, 1, 1),
        date_to=dt.date(2008, 12, 31),
        granularity=granularity,
        body_codes=("E-CHANGE", "E-YEARLY"),
        as_of=dt.date(2008, 2, 10),
    )
    # When the grid of two of them is computed (the other queries filtered by the bodies in view, as a subquery):
    # bodies, rules, approved waivers, the stamps, the stored cells, the meetings of the open year
    with django_assert_num_queries(6):
        grid = cadence_grid(user=auditor, params=params)
    # Then it has their rows only, the closed years from the stored cells, and equals the live evaluation
    assert [row.body.code for row in grid.rows] == ["E-CHANGE", "E-YEARLY"]
    assert all(c.units == [] for row in grid.rows for c in row.cells if c.period.start.year <= 2007)
    assert grid_content(grid) == grid_content(cadence_grid(user=auditor, params=params, stored=False))


def test_the_edge_cases_are_in_the_stored_cells(auditor):
    edge_case_bodies()
    cadence_cells.cells_rebuild(now=NOW)
    cells = {
        (code, kind, start): (verdict, held)
        for code, kind, start, verdict, held in CadenceCell.objects.values_list(
            "body__code", "kind", "period_start", "verdict", "held"
        )
    }
    assert cells[("E-MONTHLY", "month", dt.date(2002, 5, 1))] == ("not_applicable", 0)  # set up on 28 May
    assert cells[("E-MONTHLY", "month", dt.date(2003, 6, 1))] == ("breach", 0)  # the waiver was only proposed
    assert cells[("E-MONTHLY", "month", dt.date(2003, 7, 1))] == ("waived", 0)
    assert cells[("E-CHANGE", "month", dt.date(2004, 6, 1))][0] == "coarser"  # the quarterly rule
    assert cells[("E-CHANGE", "month", dt.date(2004, 7, 1))][0] == "not_applicable"  # rule changed on 15 July
    assert cells[("E-YEARLY", "month", dt.date(2004, 3, 1))][0] == "coarser"
    assert cells[("E-YEARLY", "year", dt.date(2007, 1, 1))][0] == "not_applicable"  # dissolved on 30 June
    feb_2004 = Meeting.objects.filter(
        body__code="E-MONTHLY", status=MeetingStatus.HELD, starts_at__gte=brussels(2004, 2, 1, 0),
        starts_at__lt=brussels(2004, 3, 1, 0),
    ).count()  # fmt: skip
    assert cells[("E-MONTHLY", "month", dt.date(2004, 2, 1))][1] == feb_2004  # with 23:30 UTC on 31 January


@pytest.mark.parametrize("n_bodies", [1, 30])
def test_the_stored_grid_takes_a_constant_number_of_queries(auditor, django_assert_num_queries, n_bodies):
    # Given n bodies with meetings over six years, their cells stored
    for _ in range(n_bodies):
        body = monthly_body()
        for year in range(2003, 2009):
            for month in range(1, 13):
                meeting(body, brussels(year, month, 10))
    cadence_cells.cells_rebuild(now=NOW)
    params = GridParams.build(
        date_from=dt.date(2002, 1, 1), date_to=dt.date(2008, 12, 31), granularity="year", as_of=dt.date(2008, 2, 10)
    )
    # When the grid is computed: bodies, rules, approved waivers, the stamps, the stored cells, the meetings of
    # the open year
    with django_assert_num_queries(6):
        grid = cadence_grid(user=auditor, params=params)
    assert len(grid.rows) == n_bodies
    assert {row.cells[3].verdict for row in grid.rows} == {"compliant"}
    # And a range of closed years only: no meeting count at all
    closed = GridParams.build(
        date_from=dt.date(2003, 1, 1), date_to=dt.date(2006, 12, 31), granularity="month", as_of=dt.date(2008, 2, 10)
    )
    with django_assert_num_queries(5):
        grid = cadence_grid(user=auditor, params=closed)
    assert (grid.rows[0].compliant, grid.rows[0].assessed) == (48, 48)


# Every write path keeps the cells in step -------------------------------------------------------------------


@pytest.fixture
def stored(db, monkeypatch):
    # The services' own rebuilds (a waiver approved, the management command) store up to 2007 too.
    monkeypatch.setattr(cadence_cells, "last_closed_year", lambda now=None: (now or NOW).year - 1)
    bodies = edge_case_bodies()
    cadence_cells.cells_rebuild(now=NOW)
    return {b.code: b for b in bodies}


def _cell(code: str, kind: str, start: dt.date) -> tuple:
    return CadenceCell.objects.values_list("verdict", "held", "unconfirmed").get(
        body__code=code, kind=kind, period_start=start
    )


def test_a_meeting_created_in_a_stored_year_updates_its_cells(stored, secretariat):
    held_before = _cell("E-MONTHLY", "month", dt.date(2003, 6, 1))
    assert held_before == ("breach", 0, 0)
    meeting_create(
        body=stored["E-MONTHLY"],
        title="Recorded late",
        starts_at=brussels(2003, 6, 12),
        ends_at=brussels(2003, 6, 12, 12),
        acting_user=secretariat,
    )
    assert _cell("E-MONTHLY", "month", dt.date(2003, 6, 1)) == ("unconfirmed", 0, 1)
    assert_in_step()


def test_marking_held_cancelling_and_rescheduling_keep_the_cells_in_step(stored, secretariat):
    body = stored["E-MONTHLY"]
    scheduled = meeting(body, brussels(2003, 6, 20), status=MeetingStatus.SCHEDULED)
    cadence_cells.cells_rebuild(now=NOW)
    meeting_mark_held(meeting=scheduled, acting_user=secretariat)
    assert _cell("E-MONTHLY", "month", dt.date(2003, 6, 1)) == ("compliant", 1, 0)
    assert_in_step()
    other = meeting(body, brussels(2004, 5, 20), status=MeetingStatus.SCHEDULED)
    cadence_cells.cells_rebuild(now=NOW)
    meeting_cancel(meeting=other, reason="No quorum", acting_user=secretariat)
    assert_in_step()
    # Moved from 2004 to 2006: both years change
    third = meeting(body, brussels(2004, 9, 20), status=MeetingStatus.SCHEDULED)
    cadence_cells.cells_rebuild(now=NOW)
    before_2004 = _cell("E-MONTHLY", "year", dt.date(2004, 1, 1))
    meeting_reschedule(
        meeting=third,
        starts_at=brussels(2006, 9, 20),
        ends_at=brussels(2006, 9, 20, 12),
        venue=None,
        reason="Moved",
        acting_user=secretariat,
    )
    assert _cell("E-MONTHLY", "year", dt.date(2004, 1, 1))[2] == before_2004[2] - 1
    assert_in_step()


def test_a_series_created_over_stored_years_updates_their_cells(stored, secretariat):
    series_create(
        body=stored["E-LOOSE"],
        title="Monthly",
        rrule="FREQ=MONTHLY;COUNT=5",
        first_starts_at=brussels(2007, 10, 3, 15),
        ends_at=brussels(2007, 10, 3, 17),
        acting_user=secretariat,
    )
    assert_in_step()


def test_a_meeting_of_the_open_year_costs_the_hook_no_query(stored, secretariat, django_assert_num_queries):
    from meetings.services.scheduling import MEETINGS_WRITTEN

    assert cadence_cells.meetings_written in MEETINGS_WRITTEN
    with django_assert_num_queries(0):
        cadence_cells.meetings_written([(stored["E-MONTHLY"].pk, dt.datetime.now(UTC) + dt.timedelta(days=3))])


def test_approving_a_waiver_rebuilds_the_bodies_it_covers(stored, secretariat, auditor):
    body = stored["E-MONTHLY"]
    waiver = waiver_propose(
        bodies=[body],
        starts_on=dt.date(2003, 6, 1),
        ends_on=dt.date(2003, 6, 30),
        justification="Elections",
        acting_user=secretariat,
    )
    assert _cell("E-MONTHLY", "month", dt.date(2003, 6, 1))[0] == "breach"  # only proposed
    waiver_approve(waiver=waiver, acting_user=UserFactory(role=Role.CHAIR))
    assert _cell("E-MONTHLY", "month", dt.date(2003, 6, 1))[0] == "waived"
    assert_in_step()
    params = GridParams.build(date_from=dt.date(2003, 1, 1), date_to=dt.date(2003, 12, 31), granularity="month")
    stored_content, live_content, grid = _contents(auditor, params)
    assert stored_content == live_content
    assert grid.rows[0].cells[5].units == []  # the stamp matches: the stored cells are used


def test_a_rule_change_is_evaluated_live_until_the_job_rebuilds_the_body(stored, auditor):
    # Given a rule changed around the services (committees' own writes, the admin)
    CadenceRule.objects.filter(body=stored["E-MONTHLY"]).update(min_meetings=2)
    params = GridParams.build(date_from=dt.date(2003, 1, 1), date_to=dt.date(2006, 12, 31), granularity="quarter")
    # Then the grid no longer uses that body's cells, and still equals the live evaluation
    stored_content, live_content, grid = _contents(auditor, params)
    assert stored_content == live_content
    row = next(r for r in grid.rows if r.body.code == "E-MONTHLY")
    assert all(c.units for c in row.cells if c.verdict != "not_applicable")
    # When the hourly job runs, the body is rebuilt and stamped again
    result = cadence_cells.cells_repair(now=NOW)
    assert result == {"bodies rebuilt": 1, "bodies extended": 0, "years repaired": 0}
    assert_in_step()
    grid = cadence_grid(user=auditor, params=params)
    assert all(c.units == [] for row in grid.rows for c in row.cells)


def test_a_body_dates_change_is_evaluated_live(stored, auditor):
    body = stored["E-HALF"]
    body.existed_from = dt.date(2003, 1, 1)
    body.save(update_fields=["existed_from"])
    params = GridParams.build(date_from=dt.date(2003, 1, 1), date_to=dt.date(2006, 12, 31), granularity="half_year")
    stored_content, live_content, _grid = _contents(auditor, params)
    assert stored_content == live_content


def test_a_rebuild_repairs_tampered_cells(stored, auditor):
    # Given cells tampered with, and a meeting written around the services
    reference = _table()
    CadenceCell.objects.filter(kind="year").update(verdict="compliant", held=99)
    CadenceCell.objects.filter(kind="month", period_start=dt.date(2005, 2, 1)).delete()
    # Then a year no longer stored whole is evaluated live
    params = GridParams.build(date_from=dt.date(2005, 1, 1), date_to=dt.date(2005, 12, 31), granularity="month")
    stored_content, live_content, grid = _contents(auditor, params)
    assert stored_content == live_content
    assert all(
        cell.units for row in grid.rows for cell in row.cells if cell.verdict not in ("not_applicable", "coarser")
    )
    # When the management command rebuilds them
    call_command("rebuild_cadence_cells", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Then they are what they were
    assert _table() == reference


def test_stored_cells_rewritten_or_stray_are_read_as_the_live_evaluation_gives_them(stored, auditor):
    # Given a stored month written again (its row no longer among its body's others) and a stray row that
    # starts on no column's first day
    body = stored["E-MONTHLY"]
    rewritten = CadenceCell.objects.get(body=body, kind="month", period_start=dt.date(2005, 2, 1))
    rewritten.delete()
    rewritten.pk = None
    rewritten.save()
    CadenceCell.objects.create(
        body=body, kind="month", period_start=dt.date(2005, 3, 15), verdict="breach", held=0, unconfirmed=0,
        compliant=0, assessed=1,
    )  # fmt: skip
    # When the grid of the stored years is computed
    params = GridParams.build(
        date_from=dt.date(2002, 1, 1), date_to=dt.date(2007, 12, 31), granularity="month", as_of=dt.date(2008, 2, 10)
    )
    stored_content, live_content, grid = _contents(auditor, params)
    # Then it equals the live evaluation, every cell from the stored ones (the stray row ignored)
    assert stored_content == live_content
    assert all(cell.units == [] for row in grid.rows for cell in row.cells)


def test_a_stored_value_that_cannot_be_read_back_leaves_the_body_to_the_live_evaluation(stored, auditor):
    # Given a stored verdict holding a space (written around the services)
    body = stored["E-MONTHLY"]
    CadenceCell.objects.filter(body=body, kind="month", period_start=dt.date(2004, 2, 1)).update(verdict="a b")
    params = GridParams.build(
        date_from=dt.date(2002, 1, 1), date_to=dt.date(2007, 12, 31), granularity="month", as_of=dt.date(2008, 2, 10)
    )
    # When the grid is computed
    stored_content, live_content, grid = _contents(auditor, params)
    # Then that body is evaluated live (the others still come from the stored cells)
    assert stored_content == live_content
    rows = {row.body.code: row for row in grid.rows}
    assert any(cell.units for cell in rows["E-MONTHLY"].cells)
    assert all(cell.units == [] for code, row in rows.items() if code != "E-MONTHLY" for cell in row.cells)


def test_the_hourly_job_repairs_counts_written_around_the_services(stored, auditor):
    # Given meetings of a stored year changed by a bulk update (no service, no hook)
    changed = Meeting.objects.filter(body__code="E-CHANGE", starts_at__year=2005, status=MeetingStatus.HELD)
    assert changed.exists()
    changed.update(status=MeetingStatus.SCHEDULED)
    # When the job checks the stored cells
    result = cadence_cells.cells_repair(now=NOW)
    # Then that (body, year) is recomputed, and the cells are in step again
    assert result == {"bodies rebuilt": 0, "bodies extended": 0, "years repaired": 1}
    assert_in_step()
    params = GridParams.build(date_from=dt.date(2005, 1, 1), date_to=dt.date(2005, 12, 31), granularity="month")
    stored_content, live_content, _grid = _contents(auditor, params)
    assert stored_content == live_content


def test_the_job_adds_the_year_that_just_closed(stored):
    # Given cells stored up to 2007; when the job runs in 2009
    result = cadence_cells.cells_repair(now=dt.datetime(2009, 1, 1, 1, tzinfo=UTC))
    # Then 2008 is added for every body
    assert result == {"bodies rebuilt": 0, "bodies extended": 5, "years repaired": 0}
    assert set(CadenceStamp.objects.values_list("last_year", flat=True)) == {2008}
    assert CadenceCell.objects.filter(period_start__year=2008).count() == 5 * 19
    reference = _table()
    cadence_cells.cells_rebuild(now=dt.datetime(2009, 1, 1, 1, tzinfo=UTC))
    assert _table() == reference


def test_the_cadence_job_builds_missing_cells(db):
    # Given bodies never stored; when the cadence job runs
    edge_case_bodies()
    cadence_flags_refresh()
    # Then every body is stamped and stored up to last year
    last = dt.date.today().year - 1
    assert CadenceStamp.objects.count() == 5
    assert CadenceCell.objects.count() == 5 * (last - 2002 + 1) * 19
    # and running it again changes nothing
    before = _table()
    assert cadence_cells.cells_repair() == {"bodies rebuilt": 0, "bodies extended": 0, "years repaired": 0}
    assert _table() == before
