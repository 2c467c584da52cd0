"""The body × period grid: constant queries, cells summarising finer periods, share of compliant periods."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Role
from compliance.forms import GridFilterForm
from compliance.periods import midnight
from compliance.selectors import GridParams, cadence_grid, grid_content, grid_csv_rows
from nrc.datacache import data_changed
from tests.factories import UserFactory, brussels

from .factories_compliance import WaiverFactory, held_every_month, meeting, monthly_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_user(db):
    return UserFactory(role=Role.AUDITOR)


def _params(**kwargs):
    defaults = {
        "date_from": dt.date(2003, 1, 1),
        "date_to": dt.date(2005, 12, 31),
        "granularity": "month",
        "as_of": dt.date(2006, 1, 15),
    }
    return GridParams.build(**{**defaults, **kwargs})


def _bodies_with_meetings(n: int):
    bodies = [monthly_body() for _ in range(n)]
    for body in bodies:
        held_every_month(body, dt.date(2003, 1, 1), dt.date(2005, 12, 1), skip={(2004, 8)})
    WaiverFactory(bodies=bodies[:1], starts_on=dt.date(2005, 1, 1), ends_on=dt.date(2005, 1, 31))
    return bodies


@pytest.mark.parametrize("n_bodies", [1, 50])
def test_the_grid_takes_five_queries_for_1_or_50_bodies(auditor_user, django_assert_num_queries, n_bodies):
    # Given n bodies, each with 35 meetings over three years, their stored cells not built yet
    _bodies_with_meetings(n_bodies)
    # When the grid for 36 months is computed
    # Then: bodies, their rules, approved waivers, the stamps of the stored cells (none: no cell is read), one
    # aggregate of meetings per body and month (test_cells.py pins the counts with the cells stored)
    with django_assert_num_queries(5):
        grid = cadence_grid(user=auditor_user, params=_params())
    assert len(grid.rows) == n_bodies
    assert len(grid.columns) == 36
    assert {row.cells[19].verdict for row in grid.rows} == {"breach"}  # August 2004


@pytest.mark.parametrize("n_bodies", [1, 50])
def test_the_grid_api_takes_the_same_queries_for_1_or_50_bodies(auditor_user, client, n_bodies):
    _bodies_with_meetings(n_bodies)
    client.force_login(auditor_user)
    url = "/api/v1/compliance/grid/?from=2003-01-01&to=2005-12-31&as_of=2006-01-15"
    client.get(url)  # warm up (session, content types)
    data_changed()  # count the grid's own work, not an answer of the read cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["rows"]) == n_bodies
    # session, user, body choices of the filter form, then the five of the grid
    assert len(queries) == 8, [q["sql"][:80] for q in queries]


def test_cells_rows_and_share(auditor_user):
    # Given a body that missed August 2004, was waived in January 2005 and left a meeting unconfirmed in March 2005
    (body,) = _bodies_with_meetings(1)
    from meetings.models import Meeting, MeetingStatus

    Meeting.objects.filter(body=body, starts_at__year=2005, starts_at__month=1).delete()
    Meeting.objects.filter(body=body, starts_at__year=2005, starts_at__month=3).update(status=MeetingStatus.SCHEDULED)
    grid = cadence_grid(user=auditor_user, params=_params())
    row = grid.rows[0]
    by_label = {cell.period.label: cell for cell in row.cells}
    assert by_label["2004-08"].verdict == "breach"
    assert by_label["2005-01"].verdict == "waived"
    assert by_label["2005-01"].waiver.title.startswith("Waiver")
    assert by_label["2005-03"].verdict == "unconfirmed"
    assert by_label["2005-03"].counts.unconfirmed == 1
    assert by_label["2005-12"].verdict == "compliant"
    # 36 months: 33 compliant, 1 breach, 1 unconfirmed assessed; the waived one is left out
    assert (row.compliant, row.assessed) == (33, 35)
    assert row.share_percent == "94.3"


def test_a_quarter_grid_summarises_months_by_the_worst_verdict(auditor_user):
    _bodies_with_meetings(1)
    grid = cadence_grid(user=auditor_user, params=_params(granularity="quarter"))
    cells = {cell.period.label: cell for cell in grid.rows[0].cells}
    assert len(cells) == 12
    assert cells["2004-Q3"].verdict == "breach"
    assert len(cells["2004-Q3"].units) == 3
    assert cells["2004-Q3"].counts.held == 2
    assert cells["2005-Q1"].verdict == "compliant"  # the waiver was not needed: a meeting was held


def test_a_month_grid_marks_cells_of_a_yearly_rule_as_coarser(auditor_user):
    body = monthly_body(min_meetings=2, period="year")
    meeting(body, brussels(2004, 3, 3))
    month_grid = cadence_grid(
        user=auditor_user, params=_params(date_from=dt.date(2004, 1, 1), date_to=dt.date(2004, 12, 31))
    )
    assert {cell.verdict for cell in month_grid.rows[0].cells} == {"coarser"}
    year_grid = cadence_grid(user=auditor_user, params=_params(granularity="year"))
    assert [c.verdict for c in year_grid.rows[0].cells] == ["breach", "breach", "breach"]
    assert [c.counts.held for c in year_grid.rows[0].cells] == [0, 1, 0]


def test_the_grid_stops_at_the_open_period(auditor_user):
    body = monthly_body()
    meeting(body, brussels(2005, 6, 5))
    grid = cadence_grid(
        user=auditor_user,
        params=_params(date_from=dt.date(2005, 4, 1), date_to=dt.date(2005, 12, 31), as_of=dt.date(2005, 6, 15)),
    )
    assert [p.label for p in grid.columns] == ["2005-04", "2005-05", "2005-06"]
    assert [c.verdict for c in grid.rows[0].cells] == ["breach", "breach", "on_track"]
    assert grid.rows[0].cells[-1].days_left == 15


def test_delegations_see_only_their_bodies(reference, delegation):
    from committees.models import Body, Member

    restricted = monthly_body()
    restricted.participants.set([Member.objects.get(iso2="RU")])
    grid = cadence_grid(user=delegation, params=_params())
    codes = {row.body.code for row in grid.rows}
    assert restricted.code not in codes
    assert "NRC-AMB" in codes
    assert len(codes) == Body.objects.count() - 1


def test_csv_lines_match_the_cells(auditor_user):
    _bodies_with_meetings(2)
    grid = cadence_grid(user=auditor_user, params=_params())
    lines = grid_csv_rows(grid_content(grid))
    assert lines[0][:4] == ["body", "body_name", "period", "verdict"]
    assert len(lines) == 1 + 2 * 36
    assert [line[3] for line in lines[1:37]] == [cell.verdict for cell in grid.rows[0].cells]


# The filters -----------------------------------------------------------------------------------------------


def _form(user, **data):
    form = GridFilterForm(data, user=user)
    form.is_valid()
    return form


def test_defaults_are_the_last_three_calendar_years(auditor_user):
    form = _form(auditor_user, as_of="2005-06-15")
    params = form.params()
    assert (params.date_from, params.date_to, params.granularity) == (
        dt.date(2003, 1, 1),
        dt.date(2005, 6, 15),
        "month",
    )
    assert params.at == midnight(dt.date(2005, 6, 16))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"from": "2005-01-01", "to": "2004-01-01"}, "to", "The range ends before it starts."),
        ({"from": "2003-01-01", "to": "2053-01-02"}, "to", "The range spans more than 50 years."),
        ({"as_of": "2002-05-27"}, "as_of", "The Council did not exist before 28 May 2002."),
        ({"to": "2001-01-01", "from": "2000-01-01"}, "to", "The Council did not exist before 28 May 2002."),
        (
            {"from": "2007-01-01", "to": "2007-12-31", "as_of": "2006-01-01"},
            "from",
            "The range starts after the evaluation date.",
        ),
        ({"body": ["NOPE"]}, "body", "Select a valid choice. NOPE is not one of the available choices."),
        ({"granularity": "week"}, "granularity", "Select a valid choice. week is not one of the available choices."),
        ({"from": "2005-02-30"}, "from", "Enter a valid date."),
    ],
)
def test_bad_filters_name_the_field(auditor_user, data, field, message):
    form = _form(auditor_user, **data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_fifty_years_exactly_is_allowed(auditor_user):
    assert _form(auditor_user, **{"from": "2003-01-01", "to": "2053-01-01"}).is_valid()
