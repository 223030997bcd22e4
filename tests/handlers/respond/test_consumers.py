"""The subscriber wiring through FastStream's test broker, on in-memory ports."""

from pathlib import Path

from faststream.kafka import TestKafkaBroker
from prometheus_client import CollectorRegistry

from services.respond.consumers import interactions_classified
from services.respond.instruments import RespondInstruments
from services.respond.loads import AssigneeLoads
from shared.bus import build_broker
from shared.config import ConfigSource
from shared.settings import KafkaSettings, TelemetrySettings
from shared.telemetry import build_telemetry
from shared.topics import Topic
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, classified


async def test_classified_interaction_becomes_a_case_counted_once() -> None:
    telemetry = build_telemetry("respond", TelemetrySettings())
    broker = build_broker(KafkaSettings(), telemetry=telemetry)
    broker.include_router(interactions_classified.router)
    cases, outbox, registry = FakeCaseRepository(), FakeOutbox(), CollectorRegistry()
    ports = {
        "cases": cases,
        "loads": AssigneeLoads(cases),
        "outbox": outbox,
        "config_source": ConfigSource(Path("no-such-agora.yaml"), CONFIG),
        "instruments": RespondInstruments.register(registry),
    }
    for name, port in ports.items():
        broker.context.set_global(name, port)
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
