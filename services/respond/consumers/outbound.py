"""Delivers each reply to its platform, and records what platforms report about them."""

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaRouter

from services.respond import deliveries
from services.respond.deliveries import Send
from services.respond.instruments import RespondInstruments
from services.respond.ports import CaseRepository, Publisher, SentMessages
from shared.bus import consumer_options
from shared.clock import utc_now
from shared.config import ConfigSource
from shared.events import DeliveryStatusReported, SendReply
from shared.topics import Topic

# Own groups: a platform slow to answer never holds up the threading of new messages.
DELIVERY_GROUP = "respond-delivery"
STATUS_GROUP = "respond-statuses"
router = KafkaRouter()


@router.subscriber(Topic.RESPONSES_OUTBOUND, **consumer_options(group=DELIVERY_GROUP))
async def on_send_reply(
    command: SendReply,
    cases: Annotated[CaseRepository, Context("cases")],
    sent: Annotated[SentMessages, Context("sent_messages")],
    outbox: Annotated[Publisher, Context("outbox")],
    config: Annotated[ConfigSource, Context("config_source")],
    send: Annotated[Send, Context("send")],
    instruments: Annotated[RespondInstruments, Context("instruments")],
) -> None:
    delivery = await deliveries.deliver_reply(
        command,
        cases=cases,
        sent=sent,
        outbox=outbox,
        config=config.current,
        send=send,
        now=utc_now,
    )
    instruments.observe_delivery(command.agency_id, str(command.channel), delivery)


@router.subscriber(Topic.DELIVERY_STATUSES, **consumer_options(group=STATUS_GROUP))
async def on_delivery_status(
    report: DeliveryStatusReported,
    cases: Annotated[CaseRepository, Context("cases")],
    sent: Annotated[SentMessages, Context("sent_messages")],
    outbox: Annotated[Publisher, Context("outbox")],
) -> None:
    await deliveries.apply_status(report, cases=cases, sent=sent, outbox=outbox)
