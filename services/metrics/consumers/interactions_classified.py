"""``interactions.classified``: when each interaction was classified, and with which labels."""

from functools import partial

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import DeadLettersContext, InstrumentsContext, StoreContext
from shared.bus import batch_consumer_options, handle_batch
from shared.clock import utc_now
from shared.events import InteractionClassified
from shared.topics import Topic

router = KafkaRouter()
EVENT = TypeAdapter(InteractionClassified)


@router.subscriber(Topic.INTERACTIONS_CLASSIFIED, **batch_consumer_options(group=GROUP))
async def on_interactions_classified(
    bodies: list[bytes],
    message: KafkaMessage,
    store: StoreContext,
    instruments: InstrumentsContext,
    dead_letters: DeadLettersContext,
) -> None:
    record = partial(
        usecases.record_interactions_classified,
        store=store,
        instruments=instruments,
        now=utc_now(),
    )
    await handle_batch(
        message.raw_message, bodies, EVENT, record, dead_letters=dead_letters, group=GROUP
    )
