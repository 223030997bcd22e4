"""``interactions.received``: when each interaction entered the pipeline."""

from faststream.kafka import KafkaRouter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import InstrumentsContext, StoreContext
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.events import InteractionEvent
from shared.topics import Topic

router = KafkaRouter()


@router.subscriber(Topic.INTERACTIONS_RECEIVED, **consumer_options(group=GROUP))
async def on_interaction_received(
    event: InteractionEvent, store: StoreContext, instruments: InstrumentsContext
) -> None:
    await usecases.record_interaction_received(
        event, store=store, instruments=instruments, now=utc_now()
    )
