"""The subscriber wiring through FastStream's test broker, on in-memory ports."""

from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from prometheus_client import CollectorRegistry

from services.respond.consumers import interactions_classified
from services.respond.instruments import RespondInstruments
from services.respond.loads import AssigneeLoads
from shared.bus import build_broker
from shared.config import ConfigSource
from shared.ids import case_id
from shared.settings import KafkaSettings, TelemetrySettings
from shared.telemetry import build_telemetry
from shared.topics import Topic, dlq_topic
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, classified

DLQ = dlq_topic(Topic.INTERACTIONS_CLASSIFIED, interactions_classified.GROUP)


def respond_broker(
    cases: FakeCaseRepository, registry: CollectorRegistry | None = None
) -> KafkaBroker:
    telemetry = build_telemetry("respond", TelemetrySettings())
    broker = build_broker(KafkaSettings(), telemetry=telemetry)
    broker.include_router(interactions_classified.router)
    ports = {
        "cases": cases,
        "loads": AssigneeLoads(cases),
        "outbox": FakeOutbox(),
        "config_source": ConfigSource(Path("no-such-agora.yaml"), CONFIG),
        "instruments": RespondInstruments.register(registry or CollectorRegistry()),
    }
    for name, port in ports.items():
        broker.context.set_global(name, port)
    return broker


async def test_classified_interaction_becomes_a_case_counted_once() -> None:
    cases, registry = FakeCaseRepository(), CollectorRegistry()
    broker = respond_broker(cases, registry)
    event = classified(topic="roads")

    async with TestKafkaBroker(broker) as test_broker:
        for _ in range(2):  # a redelivery
            await test_broker.publish(
                event.to_bytes(), topic=Topic.INTERACTIONS_CLASSIFIED, key=b"lyon:facebook:post-9"
            )

    assert [(c.team, c.assignee) for c in cases.cases] == [("voirie", "alice")]
    labels = {"agency": "lyon", "team": "voirie", "priority": "normal", "channel": "facebook"}
    assert registry.get_sample_value("agora_respond_cases_opened_total", labels) == 1
    threaded = {"agency": "lyon", "channel": "facebook", "outcome": "opened"}
    assert registry.get_sample_value("agora_respond_interactions_threaded_total", threaded) == 1


async def test_a_batch_is_threaded_and_counted_per_interaction() -> None:
    cases, registry = FakeCaseRepository(), CollectorRegistry()
    broker = respond_broker(cases, registry)
    events = [
        classified("a1", conversation_id="a"),
        classified("b1", conversation_id="b"),
        classified("a2", conversation_id="a", received_s=30),
    ]

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(
            *(e.to_bytes() for e in events), topic=Topic.INTERACTIONS_CLASSIFIED
        )

    assert len(cases.case(case_id("lyon", "facebook", "a", 0)).thread) == 2
    assert len(cases.cases) == 2
    for outcome, count in (("opened", 2), ("threaded", 1)):
        labels = {"agency": "lyon", "channel": "facebook", "outcome": outcome}
        assert registry.get_sample_value("agora_respond_interactions_threaded_total", labels) == (
            count
        )


async def test_a_record_that_is_no_event_goes_to_the_dlq_and_its_batch_is_threaded() -> None:
    cases = FakeCaseRepository()
    broker = respond_broker(cases)

    @broker.subscriber(DLQ)
    async def dead(body: dict[str, Any]) -> None:
        pass

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(
            {"not": "an event"},
            classified("a1", conversation_id="a").to_bytes(),
            topic=Topic.INTERACTIONS_CLASSIFIED,
        )
        dead.mock.assert_called_once_with({"not": "an event"})

    assert [c.conversation_id for c in cases.cases] == ["a"]


async def test_an_event_the_batch_cannot_thread_goes_to_the_dlq_alone() -> None:
    cases = FakeCaseRepository()
    broker = respond_broker(cases)
    refused = classified("x1", agency_id="atlantis")

    @broker.subscriber(DLQ)
    async def dead(body: dict[str, Any]) -> None:
        pass

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(
            classified("a1", conversation_id="a").to_bytes(),
            refused.to_bytes(),
            classified("b1", conversation_id="b").to_bytes(),
            topic=Topic.INTERACTIONS_CLASSIFIED,
        )
        dead.mock.assert_called_once()
        assert dead.mock.call_args.args[0]["interaction_id"] == str(refused.interaction_id)

    assert sorted(c.conversation_id for c in cases.cases) == ["a", "b"]
