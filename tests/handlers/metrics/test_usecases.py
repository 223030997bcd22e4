"""Metrics use cases on an in-memory store: Prometheus observes each fact once, replays none."""

from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry

from services.metrics.instruments import MetricsInstruments
from services.metrics.usecases import (
    record_case_event,
    record_case_events,
    record_interaction_classified,
    record_interaction_received,
    record_interactions_received,
)
from shared.events import CaseEvent, InteractionEdited
from tests.handlers.metrics.fakes import FakeTimelineStore
from tests.unit.metrics.builders import (
    CASE,
    FIRST,
    SECOND,
    at,
    classified,
    interaction,
    opened,
    received,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
)

NOW = at(10_000)
CASE_LABELS = {"agency": "lyon", "team": "voirie", "channel": "facebook", "priority": "normal"}


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def instruments(registry: CollectorRegistry) -> MetricsInstruments:
    return MetricsInstruments.register(registry)


@pytest.fixture
def store() -> FakeTimelineStore:
    return FakeTimelineStore()


async def record_all(
    events: list[CaseEvent], store: FakeTimelineStore, instruments: MetricsInstruments
) -> None:
    for event in events:
        await record_case_event(event, store=store, instruments=instruments, now=NOW)


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_first_response_is_observed_once_even_when_the_reply_is_replayed(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    answer = reply(s=600)
    await record_all(
        [opened(received_s=0), routed(), answer, answer, reply(s=900)], store, instruments
    )
    await record_all([answer], store, instruments)

    assert sample(registry, "agora_metrics_first_response_seconds_count", **CASE_LABELS) == 1
    assert sample(registry, "agora_metrics_first_response_seconds_sum", **CASE_LABELS) == 600


async def test_first_response_is_observed_when_the_opening_arrives_after_the_reply(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    await record_all([routed(), reply(s=60)], store, instruments)
    assert sample(registry, "agora_metrics_first_response_seconds_count", **CASE_LABELS) == 0

    await record_all([opened(received_s=0)], store, instruments)
    assert sample(registry, "agora_metrics_first_response_seconds_sum", **CASE_LABELS) == 60


async def test_replayed_case_event_writes_nothing(
    store: FakeTimelineStore, instruments: MetricsInstruments
) -> None:
    event = opened()
    first = await record_case_event(event, store=store, instruments=instruments, now=NOW)
    writes = store.writes
    again = await record_case_event(event, store=store, instruments=instruments, now=NOW)

    assert first.changed
    assert not again.changed
    assert store.writes == writes
    assert store.timelines[CASE].opened_at == event.occurred_at


async def test_opened_case_is_counted_once(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    event = opened()
    await record_all([event, event], store, instruments)
    labels = {"agency": "lyon", "channel": "facebook"}
    assert sample(registry, "agora_metrics_cases_opened_total", **labels) == 1


async def test_resolution_is_observed_once_per_case_despite_reopening(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    events: list[CaseEvent] = [
        opened(received_s=0),
        routed(),
        resolved(s=100),
        reopened(s=200),
        resolved(s=300),
    ]
    await record_all(events, store, instruments)

    assert sample(registry, "agora_metrics_resolution_seconds_count", **CASE_LABELS) == 1
    assert sample(registry, "agora_metrics_resolution_seconds_sum", **CASE_LABELS) == 100
    assert store.timelines[CASE].time_to_resolution_s == 300


async def test_first_response_is_labelled_with_the_team_that_holds_the_case_when_answered(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    await record_all(
        [opened(received_s=0), routed(team="voirie"), reply(s=30, team="urgences")],
        store,
        instruments,
    )
    labels = CASE_LABELS | {"team": "urgences"}
    assert sample(registry, "agora_metrics_first_response_seconds_count", **labels) == 1


async def test_case_without_team_or_priority_is_labelled_none(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    unlabelled = reply(s=30, team=None, priority=None)
    await record_all([opened(received_s=0), unlabelled], store, instruments)
    labels = CASE_LABELS | {"team": "none", "priority": "none"}
    assert sample(registry, "agora_metrics_first_response_seconds_count", **labels) == 1


async def test_threading_records_the_case_stage_of_the_interaction(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    await record_all([opened(s=5), threaded(s=40, received_s=39)], store, instruments)

    assert store.stages[FIRST].threaded_at == at(5)
    assert (store.stages[SECOND].case_id, store.stages[SECOND].threaded_at) == (CASE, at(40))
    assert store.timelines[CASE].interaction_ids == (FIRST, SECOND)


async def test_classified_interaction_is_counted_once_with_its_labels(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    event = classified(s=1)
    for _ in range(2):
        await record_interaction_classified(event, store=store, instruments=instruments, now=NOW)
    await record_interaction_classified(
        classified(s=2), store=store, instruments=instruments, now=NOW
    )

    labels = {
        "agency": "lyon",
        "channel": "facebook",
        "topic": "roads",
        "intent": "complaint",
        "sentiment": "negative",
    }
    assert sample(registry, "agora_metrics_interactions_total", **labels) == 1


async def test_each_stage_latency_is_observed_once_whatever_the_arrival_order(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    await record_case_event(opened(s=3), store=store, instruments=instruments, now=NOW)
    for _ in range(2):
        await record_interaction_classified(
            classified(s=1), store=store, instruments=instruments, now=NOW
        )
        await record_interaction_received(received(), store=store, instruments=instruments, now=NOW)

    def stage(name: str, what: str) -> float:
        return sample(registry, f"agora_metrics_stage_latency_seconds_{what}", stage=name)

    assert (stage("ingest_to_classify", "count"), stage("ingest_to_classify", "sum")) == (1, 1)
    assert (stage("classify_to_case", "count"), stage("classify_to_case", "sum")) == (1, 2)


async def test_received_after_classified_writes_nothing_new(
    store: FakeTimelineStore, instruments: MetricsInstruments
) -> None:
    await record_interaction_classified(
        classified(s=1), store=store, instruments=instruments, now=NOW
    )
    change = await record_interaction_received(
        received(), store=store, instruments=instruments, now=NOW
    )
    assert not change.changed


async def test_nothing_of_the_message_text_or_its_author_is_stored(
    store: FakeTimelineStore, instruments: MetricsInstruments
) -> None:
    await record_interaction_received(received(), store=store, instruments=instruments, now=NOW)
    await record_interaction_classified(
        classified(s=1), store=store, instruments=instruments, now=NOW
    )
    await record_all([opened(), reply(s=60)], store, instruments)

    stored = str([r.model_dump() for r in [*store.stages.values(), *store.timelines.values()]])
    for private in ("nid de poule", "citizen-42", "jdupont", "Dupont", "alice"):
        assert private not in stored


async def test_a_batch_of_received_events_notes_no_timing_for_an_edit(
    store: FakeTimelineStore, instruments: MetricsInstruments
) -> None:
    arrival = received(received_s=0)
    edit = InteractionEdited(
        event_id=uuid4(),
        occurred_at=at(5),
        agency_id="lyon",
        interaction_id=FIRST,
        interaction=interaction(received_s=0),
        edited_at=at(5),
    )

    changes = await record_interactions_received(
        [edit, arrival, edit], store=store, instruments=instruments, now=NOW
    )

    assert changes[0] is None
    assert changes[2] is None
    assert changes[1] is not None
    assert changes[1].changed
    assert store.stages[FIRST].received_at == at(0)


async def test_a_batch_writes_each_record_once_and_observes_each_fact_once(
    store: FakeTimelineStore, instruments: MetricsInstruments, registry: CollectorRegistry
) -> None:
    answer = reply(s=600)
    events: list[CaseEvent] = [routed(), answer, opened(received_s=0), answer, reply(s=900)]

    changes = await record_case_events(events, store=store, instruments=instruments, now=NOW)

    assert [change.changed for change in changes] == [True, True, True, False, True]
    assert store.writes == 2  # the timeline and the opened interaction's stage record
    assert sample(registry, "agora_metrics_first_response_seconds_count", **CASE_LABELS) == 1
    assert sample(registry, "agora_metrics_first_response_seconds_sum", **CASE_LABELS) == 600
