"""Case timelines and stage records: durations, replays, any arrival order, reopenings."""

from functools import reduce
from itertools import permutations
from uuid import uuid4

import pytest

from services.metrics.timeline import (
    StageEvent,
    Timeline,
    apply,
    apply_stage,
    newly_known,
)
from shared.events import CaseEvent
from tests.unit.metrics.builders import (
    FIRST,
    SECOND,
    adjusted,
    assigned,
    at,
    classified,
    escalated,
    fold,
    fold_stages,
    opened,
    received,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
    transferred,
)


def test_first_response_time_runs_from_the_first_received_message_to_the_first_reply() -> None:
    timeline = fold([opened(s=2, received_s=0), routed(s=3), reply(s=600), reply(s=900)])
    assert timeline.first_received_at == at(0)
    assert timeline.first_response_at == at(600)
    assert timeline.time_to_first_response_s == 600
    assert timeline.replies == 2


def test_time_to_route_runs_from_the_first_received_message_to_the_first_routing() -> None:
    timeline = fold([opened(received_s=10), routed(s=12), routed(s=50, team="urgences")])
    assert timeline.time_to_route_s == 2


def test_time_to_resolution_runs_from_the_first_received_message_to_the_resolution() -> None:
    timeline = fold([opened(received_s=0), reply(s=60), resolved(s=3600)])
    assert timeline.resolved
    assert timeline.time_to_resolution_s == 3600


def test_durations_stay_unknown_until_both_ends_are_known() -> None:
    timeline = fold([reply(s=60), resolved(s=120)])
    assert timeline.first_response_at == at(60)
    assert (timeline.time_to_first_response_s, timeline.time_to_resolution_s) == (None, None)
    assert timeline.time_to_route_s is None


def test_opening_records_the_case_its_agency_channel_and_first_interaction() -> None:
    timeline = fold([opened(s=2)])
    assert (timeline.agency_id, timeline.channel, timeline.opened_at) == ("lyon", "facebook", at(2))
    assert timeline.interaction_ids == (FIRST,)


def test_routing_sets_team_priority_and_rule() -> None:
    timeline = fold([opened(), routed(team="urgences", priority="urgent", rule="emergencies")])
    assert (timeline.team, timeline.priority) == ("urgences", "urgent")
    assert timeline.route is not None
    assert timeline.route.rule == "emergencies"


@pytest.mark.parametrize(
    "event",
    [
        opened(),
        routed(),
        assigned(),
        threaded(s=30, received_s=29),
        reply(s=60),
        resolved(s=90),
        reopened(s=120),
    ],
    ids=lambda e: e.event_type,
)
def test_replayed_event_leaves_the_timeline_unchanged(event: CaseEvent) -> None:
    once = fold([opened(received_s=0), event])
    assert apply(once, event) == once


def test_replayed_replies_and_reopenings_are_counted_once() -> None:
    answer, reopening = reply(s=60), reopened(s=120)
    timeline = fold([opened(), answer, answer, reopening, reopening, answer])
    assert (timeline.replies, timeline.reopened) == (1, 1)


def test_events_in_any_order_give_the_same_timeline() -> None:
    events: list[CaseEvent] = [
        opened(s=2, received_s=0),
        routed(s=3, rule="roads"),
        routed(s=40, rule="emergencies"),
        threaded(s=30, received_s=29),
        reply(s=60),
        resolved(s=90),
    ]
    expected = fold(events)
    for order in permutations(events):
        assert fold(order) == expected
    assert expected.route is not None
    assert (expected.route.rule, expected.time_to_first_response_s) == ("emergencies", 60)


def test_an_earlier_reply_arriving_late_becomes_the_first_response() -> None:
    timeline = fold([opened(received_s=0), reply(s=500), reply(s=100)])
    assert timeline.time_to_first_response_s == 100


def test_latest_routing_is_in_force_whatever_the_arrival_order() -> None:
    first, second = routed(s=3, rule="roads"), routed(s=50, rule="emergencies")
    timeline = fold([opened(), second, first])
    assert timeline.route is not None
    assert (timeline.route.rule, timeline.routed_at) == ("emergencies", at(3))


def test_labels_follow_the_latest_event_whatever_the_arrival_order() -> None:
    events: list[CaseEvent] = [opened(), routed(s=3, team="voirie"), reply(s=60, team="urgences")]
    for order in permutations(events):
        assert (fold(order).team, fold(order).channel) == ("urgences", "facebook")


def test_times_are_kept_to_the_millisecond_as_stored() -> None:
    timeline = fold([opened(received_s=0.0004567), reply(s=60.1234567)])
    assert timeline.first_received_at == at(0)
    assert timeline.time_to_first_response_s == 60.123


def test_reopened_case_counts_each_reopening_and_is_no_longer_resolved() -> None:
    timeline = fold([opened(), resolved(s=100), reopened(s=200), resolved(s=300), reopened(s=400)])
    assert timeline.reopened == 2
    assert not timeline.resolved
    assert timeline.time_to_resolution_s is None


def test_case_resolved_again_after_reopening_is_measured_to_its_latest_resolution() -> None:
    timeline = fold([opened(received_s=0), resolved(s=100), reopened(s=200), resolved(s=300)])
    assert timeline.resolved
    assert timeline.time_to_resolution_s == 300
    assert timeline.time_to_first_resolution_s == 100


def test_first_received_is_the_earliest_of_all_threaded_messages() -> None:
    timeline = fold([threaded(s=30, received_s=29), opened(s=12, received_s=10)])
    assert timeline.first_received_at == at(10)
    assert timeline.interaction_ids == (FIRST, SECOND)


def test_an_interaction_threaded_twice_is_listed_once() -> None:
    timeline = fold([opened(), threaded(s=30, received_s=29), threaded(s=31, received_s=29)])
    assert timeline.interaction_ids == (FIRST, SECOND)


def test_a_reply_timestamped_before_the_message_never_gives_a_negative_duration() -> None:
    timeline = fold([opened(received_s=10), reply(s=9)])
    assert timeline.time_to_first_response_s == 0


def test_event_of_another_case_is_refused() -> None:
    with pytest.raises(ValueError, match="applied to case"):
        apply(fold([opened()]), opened(case=uuid4()))


def test_stage_latencies_run_from_received_to_classified_to_threaded() -> None:
    stages = fold_stages([received(received_s=0), classified(s=0.25), opened(s=0.75)])
    assert stages.ingest_to_classify_s == 0.25
    assert stages.classify_to_case_s == 0.5


def test_case_opening_threads_its_first_interaction_into_the_case() -> None:
    event = opened(s=5)
    stages = fold_stages([event])
    assert (stages.case_id, stages.threaded_at) == (event.case_id, at(5))


def test_classified_event_alone_gives_the_ingest_to_classify_latency() -> None:
    assert fold_stages([classified(s=1.5, received_s=1)]).ingest_to_classify_s == 0.5


def test_stage_events_in_any_order_give_the_same_record() -> None:
    events: list[StageEvent] = [received(), classified(s=1), opened(s=2)]
    expected = fold_stages(events)
    for order in permutations(events):
        assert fold_stages(order) == expected


def test_replayed_stage_event_changes_nothing() -> None:
    event = classified(s=1)
    once = fold_stages([received(), event])
    assert apply_stage(once, event) == once


def test_stage_record_keeps_no_text_and_no_author() -> None:
    dumped = str(fold_stages([received(), classified(s=1)]).model_dump())
    for private in ("nid de poule", "citizen-42", "jdupont", "Dupont"):
        assert private not in dumped


def test_a_measure_is_newly_known_only_on_the_change_that_made_it_known() -> None:
    before = fold([opened(received_s=0)])
    after = reduce(apply, [reply(s=60)], before)
    later = apply(after, reply(s=30))

    def measure(t: Timeline) -> float | None:
        return t.time_to_first_response_s

    assert newly_known(before, after, measure) == 60
    assert newly_known(after, later, measure) is None
    assert newly_known(None, after, measure) == 60
    assert newly_known(None, before, measure) is None


def test_each_interaction_arrives_at_the_earliest_time_it_was_received() -> None:
    timeline = fold([opened(received_s=10), threaded(s=40, received_s=39)])
    late_copy = threaded(s=41, received_s=30)
    again = apply(timeline, late_copy)
    assert [(a.interaction_id, a.received_at) for a in again.arrivals] == [
        (FIRST, at(10)),
        (SECOND, at(30)),
    ]


def test_routing_sets_the_sla_due_times_of_the_routing_in_force() -> None:
    first = routed(s=3, first_response_due_s=100, resolution_due_s=1000)
    second = routed(s=50, rule="emergencies", first_response_due_s=60)
    for order in permutations([opened(), first, second]):
        timeline = fold(order)
        assert (timeline.first_response_due, timeline.resolution_due) == (at(60), None)


def test_due_times_and_interaction_ids_are_stored_with_the_timeline() -> None:
    dumped = fold([opened(), routed(first_response_due_s=100)]).model_dump()
    assert dumped["first_response_due"] == at(100)
    assert dumped["interaction_ids"] == (FIRST,)


def test_a_stored_timeline_reads_back_equal() -> None:
    timeline = fold([opened(), routed(first_response_due_s=100), threaded(s=5, received_s=4)])
    assert Timeline.model_validate(timeline.model_dump()) == timeline


def test_breach_is_recorded_once_at_its_earliest_escalation() -> None:
    events = [opened(), escalated(s=100, level="at_risk"), escalated(s=200), escalated(s=150)]
    timeline = fold(events)
    assert (timeline.escalated_at, timeline.breached_at) == (at(100), at(150))


def test_due_times_moved_by_a_paused_clock_win_over_the_routing_in_any_order() -> None:
    events = [
        opened(),
        routed(s=3, first_response_due_s=100, resolution_due_s=1000),
        adjusted(s=50, first_response_due_s=160, resolution_due_s=1060),
    ]
    for order in permutations(events):
        timeline = fold(list(order))
        assert (timeline.first_response_due, timeline.resolution_due) == (at(160), at(1060))


def test_a_transfer_is_counted_and_the_team_follows_it() -> None:
    timeline = fold([opened(), routed(), transferred(s=20)])
    assert (timeline.transfers, timeline.team) == (1, "proprete")
