"""Case durations in calendar and business time, and SLA outcomes, from hand-built events."""

from collections.abc import Sequence
from datetime import datetime
from itertools import permutations
from uuid import uuid4

import pytest

from services.metrics.measures import (
    CaseMeasures,
    CaseRecord,
    SlaOutcome,
    Span,
    measure,
    measure_case,
    sla_outcome,
)
from shared.business_hours import BusinessCalendar
from shared.events import CaseEvent
from tests.unit.metrics.builders import (
    CASE,
    agencies,
    at,
    fold,
    opened,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
)

HOUR, DAY = 3600, 86400
# T0 is Monday 2 March 2026, 09:00 UTC (10:00 in Lyon). Lyon's normal cases follow office
# hours, Mon-Fri 08:30-18:00 Europe/Paris, and Wednesday 4 March is a holiday there.
FRIDAY_17H_LYON = 4 * DAY + 7 * HOUR
MONDAY_10H_LYON = 7 * DAY
LATER = at(30 * DAY)


def measured(events: Sequence[CaseEvent], *, now: datetime = LATER) -> CaseMeasures:
    return measure_case(CaseRecord.of(fold(events)), agencies(), now=now)


@pytest.mark.parametrize(
    ("received_s", "reply_s", "calendar_s", "business_s"),
    [
        (0, 1800, 1800, 1800),
        (FRIDAY_17H_LYON, MONDAY_10H_LYON, 65 * HOUR, 2.5 * HOUR),
        (FRIDAY_17H_LYON + 2 * HOUR, MONDAY_10H_LYON - 1.5 * HOUR, 61.5 * HOUR, 0),
        (DAY + 7 * HOUR, 3 * DAY - 0.5 * HOUR, 40.5 * HOUR, 2 * HOUR),
        (5 * DAY, 6 * DAY, DAY, 0),
    ],
    ids=["within-hours", "across-a-weekend", "weekend-only", "across-a-holiday", "on-a-saturday"],
)
def test_first_response_time_is_counted_in_calendar_and_business_seconds(
    received_s: float, reply_s: float, calendar_s: float, business_s: float
) -> None:
    events: list[CaseEvent] = [
        opened(s=received_s + 1, received_s=received_s),
        routed(s=received_s + 2, rule="roads", rule_index=1),
        reply(s=reply_s),
    ]
    assert measured(events).time_to_first_response == Span(calendar_s, business_s)


def test_business_durations_are_the_same_whatever_the_arrival_order_and_replays() -> None:
    events: list[CaseEvent] = [
        opened(s=FRIDAY_17H_LYON + 60, received_s=FRIDAY_17H_LYON),
        routed(s=FRIDAY_17H_LYON + 120, rule="roads", rule_index=1),
        threaded(s=FRIDAY_17H_LYON + 600, received_s=FRIDAY_17H_LYON - 1800),
        reply(s=MONDAY_10H_LYON),
        resolved(s=MONDAY_10H_LYON + HOUR),
    ]
    expected = measured(events)
    for order in permutations(events):
        assert measured([*order, *order[:2]]) == expected
    assert expected.time_to_first_response == Span(65.5 * HOUR, 3 * HOUR)
    assert expected.time_to_resolution == Span(66.5 * HOUR, 4 * HOUR)
    assert expected.time_to_route == Span(1800 + 120, 1800 + 120)


def test_a_case_routed_to_a_policy_without_business_hours_is_measured_in_calendar_time() -> None:
    events: list[CaseEvent] = [
        opened(s=FRIDAY_17H_LYON + 1, received_s=FRIDAY_17H_LYON),
        routed(s=FRIDAY_17H_LYON + 2, rule="emergencies", rule_index=0, priority="urgent"),
        reply(s=MONDAY_10H_LYON),
    ]
    assert measured(events).time_to_first_response == Span(65 * HOUR, 65 * HOUR)


def test_a_rule_no_longer_in_the_configuration_falls_back_on_the_case_priority() -> None:
    # "low" follows Mon-Fri 09:00-12:00 in Lyon: Monday 10:00 to Tuesday 10:00 is 3 hours.
    events: list[CaseEvent] = [
        opened(s=1, received_s=0),
        routed(s=2, rule="a rule since renamed", rule_index=1, priority="low"),
        reply(s=DAY, priority="low"),
    ]
    assert measured(events).time_to_first_response == Span(DAY, 3 * HOUR)


def test_an_agency_missing_from_the_configuration_is_measured_in_calendar_time() -> None:
    events = [e.model_copy(update={"agency_id": "nowhere"}) for e in (opened(), reply(s=DAY))]
    assert measured(events).time_to_first_response == Span(DAY, DAY)


def test_durations_stay_unknown_until_both_ends_are_known() -> None:
    result = measured([routed(), reply(s=60)])
    assert (result.time_to_route, result.time_to_first_response) == (None, None)


def test_reopenings_are_counted_once_each() -> None:
    again = reopened(s=200)
    result = measured([opened(), resolved(s=100), again, again, resolved(s=300), reopened(s=400)])
    assert result.reopened == 2
    assert result.time_to_resolution is None


@pytest.mark.parametrize(
    ("due_s", "done_s", "now_s", "outcome"),
    [
        (None, 10, 100, SlaOutcome.NO_TARGET),
        (None, None, 100, SlaOutcome.NO_TARGET),
        (60, 30, 100, SlaOutcome.MET),
        (60, 60, 100, SlaOutcome.MET),
        (60, 61, 100, SlaOutcome.BREACHED),
        (60, None, 100, SlaOutcome.BREACHED),
        (60, None, 60, SlaOutcome.PENDING),
        (60, None, 30, SlaOutcome.PENDING),
        (60, 30, 10, SlaOutcome.MET),
    ],
    ids=[
        "no-target-answered",
        "no-target-unanswered",
        "early",
        "exactly-on-time",
        "late",
        "overdue-unanswered",
        "due-now",
        "not-yet-due",
        "decided-whatever-now",
    ],
)
def test_sla_outcome_compares_with_the_due_time_and_counts_overdue_as_breached(
    due_s: float | None, done_s: float | None, now_s: float, outcome: SlaOutcome
) -> None:
    due = None if due_s is None else at(due_s)
    done = None if done_s is None else at(done_s)
    assert sla_outcome(due, done, now=at(now_s)) == outcome


def test_first_response_sla_uses_the_due_time_of_the_latest_routing() -> None:
    events: list[CaseEvent] = [
        opened(),
        routed(s=3, first_response_due_s=100),
        routed(s=50, rule="emergencies", rule_index=0, first_response_due_s=40),
        reply(s=60),
    ]
    for order in permutations(events):
        assert measured(order).first_response_sla is SlaOutcome.BREACHED


def test_an_unanswered_case_is_breached_once_due_and_pending_before() -> None:
    events: list[CaseEvent] = [opened(), routed(first_response_due_s=600, resolution_due_s=900)]
    assert measured(events, now=at(599)).first_response_sla is SlaOutcome.PENDING
    assert measured(events, now=at(601)).first_response_sla is SlaOutcome.BREACHED
    assert measured(events, now=at(601)).resolution_sla is SlaOutcome.PENDING


def test_resolution_sla_counts_the_latest_resolution_of_a_case_resolved_now() -> None:
    base: list[CaseEvent] = [opened(), routed(resolution_due_s=250), resolved(s=100)]
    assert measured(base).resolution_sla is SlaOutcome.MET
    assert measured([*base, reopened(s=200)], now=at(240)).resolution_sla is SlaOutcome.PENDING
    assert measured([*base, reopened(s=200)]).resolution_sla is SlaOutcome.BREACHED
    assert measured([*base, reopened(s=200), resolved(s=300)]).resolution_sla is (
        SlaOutcome.BREACHED
    )


def test_due_times_given_without_a_time_zone_are_read_as_utc() -> None:
    naive = routed(first_response_due_s=100).model_copy(
        update={"first_response_due": at(100).replace(tzinfo=None)}
    )
    timeline = fold([opened(), naive])
    assert timeline.first_response_due == at(100)


def test_the_record_of_a_case_keeps_labels_rule_and_times_only() -> None:
    record = CaseRecord.of(fold([opened(), routed(first_response_due_s=90), reply(s=60)]))
    assert record == CaseRecord(
        agency_id="lyon",
        channel="facebook",
        team="voirie",
        priority="normal",
        topic="roads",
        language="fr",
        sentiment="negative",
        rule_index=1,
        rule_name="roads",
        first_received_at=at(0),
        routed_at=at(3),
        first_response_at=at(60),
        first_response_due=at(90),
    )


def test_measure_takes_the_calendar_it_is_given() -> None:
    record = CaseRecord.of(fold([opened(received_s=0), reply(s=HOUR)]))
    result = measure(record, BusinessCalendar.always_open(), now=LATER)
    assert result.time_to_first_response == Span(HOUR, HOUR)
    assert result.first_response_sla is SlaOutcome.NO_TARGET


def test_case_ids_are_not_part_of_the_record() -> None:
    first = CaseRecord.of(fold([opened(case=CASE)]))
    second = CaseRecord.of(fold([opened(case=uuid4())]))
    assert first == second
