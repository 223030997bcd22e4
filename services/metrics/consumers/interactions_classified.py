"""``interactions.classified``: when each interaction was classified, and with which labels."""

from faststream.kafka import KafkaRouter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import InstrumentsContext, StoreContext
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.events import InteractionClassified
from shared.topics import Topic

router = KafkaRouter()


@router.subscriber(Topic.INTERACTIONS_CLASSIFIED, **consumer_options(group=GROUP))
async def on_interaction_classified(
    event: InteractionClassified, store: StoreContext, instruments: InstrumentsContext
) -> None:
    await usecases.record_interaction_classified(
        event, store=store, instruments=instruments, now=utc_now()
    )
