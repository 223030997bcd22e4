"""Threads every classified interaction into its case, a fetched batch at a time."""

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaMessage, KafkaRouter
from pydantic import TypeAdapter

from services.respond.batch_threading import thread_interactions
from services.respond.instruments import RespondInstruments
from services.respond.loads import AssigneeLoads
from services.respond.ports import CaseRepository, Publisher
from shared.bus import DeadLetters, batch_consumer_options, handle_batch
from shared.clock import utc_now
from shared.config import ConfigSource
from shared.events import InteractionClassified
from shared.topics import Topic

GROUP = "respond"
router = KafkaRouter()
EVENT = TypeAdapter(InteractionClassified)


@router.subscriber(Topic.INTERACTIONS_CLASSIFIED, **batch_consumer_options(group=GROUP))
async def on_interactions_classified(
    bodies: list[bytes],
    message: KafkaMessage,
    cases: Annotated[CaseRepository, Context("cases")],
    outbox: Annotated[Publisher, Context("outbox")],
    config: Annotated[ConfigSource, Context("config_source")],
    loads: Annotated[AssigneeLoads, Context("loads")],
    instruments: Annotated[RespondInstruments, Context("instruments")],
    dead_letters: Annotated[DeadLetters, Context("dead_letters")],
) -> None:
    """A record that is no classified interaction goes to the DLQ; the others are threaded
    together (one by one, dead-lettering what fails, if the batch fails for good)."""

    async def thread(batch: list[InteractionClassified]) -> None:
        threaded = await thread_interactions(
            batch, cases=cases, outbox=outbox, config=config.current, now=utc_now(), loads=loads
        )
        for each in threaded:
            instruments.observe_threaded(each)

    await handle_batch(
        message.raw_message, bodies, EVENT, thread, dead_letters=dead_letters, group=GROUP
    )
