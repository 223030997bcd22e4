"""The small interface every platform adapter implements; pure (no I/O, no clock).

An adapter verifies a delivery exactly as its platform documents it (over the raw body bytes,
in constant time), answers the platform's handshakes, and turns a payload into canonical
interactions plus the other things platforms send: edits, deletions, delivery statuses, and
events that are acknowledged and counted but carry no citizen message (reactions, echoes of
the agency's own messages, verification pings).
"""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from shared.errors import Unauthorized
from shared.events import Channel, Interaction
from shared.ids import interaction_id


@dataclass(frozen=True)
class WebhookRequest:
    """What an adapter may look at: the raw body bytes, never a re-serialised copy."""

    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes
    content_type: str = ""  # the media type alone, lower-case ("application/json")


@dataclass(frozen=True)
class ConnectionContext:
    agency_id: str
    connection_id: str
    secrets: Mapping[str, str]  # connection field name (e.g. "app_secret_env") -> secret value
    received_at: datetime
    public_url: str | None = None  # the URL the platform calls (Twilio signs it)
    account_id: str | None = None  # the agency's own account id on the platform
    account_handle: str | None = None  # the agency's own handle (mentions, X)

    def interaction(self, *, channel: Channel, message_id: str, **fields: Any) -> Interaction:
        """A canonical interaction of this connection: its deterministic id, agency, connection
        and reception time filled in."""
        fields.setdefault("received_at", self.received_at)
        return Interaction(
            interaction_id=interaction_id(self.agency_id, channel, message_id),
            agency_id=self.agency_id,
            connection_id=self.connection_id,
            channel=channel,
            message_id=message_id,
            **fields,
        )


@dataclass(frozen=True)
class Edit:
    """A citizen edited a message Agora already has."""

    interaction: Interaction  # the message as it is now (same interaction id, new text)
    edited_at: datetime


@dataclass(frozen=True)
class Deletion:
    channel: Channel
    message_id: str
    deleted_at: datetime


@dataclass(frozen=True)
class DeliveryStatus:
    """What the platform says about a message the agency sent."""

    channel: Channel
    platform_message_id: str
    status: Literal["sent", "delivered", "read", "failed"]
    at: datetime
    recipient_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Ignored:
    """Acknowledged and counted, never an error: not a citizen message."""

    type: Literal["reaction", "echo", "verification", "unsupported"]
    reason: str


@dataclass(frozen=True)
class ParseResult:
    interactions: list[Interaction] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    statuses: list[DeliveryStatus] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


@dataclass(frozen=True)
class Acknowledgement:
    """The exact answer a platform expects (TwiML for Twilio, the challenge for Meta...)."""

    body: bytes
    media_type: str = "application/json"
    status_code: int = 200


class ChannelAdapter(Protocol):
    content_types: tuple[str, ...]

    def handshake(self, request: WebhookRequest, ctx: ConnectionContext) -> Acknowledgement | None:
        """Answer a platform's GET verification, or None when the channel has none.

        Raise ``Forbidden``/``InvalidInput`` for a handshake that does not verify.
        """

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        """Raise ``Unauthorized``/``Forbidden`` unless the platform signed this body."""

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        """Turn the payload into canonical items; raise ``InvalidInput`` if malformed.

        Parse tolerantly: real deliveries carry more fields than the documentation shows.
        """

    def acknowledge(self, result: ParseResult) -> Acknowledgement | None:
        """The answer the platform expects, or None for Agora's default JSON."""


class Adapter:
    """Defaults for adapters: JSON bodies, no GET handshake, Agora's default JSON answer."""

    content_types: tuple[str, ...] = ("application/json",)

    def handshake(self, request: WebhookRequest, ctx: ConnectionContext) -> Acknowledgement | None:
        return None

    def acknowledge(self, result: ParseResult) -> Acknowledgement | None:
        return None


def required_header(request: WebhookRequest, name: str) -> str:
    """The header's value, or ``Unauthorized("missing_signature")`` naming it."""
    value = request.headers.get(name)
    if not value:
        raise Unauthorized("missing_signature", f"The {name} header is required.")
    return value


def hmac_hex(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    return hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def signatures_match(expected: str, received: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(expected.encode(), received.encode())
