"""Threads every classified interaction into its case."""

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaRouter

from services.respond import usecases
from services.respond.instruments import RespondInstruments
from services.respond.loads import AssigneeLoads
from services.respond.ports import CaseRepository, Publisher
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.config import ConfigSource
from shared.events import InteractionClassified
from shared.topics import Topic

GROUP = "respond"
router = KafkaRouter()


@router.subscriber(Topic.INTERACTIONS_CLASSIFIED, **consumer_options(group=GROUP))
async def on_interaction_classified(
    event: InteractionClassified,
    cases: Annotated[CaseRepository, Context("cases")],
    outbox: Annotated[Publisher, Context("outbox")],
    config: Annotated[ConfigSource, Context("config_source")],
    loads: Annotated[AssigneeLoads, Context("loads")],
    instruments: Annotated[RespondInstruments, Context("instruments")],
) -> None:
    threaded = await usecases.thread_interaction(
        event, cases=cases, outbox=outbox, config=config.current, now=utc_now(), loads=loads
    )
    instruments.observe_threaded(threaded)
