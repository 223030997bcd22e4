"""Outbound replies (a command) and their delivery outcome (an event)."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime

from shared.events.envelope import Event
from shared.events.interactions import Channel


class SendReply(Event):
    """Command to the delivery connectors: post ``text`` in the citizen's conversation."""

    event_type: Literal["reply.send"] = "reply.send"
    reply_id: UUID
    case_id: UUID
    channel: Channel
    connection_id: str
    conversation_id: str
    in_reply_to: str | None
    text: str


class ReplyDelivered(Event):
    event_type: Literal["reply.delivered"] = "reply.delivered"
    reply_id: UUID
    case_id: UUID
    status: Literal["sent", "delivered", "failed"]
    reason: str | None = None
    platform_message_id: str | None = None


class DeliveryStatusReported(Event):
    """A platform reported what became of a message the agency sent (ingest publishes it)."""

    event_type: Literal["delivery.status_reported"] = "delivery.status_reported"
    channel: Channel
    connection_id: str
    platform_message_id: str
    status: Literal["sent", "delivered", "read", "failed"]
    reported_at: AwareDatetime
    error: str | None = None
