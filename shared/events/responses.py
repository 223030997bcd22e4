"""Outbound replies (a command) and their delivery outcome (an event)."""

from typing import Literal
from uuid import UUID

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
