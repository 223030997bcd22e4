"""``cases.events``: every case lifecycle change, folded into the case's timeline."""

from functools import partial

from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import DeadLettersContext, InstrumentsContext, StoreContext
from shared.bus import batch_consumer_options, handle_batch
from shared.clock import utc_now
from shared.events import CaseEvent
from shared.topics import Topic

router = KafkaRouter()
EVENT: TypeAdapter[CaseEvent] = TypeAdapter(CaseEvent)


@router.subscriber(Topic.CASES_EVENTS, **batch_consumer_options(group=GROUP))
async def on_case_events(
    bodies: list[bytes],
    message: KafkaMessage,
    store: StoreContext,
    instruments: InstrumentsContext,
    dead_letters: DeadLettersContext,
) -> None:
    record = partial(
        usecases.record_case_events, store=store, instruments=instruments, now=utc_now()
    )
    await handle_batch(
        message.raw_message, bodies, EVENT, record, dead_letters=dead_letters, group=GROUP
    )
