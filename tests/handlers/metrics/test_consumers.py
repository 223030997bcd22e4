"""Metrics subscribers through FastStream's test broker, the case event union included."""

from collections.abc import AsyncIterator

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from prometheus_client import CollectorRegistry

from services.metrics.consumers import cases_events, interactions_classified, interactions_received
from services.metrics.instruments import MetricsInstruments
from shared.bus import build_broker
from shared.events import CaseEvent
from shared.settings import KafkaSettings, TelemetrySettings
from shared.telemetry import build_telemetry
from shared.topics import Topic
from tests.handlers.metrics.fakes import FakeTimelineStore
from tests.unit.metrics.builders import (
    CASE,
    FIRST,
    assigned,
    at,
    classified,
    opened,
    received,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
)

KEY = b"lyon:facebook:post-9"


@pytest.fixture
def store() -> FakeTimelineStore:
    return FakeTimelineStore()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def broker(
    store: FakeTimelineStore, registry: CollectorRegistry
) -> AsyncIterator[KafkaBroker]:
    telemetry = build_telemetry("metrics", TelemetrySettings())
    broker = build_broker(KafkaSettings(), telemetry=telemetry)
    for module in (interactions_received, interactions_classified, cases_events):
        broker.include_router(module.router)
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
