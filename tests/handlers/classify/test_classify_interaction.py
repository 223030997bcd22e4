"""The classify use case on in-memory ports, and its subscriber through FastStream's test broker."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.classify.consumers import interactions_received
from services.classify.instruments import ClassifyInstruments
from services.classify.pipeline import AgencyKnowledge
from services.classify.store import _document
from services.classify.usecases import classify_batch
from shared.bus import DeadLetters
from shared.events import InteractionClassified, InteractionReceived
from shared.events.interactions import Author, Interaction
from shared.ids import derived_event_id, interaction_id
from shared.mongo import Document
from shared.settings import TelemetrySettings
from shared.telemetry import Telemetry, build_telemetry
from shared.topics import Topic, dlq_topic

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def _received(
    text: str = "Nid de poule rue Garibaldi, appelez le 06 12 34 56 78", message_id: str = "m1"
) -> InteractionReceived:
    iid = interaction_id("lyon", "generic", message_id)
    interaction = Interaction(
        interaction_id=iid,
        agency_id="lyon",
        connection_id="lyon-demo",
        channel="generic",
        kind="comment",
        message_id=message_id,
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
        self.writes = 0

    async def save_many(
        self, events: Sequence[InteractionClassified], *, now: datetime
    ) -> list[list[Document]]:
        self.writes += 1
        pending: list[list[Document]] = []
        for event in events:
            if str(event.interaction_id) in self.saved:
                pending.append([])
                continue
            self.saved[str(event.interaction_id)] = event
            pending.append([{"event_id": str(event.event_id), "topic": "t", "key": "k"}])
        return pending


class FakeOutbox:
    def __init__(self) -> None:
        self.published: list[Document] = []

    async def publish_many(
        self, collection: str, documents: Sequence[tuple[object, Sequence[Document]]]
    ) -> None:
        for _, entries in documents:
            self.published.extend(entries)


async def test_classification_keeps_its_reason_and_redacts_personal_data() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    [event] = await classify_batch(
        [_received()],
        store=store,
        outbox=outbox,
        collection="c",
        knowledge={},
        models=None,
        now=NOW,
    )
    assert event.classification.topic.label == "roads"
    assert event.classification.topic.evidence == ("nid de poule",)
    assert "[phone]" in event.classification.redacted_text
    assert event.event_id == derived_event_id(_received().event_id, "interaction.classified")
    assert len(outbox.published) == 1


async def test_redelivered_interaction_is_not_published_twice() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    for _ in range(2):
        await classify_batch(
            [_received()],
            store=store,
            outbox=outbox,
            collection="c",
            knowledge={},
            models=None,
            now=NOW,
        )
    assert len(store.saved) == 1
    assert len(outbox.published) == 1


async def test_a_batch_is_classified_in_order_and_stored_in_one_write() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    texts = ["Nid de poule rue Garibaldi", "Les poubelles débordent rue Neuve", "Merci !"]
    events = [_received(text, f"m{i}") for i, text in enumerate(texts)]
    classified = await classify_batch(
        events, store=store, outbox=outbox, collection="c", knowledge={}, models=None, now=NOW
    )
    assert [c.interaction_id for c in classified] == [e.interaction_id for e in events]
    assert [c.classification.topic.label for c in classified][:2] == ["roads", "waste"]
    assert store.writes == 1
    assert len(outbox.published) == 3


async def test_subscriber_decodes_the_event_and_calls_the_use_case() -> None:
    telemetry: Telemetry = build_telemetry("classify", TelemetrySettings())
    broker = KafkaBroker()
    broker.include_router(interactions_received.router)
    store, outbox = FakeStore(), FakeOutbox()
    dead_letters = DeadLetters(telemetry)
    dead_letters.broker = broker
    ports: dict[str, Any] = {
        "dead_letters": dead_letters,
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
        interactions_received.on_interactions_received.mock.assert_called_once()
    assert list(store.saved) == [str(interaction_id("lyon", "generic", "m1"))]
    assert isinstance(store.saved[next(iter(store.saved))].interaction_id, UUID)
    assert (
        telemetry.registry.get_sample_value(
            "agora_classify_interactions_classified_total",
            {"agency": "lyon", "topic": "roads", "urgency": "normal"},
        )
        == 1
    )


async def test_a_record_that_is_no_event_goes_to_the_dlq_and_its_batch_is_classified() -> None:
    telemetry: Telemetry = build_telemetry("classify", TelemetrySettings())
    broker = KafkaBroker()
    broker.include_router(interactions_received.router)
    store = FakeStore()
    dead_letters = DeadLetters(telemetry)
    dead_letters.broker = broker
    ports: dict[str, Any] = {
        "dead_letters": dead_letters,
        "store": store,
        "outbox": FakeOutbox(),
        "knowledge": {"lyon": AgencyKnowledge()},
        "models": None,
        "instruments": ClassifyInstruments.register(telemetry.registry),
    }
    for name, port in ports.items():
        broker.context.set_global(name, port)
    dlq = dlq_topic(Topic.INTERACTIONS_RECEIVED, interactions_received.GROUP)

    @broker.subscriber(dlq)
    async def dead(body: dict[str, Any]) -> None:
        pass

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish_batch(
            {"not": "an event"},
            _received(message_id="m2").model_dump(mode="json"),
            topic=Topic.INTERACTIONS_RECEIVED,
        )
        dead.mock.assert_called_once_with({"not": "an event"})
    assert list(store.saved) == [str(interaction_id("lyon", "generic", "m2"))]


async def test_the_stored_labels_cover_every_dimension_of_the_classification() -> None:
    [event] = await classify_batch(
        [_received()],
        store=FakeStore(),
        outbox=FakeOutbox(),
        collection="c",
        knowledge={},
        models=None,
        now=NOW,
    )
    labels = _document(event, NOW)["labels"]

    assert set(labels) == set(type(event.classification).model_fields) - {
        "personal_data",
        "redacted_text",
    }
    assert labels["topic"] == "roads"
    assert {"crisis_relevance", "crisis_info_type"} <= set(labels)
