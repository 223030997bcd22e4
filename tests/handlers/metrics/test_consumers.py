"""Metrics subscribers through FastStream's test broker, the case event union included.

Subscribers take a fetched batch at a time; what they store and observe must be what the use
cases store and observe when given the same events one by one.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import uuid4

import pytest
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from prometheus_client import CollectorRegistry

from services.metrics.consumers import (
    GROUP,
    cases_events,
    interactions_classified,
    interactions_received,
)
from services.metrics.instruments import MetricsInstruments
from services.metrics.usecases import (
    record_case_event,
    record_interaction_classified,
    record_interaction_received,
)
from shared.bus import build_broker
from shared.events import CaseEvent, InteractionClassified, InteractionReceived
from shared.settings import KafkaSettings, TelemetrySettings
from shared.telemetry import build_telemetry
from shared.topics import Topic, dlq_topic
from tests.handlers.metrics.fakes import FakeTimelineStore
from tests.unit.metrics.builders import (
    CASE,
    FIRST,
    SECOND,
    assigned,
    at,
    classified,
    escalated,
    opened,
    received,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
)

KEY = b"lyon:facebook:post-9"
NOW = at(10_000)
TOPICS = (Topic.CASES_EVENTS, Topic.INTERACTIONS_RECEIVED, Topic.INTERACTIONS_CLASSIFIED)


@pytest.fixture
def store() -> FakeTimelineStore:
    return FakeTimelineStore()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def dead_letters() -> list[tuple[str, Any]]:
    """(DLQ topic, body) of each dead-lettered record."""
    return []


@pytest.fixture
async def broker(
    store: FakeTimelineStore, registry: CollectorRegistry, dead_letters: list[tuple[str, Any]]
) -> AsyncIterator[KafkaBroker]:
    telemetry = build_telemetry("metrics", TelemetrySettings())
    broker = build_broker(KafkaSettings(), telemetry=telemetry)
    for module in (interactions_received, interactions_classified, cases_events):
        broker.include_router(module.router)

    @broker.subscriber(*(dlq_topic(topic, GROUP) for topic in TOPICS))
    async def dead_lettered(body: Any, message: KafkaMessage) -> None:
        dead_letters.append((message.raw_message.topic, body))

    broker.context.set_global("store", store)
    broker.context.set_global("instruments", MetricsInstruments.register(registry))
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker


async def test_cases_topic_decodes_every_event_type_of_the_union(
    broker: KafkaBroker, store: FakeTimelineStore
) -> None:
    events: list[CaseEvent] = [
        opened(received_s=0),
        routed(),
        assigned(),
        threaded(s=30, received_s=29),
        reply(s=60),
        resolved(s=90),
        reopened(s=120),
    ]
    for event in events:
        await broker.publish(event.to_bytes(), topic=Topic.CASES_EVENTS, key=KEY)

    timeline = store.timelines[CASE]
    assert set(timeline.applied_event_ids) == {e.event_id for e in events}
    assert (timeline.team, timeline.time_to_first_response_s, timeline.reopened) == (
        "voirie",
        60,
        1,
    )


async def test_interaction_topics_record_the_stages(
    broker: KafkaBroker, store: FakeTimelineStore, registry: CollectorRegistry
) -> None:
    await broker.publish(received().to_bytes(), topic=Topic.INTERACTIONS_RECEIVED, key=KEY)
    await broker.publish(classified(s=1).to_bytes(), topic=Topic.INTERACTIONS_CLASSIFIED, key=KEY)

    assert (store.stages[FIRST].received_at, store.stages[FIRST].classified_at) == (at(0), at(1))
    count = registry.get_sample_value(
        "agora_metrics_stage_latency_seconds_count", {"stage": "ingest_to_classify"}
    )
    assert count == 1


# -- batches -----------------------------------------------------------------------------------


def samples(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every value of metrics' instruments, by sample name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if not sample.name.endswith("_created")
    }


async def one_by_one(
    cases: Sequence[CaseEvent],
    arrivals: Sequence[InteractionReceived],
    classifications: Sequence[InteractionClassified],
) -> tuple[FakeTimelineStore, CollectorRegistry]:
    """The store and instruments after the use cases took the events one at a time."""
    store, registry = FakeTimelineStore(), CollectorRegistry()
    ports: dict[str, Any] = {
        "store": store,
        "instruments": MetricsInstruments.register(registry),
        "now": NOW,
    }
    for case_event in cases:
        await record_case_event(case_event, **ports)
    for arrival in arrivals:
        await record_interaction_received(arrival, **ports)
    for classification in classifications:
        await record_interaction_classified(classification, **ports)
    return store, registry


def of_second(event: InteractionReceived | InteractionClassified) -> Any:
    return event.model_copy(update={"interaction_id": SECOND, "event_id": uuid4()})


async def test_batches_store_and_observe_what_one_by_one_does(
    broker: KafkaBroker, store: FakeTimelineStore, registry: CollectorRegistry
) -> None:
    other = uuid4()
    answer, late_answer = reply(s=60), reply(s=40, case=other)
    cases: list[CaseEvent] = [
        routed(first_response_due_s=30),  # before the opening
        reply(s=20, case=other),
        opened(received_s=0),
        threaded(s=30, received_s=29),
        answer,
        answer,  # a duplicate in the same batch
        escalated(s=31),
        resolved(s=90),
        reopened(s=120),
        resolved(s=150),
        opened(s=12, received_s=10, case=other, interaction=uuid4()),
        late_answer,
    ]
    arrival = received(received_s=0)
    arrivals = [arrival, of_second(received(received_s=29)), arrival]
    classifying = classified(s=1.25)
    classifications = [classified(s=2), classifying, of_second(classified(s=29.5)), classifying]

    await broker.publish_batch(*(e.to_bytes() for e in cases), topic=Topic.CASES_EVENTS)
    await broker.publish_batch(*(e.to_bytes() for e in arrivals), topic=Topic.INTERACTIONS_RECEIVED)
    await broker.publish_batch(
        *(e.to_bytes() for e in classifications), topic=Topic.INTERACTIONS_CLASSIFIED
    )

    expected_store, expected_registry = await one_by_one(cases, arrivals, classifications)
    cases_events.on_case_events.mock.assert_called_once()  # type: ignore[union-attr]
    assert (store.timelines, store.stages) == (expected_store.timelines, expected_store.stages)
    assert samples(registry) == samples(expected_registry)
    observed = samples(registry)
    case_labels = (("agency", "lyon"), ("channel", "facebook"), ("priority", "normal"))
    case_labels += (("team", "voirie"),)
    assert observed[("agora_metrics_cases_opened_total", case_labels[:2])] == 2
    assert observed[("agora_metrics_first_response_seconds_sum", case_labels)] == 60 + 10
    assert observed[("agora_metrics_resolution_seconds_sum", case_labels)] == 90
    assert observed[("agora_metrics_sla_breaches_total", case_labels)] == 1
    for stage in ("ingest_to_classify", "classify_to_case"):
        assert observed[("agora_metrics_stage_latency_seconds_count", (("stage", stage),))] == 2
    # Each record once per batch: 2 timelines and 3 stage records, then 1, then 2 stage records.
    assert store.writes == 2 + 3 + 1 + 2


async def test_a_record_that_is_no_event_is_dead_lettered_and_its_batch_recorded(
    broker: KafkaBroker, store: FakeTimelineStore, dead_letters: list[tuple[str, Any]]
) -> None:
    events: list[CaseEvent] = [opened(received_s=0), reply(s=60)]

    await broker.publish_batch(
        events[0].to_bytes(), b'{"not": "an event"}', events[1].to_bytes(), topic=Topic.CASES_EVENTS
    )

    assert dead_letters == [(dlq_topic(Topic.CASES_EVENTS, GROUP), {"not": "an event"})]
    assert store.timelines[CASE].time_to_first_response_s == 60
    assert store.stages[FIRST].threaded_at == events[0].occurred_at
