"""Classifies every received interaction, a fetched batch at a time."""

from typing import Annotated, Any

from faststream import Context
from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from services.classify import usecases
from services.classify.instruments import ClassifyInstruments
from services.classify.store import CLASSIFICATIONS, MongoClassificationStore
from shared.bus import DeadLetters, batch_consumer_options, handle_batch
from shared.clock import utc_now
from shared.events import InteractionEdited, InteractionEvent, InteractionReceived
from shared.outbox import Outbox
from shared.topics import Topic

GROUP = "classify"
router = KafkaRouter()
EVENT: TypeAdapter[InteractionReceived | InteractionEdited] = TypeAdapter(InteractionEvent)


@router.subscriber(Topic.INTERACTIONS_RECEIVED, **batch_consumer_options(group=GROUP))
async def on_interactions_received(
    bodies: list[bytes],
    message: KafkaMessage,
    store: Annotated[MongoClassificationStore, Context("store")],
    outbox: Annotated[Outbox, Context("outbox")],
    knowledge: Annotated[dict[str, Any], Context("knowledge")],
    models: Annotated[Any, Context("models")],
    instruments: Annotated[ClassifyInstruments, Context("instruments")],
    dead_letters: Annotated[DeadLetters, Context("dead_letters")],
) -> None:
    """A record that is no interaction event goes to the DLQ; the others are classified
    together (one by one, dead-lettering what fails, if the batch fails for good)."""

    async def classify(batch: list[InteractionReceived | InteractionEdited]) -> None:
        classified = await usecases.classify_batch(
            batch,
            store=store,
            outbox=outbox,
            collection=CLASSIFICATIONS,
            knowledge=knowledge,
            models=models,
            now=utc_now(),
        )
        for event in classified:
            verdicts = event.classification
            instruments.classified.labels(
                event.agency_id, verdicts.topic.label, verdicts.urgency.label
            ).inc()

    await handle_batch(
        message.raw_message, bodies, EVENT, classify, dead_letters=dead_letters, group=GROUP
    )
