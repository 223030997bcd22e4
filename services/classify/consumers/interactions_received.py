"""Classifies every received interaction."""

from typing import Annotated, Any

from faststream import Context
from faststream.kafka import KafkaRouter

from services.classify import usecases
from services.classify.instruments import ClassifyInstruments
from services.classify.store import CLASSIFICATIONS, MongoClassificationStore
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.events import InteractionEvent
from shared.outbox import Outbox
from shared.topics import Topic

GROUP = "classify"
router = KafkaRouter()


@router.subscriber(Topic.INTERACTIONS_RECEIVED, **consumer_options(group=GROUP))
async def on_interaction_received(
    event: InteractionEvent,
    store: Annotated[MongoClassificationStore, Context("store")],
    outbox: Annotated[Outbox, Context("outbox")],
    knowledge: Annotated[dict[str, Any], Context("knowledge")],
    models: Annotated[Any, Context("models")],
    instruments: Annotated[ClassifyInstruments, Context("instruments")],
) -> None:
    classified = await usecases.classify_interaction(
        event,
        store=store,
        outbox=outbox,
        collection=CLASSIFICATIONS,
        knowledge=knowledge,
        models=models,
        now=utc_now(),
    )
    instruments.classified.labels(
        event.agency_id,
        classified.classification.topic.label,
        classified.classification.urgency.label,
    ).inc()
