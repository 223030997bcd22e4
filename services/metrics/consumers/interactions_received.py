"""``interactions.received``: when each interaction entered the pipeline."""

from functools import partial

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import DeadLettersContext, InstrumentsContext, StoreContext
from shared.bus import batch_consumer_options, handle_batch
from shared.clock import utc_now
from shared.events import InteractionEdited, InteractionEvent, InteractionReceived
from shared.topics import Topic

router = KafkaRouter()
EVENT: TypeAdapter[InteractionReceived | InteractionEdited] = TypeAdapter(InteractionEvent)


@router.subscriber(Topic.INTERACTIONS_RECEIVED, **batch_consumer_options(group=GROUP))
async def on_interactions_received(
    bodies: list[bytes],
    message: KafkaMessage,
    store: StoreContext,
    instruments: InstrumentsContext,
    dead_letters: DeadLettersContext,
) -> None:
    record = partial(
        usecases.record_interactions_received,
        store=store,
        instruments=instruments,
        now=utc_now(),
    )
    await handle_batch(
        message.raw_message, bodies, EVENT, record, dead_letters=dead_letters, group=GROUP
    )
