"""The verdicts of design.md ("Cadence compliance"), pinned on hand-built scenarios."""

import datetime as dt

import pytest

from committees.models import CadenceRule
from compliance.evaluation import Counts, verdict_for
from compliance.models import WaiverStatus
from compliance.periods import midnight
from meetings.models import MeetingKind, MeetingStatus
from tests.factories import BodyFactory, CadenceRuleFactory, brussels

from .factories_compliance import WaiverFactory, meeting, monthly_body, units, verdicts

UTC = dt.UTC
pytestmark = pytest.mark.django_db


def test_closed_month_with_a_held_meeting_is_compliant_and_an_empty_one_is_a_breach():
    # Given a body that must meet monthly, which met in January 2005 but not in February
    body = monthly_body()
    meeting(body, brussels(2005, 1, 12))
    # When evaluated on 1 March 2005
    result = verdicts(body, at=midnight(dt.date(2005, 3, 1)))
    # Then January is compliant and February a breach
    assert result["2005-01"] == "compliant"
    assert result["2005-02"] == "breach"


def test_a_past_meeting_still_marked_scheduled_makes_the_period_unconfirmed():
    body = monthly_body()
    meeting(body, brussels(2005, 2, 10), status=MeetingStatus.SCHEDULED)
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "unconfirmed"


def test_unconfirmed_needs_enough_scheduled_meetings_to_make_up_the_shortfall():
    # Given two meetings required a month, one held and one cancelled
    body = monthly_body(min_meetings=2)
    meeting(body, brussels(2005, 2, 3))
    meeting(body, brussels(2005, 2, 10), status=MeetingStatus.CANCELLED)
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "breach"
    # When the second one is in fact still marked scheduled
    meeting(body, brussels(2005, 2, 17), status=MeetingStatus.SCHEDULED)
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "unconfirmed"


def test_an_approved_waiver_covering_the_whole_period_waives_it():
    body = monthly_body()
    WaiverFactory(bodies=[body], starts_on=dt.date(2005, 2, 1), ends_on=dt.date(2005, 2, 28))
    found = units(body, at=midnight(dt.date(2005, 3, 1)))
    february = next(u for u in found if u.period.label == "2005-02")
    assert february.verdict == "waived"
    assert february.waiver.title.startswith("Waiver")
    # A month outside the waiver is unaffected
    assert next(u for u in found if u.period.label == "2005-01").verdict == "breach"


@pytest.mark.parametrize(
    ("status", "starts_on", "ends_on"),
    [
        (WaiverStatus.PROPOSED, dt.date(2005, 2, 1), dt.date(2005, 2, 28)),
        (WaiverStatus.REJECTED, dt.date(2005, 2, 1), dt.date(2005, 2, 28)),
        (WaiverStatus.APPROVED, dt.date(2005, 2, 2), dt.date(2005, 2, 28)),  # misses the 1st
        (WaiverStatus.APPROVED, dt.date(2005, 2, 1), dt.date(2005, 2, 27)),  # misses the 28th
    ],
)
def test_a_waiver_that_is_not_approved_or_not_covering_the_whole_period_changes_nothing(status, starts_on, ends_on):
    body = monthly_body()
    WaiverFactory(bodies=[body], starts_on=starts_on, ends_on=ends_on, status=status)
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "breach"


def test_a_waiver_for_another_body_changes_nothing():
    body, other = monthly_body(), monthly_body()
    WaiverFactory(bodies=[other], starts_on=dt.date(2005, 1, 1))
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "breach"
    assert verdicts(other, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "waived"


def test_held_meetings_make_a_waived_period_compliant():
    body = monthly_body()
    WaiverFactory(bodies=[body], starts_on=dt.date(2005, 1, 1))
    meeting(body, brussels(2005, 2, 10))
    assert verdicts(body, at=midnight(dt.date(2005, 3, 1)))["2005-02"] == "compliant"


def test_open_period_on_track_pending_at_risk_with_the_days_left():
    # Given three bodies in June 2005, evaluated at midnight on 16 June: 15 days are left
    at = midnight(dt.date(2005, 6, 16))
    held, scheduled, nothing = monthly_body(), monthly_body(), monthly_body()
    meeting(held, brussels(2005, 6, 5))
    meeting(scheduled, brussels(2005, 6, 20), status=MeetingStatus.SCHEDULED)
    meeting(nothing, brussels(2005, 6, 5), status=MeetingStatus.CANCELLED)
    # Then
    for body, expected in ((held, "on_track"), (scheduled, "pending"), (nothing, "at_risk")):
        june = units(body, at=at)[-1]
        assert (june.period.label, june.verdict, june.days_left, june.closed) == ("2005-06", expected, 15, False)


def test_days_left_round_up_to_whole_days():
    body = monthly_body()
    june = units(body, at=dt.datetime(2005, 6, 29, 10, 0, tzinfo=UTC))[-1]
    assert (june.period.label, june.days_left) == ("2005-06", 2)


def test_a_period_closes_exactly_at_midnight_brussels():
    body = monthly_body()
    just_before = units(body, at=midnight(dt.date(2005, 2, 1)) - dt.timedelta(seconds=1))
    assert just_before[-1].period.label == "2005-01" and just_before[-1].verdict == "at_risk"
    at_midnight = units(body, at=midnight(dt.date(2005, 2, 1)))
    january = next(u for u in at_midnight if u.period.label == "2005-01")
    assert (january.closed, january.verdict) == (True, "breach")
    assert at_midnight[-1].period.label == "2005-02" and at_midnight[-1].verdict == "at_risk"


def test_an_extraordinary_meeting_counts_and_a_cancelled_one_does_not():
    body = monthly_body()
    meeting(body, brussels(2005, 1, 12), kind=MeetingKind.EXTRAORDINARY)
    meeting(body, brussels(2005, 2, 12), status=MeetingStatus.CANCELLED)
    result = verdicts(body, at=midnight(dt.date(2005, 3, 1)))
    assert (result["2005-01"], result["2005-02"]) == ("compliant", "breach")


def test_a_meeting_of_another_body_does_not_count():
    body, other = monthly_body(), monthly_body()
    meeting(other, brussels(2005, 1, 12))
    assert verdicts(body, at=midnight(dt.date(2005, 2, 1)))["2005-01"] == "breach"


def test_23_30_utc_on_31_january_counts_for_february():
    body = monthly_body()
    meeting(body, dt.datetime(2005, 1, 31, 23, 30, tzinfo=UTC))
    result = verdicts(body, at=midnight(dt.date(2005, 3, 1)))
    assert (result["2005-01"], result["2005-02"]) == ("breach", "compliant")


def test_22_59_utc_on_31_january_still_counts_for_january():
    body = monthly_body()
    meeting(body, dt.datetime(2005, 1, 31, 22, 59, tzinfo=UTC))
    result = verdicts(body, at=midnight(dt.date(2005, 3, 1)))
    assert (result["2005-01"], result["2005-02"]) == ("compliant", "breach")


def test_month_boundaries_follow_summer_and_winter_time():
    body = monthly_body()
    # 22:30 UTC on 31 March 2005 is 00:30 on 1 April in Brussels (summer time, UTC+2)
    meeting(body, dt.datetime(2005, 3, 31, 22, 30, tzinfo=UTC))
    # 22:30 UTC on 31 October 2005 is 23:30 on 31 October in Brussels (winter time again, UTC+1)
    meeting(body, dt.datetime(2005, 10, 31, 22, 30, tzinfo=UTC))
    result = verdicts(body, at=midnight(dt.date(2005, 12, 1)))
    assert (result["2005-03"], result["2005-04"]) == ("breach", "compliant")
    assert (result["2005-10"], result["2005-11"]) == ("compliant", "breach")


def test_29_february_of_a_leap_year():
    body = monthly_body()
    meeting(body, dt.datetime(2004, 2, 29, 22, 30, tzinfo=UTC))  # 23:30 on 29 February in Brussels
    meeting(body, dt.datetime(2004, 2, 29, 23, 30, tzinfo=UTC))  # 00:30 on 1 March in Brussels
    result = verdicts(body, at=midnight(dt.date(2004, 4, 1)))
    assert (result["2004-02"], result["2004-03"]) == ("compliant", "compliant")
    assert sum(u.counts.held for u in units(body, at=midnight(dt.date(2004, 4, 1)))) == 2


def test_a_rule_changing_mid_year_keeps_old_periods_on_the_old_rule():
    # Given monthly meetings until 15 June 2004, then two a quarter from 16 June 2004
    body = BodyFactory(existed_from=dt.date(2002, 5, 28))
    old = CadenceRuleFactory(
        body=body,
        min_meetings=1,
        period="month",
        effective_from=dt.date(2002, 5, 28),
        effective_to=dt.date(2004, 6, 15),
    )
    new = CadenceRuleFactory(body=body, min_meetings=2, period="quarter", effective_from=dt.date(2004, 6, 16))
    meeting(body, brussels(2004, 5, 10))
    meeting(body, brussels(2004, 8, 10))
    found = {(u.rule.pk, u.period.label): u.verdict for u in units(body, at=midnight(dt.date(2005, 1, 1)))}
    # Then May is judged by the monthly rule, June by neither (each covers it only in part),
    # and the third quarter by the quarterly rule (one meeting of two)
    assert found[(old.pk, "2004-05")] == "compliant"
    assert found[(old.pk, "2004-06")] == "not_applicable"
    assert found[(new.pk, "2004-Q2")] == "not_applicable"
    assert found[(new.pk, "2004-Q3")] == "breach"
    assert found[(new.pk, "2004-Q4")] == "breach"
    # The old rule says nothing after it ended, the new rule nothing before it began
    assert (old.pk, "2004-07") not in found
    assert (new.pk, "2004-Q1") not in found


def test_a_body_set_up_or_dissolved_mid_period():
    body = monthly_body(existed_from=dt.date(2005, 2, 10))
    body.existed_to = dt.date(2005, 5, 20)
    body.save()
    for month in (3, 4):
        meeting(body, brussels(2005, month, 15))
    result = verdicts(body, at=midnight(dt.date(2005, 8, 1)))
    assert result == {
        "2005-02": "not_applicable",
        "2005-03": "compliant",
        "2005-04": "compliant",
        "2005-05": "not_applicable",
    }


def test_a_rule_with_no_minimum_is_never_breached():
    body = BodyFactory()
    CadenceRuleFactory(body=body, min_meetings=0, period="", effective_from=body.existed_from)
    result = verdicts(body, at=midnight(dt.date(2005, 1, 1)), default_kind="year")
    assert result["2004"] == "compliant"
    assert result["2003"] == "compliant"
    assert result == {"2002": "not_applicable", "2003": "compliant", "2004": "compliant", "2005": "on_track"}


def test_quarter_half_year_and_year_rules():
    quarterly = monthly_body(min_meetings=2, period="quarter", existed_from=dt.date(2003, 1, 1))
    meeting(quarterly, brussels(2004, 1, 10))
    meeting(quarterly, brussels(2004, 3, 31, 23, 0))  # still March in Brussels
    half = monthly_body(min_meetings=1, period="half_year", existed_from=dt.date(2003, 1, 1))
    meeting(half, brussels(2004, 7, 1, 0, 30))
    yearly = monthly_body(min_meetings=2, period="year", existed_from=dt.date(2003, 1, 1))
    meeting(yearly, brussels(2004, 2, 1))
    at = midnight(dt.date(2005, 1, 1))
    assert verdicts(quarterly, at=at)["2004-Q1"] == "compliant"
    assert verdicts(quarterly, at=at)["2004-Q2"] == "breach"
    assert (verdicts(half, at=at)["2004-H1"], verdicts(half, at=at)["2004-H2"]) == ("breach", "compliant")
    assert verdicts(yearly, at=at)["2004"] == "breach"


def test_a_meeting_marked_held_after_the_evaluation_time_counts_as_upcoming():
    # Evaluated as of mid-June, a June meeting held on the 20th was still to come: pending, not on track
    body = monthly_body()
    meeting(body, brussels(2005, 6, 20))
    june = units(body, at=midnight(dt.date(2005, 6, 16)))[-1]
    assert (june.verdict, june.counts.held, june.counts.upcoming) == ("pending", 0, 1)


def test_only_periods_begun_by_the_evaluation_time_are_evaluated():
    body = monthly_body(existed_from=dt.date(2005, 1, 1))
    labels = [u.period.label for u in units(body, at=midnight(dt.date(2005, 3, 10)))]
    assert labels == ["2005-01", "2005-02", "2005-03"]


@pytest.mark.parametrize(
    ("required", "counts", "closed", "applicable", "waived", "expected"),
    [
        (1, Counts(1, 0, 0), True, True, False, "compliant"),
        (1, Counts(0, 0, 0), True, True, False, "breach"),
        (2, Counts(1, 1, 0), True, True, False, "unconfirmed"),
        (2, Counts(1, 0, 0), True, True, True, "waived"),
        (2, Counts(5, 0, 0), True, False, False, "not_applicable"),
        (0, Counts(0, 0, 0), True, True, False, "compliant"),
        (1, Counts(1, 0, 0), False, True, False, "on_track"),
        (2, Counts(1, 0, 1), False, True, False, "pending"),
        (2, Counts(0, 1, 1), False, True, False, "pending"),
        (2, Counts(1, 0, 0), False, True, False, "at_risk"),
        (0, Counts(0, 0, 0), False, True, False, "on_track"),
    ],
)
def test_verdict_table(required, counts, closed, applicable, waived, expected):
    assert (
        verdict_for(required=required, counts=counts, closed=closed, applicable=applicable, waived=waived) == expected
    )


def test_rules_are_read_from_the_database_not_cached():
    body = monthly_body()
    CadenceRule.objects.filter(body=body).update(min_meetings=0)
    assert verdicts(body, at=midnight(dt.date(2005, 2, 1)))["2005-01"] == "compliant"
