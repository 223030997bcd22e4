"""SLA due and at-risk times in the agency's business hours, and the clock stopped while waiting."""

from datetime import UTC, timedelta

import pytest

from services.respond.domain.sla import NO_SLA, DueTimes, SlaClock
from tests.unit.respond.builders import AGENCY, CITY, T0, paris

OFFICE = SlaClock.of(CITY, "office")


def test_first_response_due_on_friday_afternoon_runs_on_into_monday_morning() -> None:
    due = OFFICE.due_times(paris(2026, 3, 6, 16))  # Friday 16:00: two hours left that day
    assert due.first_response == paris(2026, 3, 9, 10, 30)  # Monday 08:30 + 2 h


def test_resolution_counts_only_the_open_hours_of_the_following_days() -> None:
    # 24 open hours: Friday 2 h, Monday 9.5 h, Tuesday 9.5 h, Wednesday 3 h.
    due = OFFICE.due_times(paris(2026, 3, 6, 16))
    assert due.resolution == paris(2026, 3, 11, 11, 30)


def test_at_risk_times_come_at_the_policy_share_of_each_target_in_open_hours() -> None:
    due = OFFICE.due_times(paris(2026, 3, 6, 16))
    # 80 % of 4 h = 3 h 12 min: Friday 2 h, then Monday 1 h 12 min.
    assert due.first_response_risk == paris(2026, 3, 9, 9, 42)
    # 80 % of 24 h = 19 h 12 min: Friday 2 h, Monday 9.5 h, Tuesday 7 h 42 min.
    assert due.resolution_risk == paris(2026, 3, 10, 16, 12)


def test_a_holiday_does_not_count_towards_the_due_time() -> None:
    # Thursday 30 April 17:00; Friday 1 May is a holiday; the weekend is closed.
    due = OFFICE.due_times(paris(2026, 4, 30, 17))
    assert due.first_response == paris(2026, 5, 4, 11, 30)


def test_the_same_start_without_the_holiday_is_due_on_the_friday() -> None:
    no_holidays = CITY.model_copy(update={"holidays": []})
    due = SlaClock.of(no_holidays, "office").due_times(paris(2026, 4, 30, 17))
    assert due.first_response == paris(2026, 5, 1, 11, 30)


def test_a_message_out_of_hours_starts_the_clock_at_the_next_opening() -> None:
    due = OFFICE.due_times(paris(2026, 3, 7, 22))  # Saturday night
    assert due.first_response == paris(2026, 3, 9, 12, 30)


def test_a_policy_without_business_hours_runs_around_the_clock_even_on_weekends() -> None:
    saturday_night = paris(2026, 3, 7, 23, 50)
    due = SlaClock.of(CITY, "round_the_clock").due_times(saturday_night)
    assert due == DueTimes(
        first_response=saturday_night + timedelta(minutes=15),
        resolution=saturday_night + timedelta(hours=4),
        first_response_risk=saturday_night + timedelta(minutes=12),
        resolution_risk=saturday_night + timedelta(hours=3, minutes=12),
    )


def test_the_at_risk_share_is_the_policys_own() -> None:
    due = SlaClock.of(CITY, "nervous").due_times(T0)
    assert (due.first_response_risk, due.resolution_risk) == (
        T0 + timedelta(hours=5),
        T0 + timedelta(hours=10),
    )


@pytest.mark.parametrize(
    ("policy", "first_response", "resolution"),
    [
        ("urgent", timedelta(minutes=15), timedelta(hours=4)),
        ("high", timedelta(hours=1), timedelta(days=1)),
        ("low", timedelta(days=1), timedelta(days=7)),
    ],
)
def test_due_times_of_a_24_7_policy_add_its_durations_to_the_start(
    policy: str, first_response: timedelta, resolution: timedelta
) -> None:
    due = SlaClock.of(AGENCY, policy).due_times(T0)
    assert (due.first_response, due.resolution) == (T0 + first_response, T0 + resolution)


@pytest.mark.parametrize("policy", ["platinum", None])
def test_an_unknown_or_missing_policy_has_no_due_times(policy: str | None) -> None:
    assert SlaClock.of(AGENCY, policy).due_times(T0) == NO_SLA


def test_the_time_waited_counts_only_open_hours() -> None:
    # Friday 17:00 to Monday 09:30: one hour on Friday, one on Monday.
    assert OFFICE.paused(paris(2026, 3, 6, 17), paris(2026, 3, 9, 9, 30)) == timedelta(hours=2)


def test_the_time_waited_on_a_24_7_policy_is_calendar_time() -> None:
    clock = SlaClock.of(CITY, "round_the_clock")
    since, until = paris(2026, 3, 6, 17), paris(2026, 3, 9, 9, 30)
    assert clock.paused(since, until) == until - since


def test_shifting_moves_every_due_time_by_the_open_time_waited() -> None:
    due = OFFICE.due_times(paris(2026, 3, 6, 16))
    shifted = OFFICE.shifted(due, timedelta(hours=2))
    assert shifted == DueTimes(
        first_response=paris(2026, 3, 9, 12, 30),
        resolution=paris(2026, 3, 11, 13, 30),
        first_response_risk=paris(2026, 3, 9, 11, 42),
        # Tuesday 16:12 + 2 h of open time: 1 h 48 min on Tuesday, 12 min on Wednesday.
        resolution_risk=paris(2026, 3, 11, 8, 42),
    )


def test_shifting_no_due_times_leaves_none() -> None:
    assert OFFICE.shifted(NO_SLA, timedelta(hours=2)) == NO_SLA


def test_due_times_are_instants_whatever_the_zone_they_are_given_in() -> None:
    start = paris(2026, 3, 6, 16)
    assert OFFICE.due_times(start.astimezone(UTC)).first_response == paris(2026, 3, 9, 10, 30)
