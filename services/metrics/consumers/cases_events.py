"""``cases.events``: every case lifecycle change, folded into the case's timeline."""

from faststream.kafka import KafkaRouter

from services.metrics import usecases
from services.metrics.consumers import GROUP
from services.metrics.deps import InstrumentsContext, StoreContext
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.events import CaseEvent
from shared.topics import Topic

router = KafkaRouter()


@router.subscriber(Topic.CASES_EVENTS, **consumer_options(group=GROUP))
async def on_case_event(
    event: CaseEvent, store: StoreContext, instruments: InstrumentsContext
) -> None:
    await usecases.record_case_event(event, store=store, instruments=instruments, now=utc_now())
