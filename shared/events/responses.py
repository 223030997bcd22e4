"""Outbound replies (a command) and their delivery outcome (an event)."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from shared.events.envelope import Event
from shared.events.interactions import Channel, Kind


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
    in_reply_to_kind: Kind | None = Field(
        default=None, description="What the answered message was: comment, direct message, ..."
    )
    recipient_id: str | None = Field(default=None, description="The citizen's platform id.")
    recipient_handle: str | None = Field(default=None, description="The citizen's handle.")
    last_inbound_at: AwareDatetime | None = Field(
        default=None, description="When the citizen last wrote: the 24-hour window opens there."
    )
    language: str | None = Field(default=None, description="The case's language, for templates.")


class ReplyDelivered(Event):
    """What became of a reply: sent by a connector, then delivered or read, or failed and why."""

    event_type: Literal["reply.delivered"] = "reply.delivered"
    reply_id: UUID
    case_id: UUID
    channel: Channel | None = None
    status: Literal["sent", "delivered", "read", "failed"]
    reason: str | None = None
    platform_message_id: str | None = None
    attempts: int = Field(default=1, ge=0, description="Calls made to the platform's API.")


class DeliveryStatusReported(Event):
    """A platform reported what became of a message the agency sent (ingest publishes it)."""

    event_type: Literal["delivery.status_reported"] = "delivery.status_reported"
    channel: Channel
    connection_id: str
    platform_message_id: str
    status: Literal["sent", "delivered", "read", "failed"]
    reported_at: AwareDatetime
    error: str | None = None
    recipient_id: str | None = Field(
        default=None, description="Who received it: read watermarks name no message, only them."
    )
