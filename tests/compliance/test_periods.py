"""Calendar periods in Europe/Brussels: the edges."""

import datetime as dt

import pytest

from compliance.periods import (
    BRUSSELS,
    CalendarPeriod,
    local_date,
    parse_label,
    period_containing,
    period_start,
    periods_between,
)


@pytest.mark.parametrize(
    ("day", "kind", "start"),
    [
        (dt.date(2004, 2, 29), "month", dt.date(2004, 2, 1)),
        (dt.date(2004, 3, 31), "quarter", dt.date(2004, 1, 1)),
        (dt.date(2004, 4, 1), "quarter", dt.date(2004, 4, 1)),
        (dt.date(2004, 6, 30), "half_year", dt.date(2004, 1, 1)),
        (dt.date(2004, 7, 1), "half_year", dt.date(2004, 7, 1)),
        (dt.date(2004, 12, 31), "year", dt.date(2004, 1, 1)),
    ],
)
def test_period_start(day, kind, start):
    assert period_start(day, kind) == start


def test_leap_february_has_29_days_and_ends_at_midnight_brussels():
    # Given February of a leap year and of a common year
    leap, common = CalendarPeriod(dt.date(2004, 2, 1), "month"), CalendarPeriod(dt.date(2005, 2, 1), "month")
    # Then their last days and their ends are right
    assert leap.last_day == dt.date(2004, 2, 29)
    assert common.last_day == dt.date(2005, 2, 28)
    assert leap.ends_at == dt.datetime(2004, 2, 29, 23, 0, tzinfo=dt.UTC)


def test_23_30_utc_on_31_january_is_in_february_in_brussels():
    moment = dt.datetime(2005, 1, 31, 23, 30, tzinfo=dt.UTC)
    assert local_date(moment) == dt.date(2005, 2, 1)
    assert period_containing(local_date(moment), "month").label == "2005-02"
    february = CalendarPeriod(dt.date(2005, 2, 1), "month")
    assert february.starts_at <= moment < february.ends_at


def test_period_bounds_follow_daylight_saving_time():
    # March 2005: winter time at its start (UTC+1), summer time at its end (UTC+2, from 27 March)
    march = CalendarPeriod(dt.date(2005, 3, 1), "month")
    assert march.starts_at.astimezone(dt.UTC) == dt.datetime(2005, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert march.ends_at.astimezone(dt.UTC) == dt.datetime(2005, 3, 31, 22, 0, tzinfo=dt.UTC)
    # October 2005: summer time at its start, winter time at its end (from 30 October)
    october = CalendarPeriod(dt.date(2005, 10, 1), "month")
    assert october.starts_at.astimezone(dt.UTC) == dt.datetime(2005, 9, 30, 22, 0, tzinfo=dt.UTC)
    assert october.ends_at.astimezone(dt.UTC) == dt.datetime(2005, 10, 31, 23, 0, tzinfo=dt.UTC)
    assert october.starts_at.tzinfo is BRUSSELS


def test_periods_between_covers_overlapping_periods_in_order():
    labels = [p.label for p in periods_between(dt.date(2003, 11, 15), dt.date(2004, 2, 1), "month")]
    assert labels == ["2003-11", "2003-12", "2004-01", "2004-02"]
    assert [p.label for p in periods_between(dt.date(2003, 5, 1), dt.date(2004, 7, 1), "half_year")] == [
        "2003-H1",
        "2003-H2",
        "2004-H1",
        "2004-H2",
    ]


@pytest.mark.parametrize(
    ("label", "kind", "start"),
    [
        ("2004-08", "month", dt.date(2004, 8, 1)),
        ("2004-Q3", "quarter", dt.date(2004, 7, 1)),
        ("2004-H2", "half_year", dt.date(2004, 7, 1)),
        ("2004", "year", dt.date(2004, 1, 1)),
    ],
)
def test_labels_round_trip(label, kind, start):
    period = parse_label(label, kind)
    assert period.start == start
    assert period.label == label


@pytest.mark.parametrize(("label", "kind"), [("2004-13", "month"), ("2004-Q5", "quarter"), ("2004-H3", "half_year")])
def test_bad_labels_are_refused(label, kind):
    with pytest.raises(ValueError):
        parse_label(label, kind)
