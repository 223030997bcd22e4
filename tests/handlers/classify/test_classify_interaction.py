"""The classify use case on in-memory ports, and its subscriber through FastStream's test broker."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.classify.consumers import interactions_received
from services.classify.instruments import ClassifyInstruments
from services.classify.pipeline import AgencyKnowledge
from services.classify.usecases import classify_interaction
from shared.events import InteractionClassified, InteractionReceived
from shared.events.interactions import Author, Interaction
from shared.ids import derived_event_id, interaction_id
from shared.mongo import Document
from shared.settings import TelemetrySettings
from shared.telemetry import Telemetry, build_telemetry
from shared.topics import Topic

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def _received(
    text: str = "Nid de poule rue Garibaldi, appelez le 06 12 34 56 78",
) -> InteractionReceived:
    iid = interaction_id("lyon", "generic", "m1")
    interaction = Interaction(
        interaction_id=iid,
        agency_id="lyon",
        connection_id="lyon-demo",
        channel="generic",
        kind="comment",
        message_id="m1",
        conversation_id="c1",
        author=Author(id="u1"),
        text=text,
        created_at=NOW,
        received_at=NOW,
    )
    return InteractionReceived(
        event_id=derived_event_id(iid, "interaction.received"),
        occurred_at=NOW,
        agency_id="lyon",
        interaction_id=iid,
        interaction=interaction,
    )


class FakeStore:
    def __init__(self) -> None:
        self.saved: dict[str, InteractionClassified] = {}

    async def save(self, event: InteractionClassified, *, now: datetime) -> list[Document]:
        if str(event.interaction_id) in self.saved:
            return []
        self.saved[str(event.interaction_id)] = event
        return [{"event_id": str(event.event_id), "topic": "t", "key": "k", "value": "{}"}]


class FakeOutbox:
    def __init__(self) -> None:
        self.published: list[Document] = []

    async def publish(self, collection: str, doc_id: object, entries: list[Document]) -> None:
        self.published.extend(entries)


async def test_classification_keeps_its_reason_and_redacts_personal_data() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    event = await classify_interaction(
        _received(), store=store, outbox=outbox, collection="c", knowledge={}, models=None, now=NOW
    )
    assert event.classification.topic.label == "roads"
    assert event.classification.topic.evidence == ("nid de poule",)
    assert "[phone]" in event.classification.redacted_text
    assert event.event_id == derived_event_id(_received().event_id, "interaction.classified")
    assert len(outbox.published) == 1


async def test_redelivered_interaction_is_not_published_twice() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    for _ in range(2):
        await classify_interaction(
            _received(),
            store=store,
            outbox=outbox,
            collection="c",
            knowledge={},
            models=None,
            now=NOW,
        )
    assert len(store.saved) == 1
    assert len(outbox.published) == 1


async def test_subscriber_decodes_the_event_and_calls_the_use_case() -> None:
    telemetry: Telemetry = build_telemetry("classify", TelemetrySettings())
    broker = KafkaBroker()
    broker.include_router(interactions_received.router)
    store, outbox = FakeStore(), FakeOutbox()
    ports: dict[str, Any] = {
        "store": store,
        "outbox": outbox,
        "knowledge": {"lyon": AgencyKnowledge()},
        "models": None,
        "instruments": ClassifyInstruments.register(telemetry.registry),
    }
    for name, port in ports.items():
        broker.context.set_global(name, port)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            _received().model_dump(mode="json"), topic=Topic.INTERACTIONS_RECEIVED
        )
        interactions_received.on_interaction_received.mock.assert_called_once()
    assert list(store.saved) == [str(interaction_id("lyon", "generic", "m1"))]
    assert isinstance(store.saved[next(iter(store.saved))].interaction_id, UUID)
    assert (
        telemetry.registry.get_sample_value(
            "agora_classify_interactions_classified_total",
            {"agency": "lyon", "topic": "roads", "urgency": "normal"},
        )
        == 1
    )
