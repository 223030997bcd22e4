"""The small interface every platform adapter implements; pure (no I/O, no clock)."""

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared.events import Interaction


@dataclass(frozen=True)
class WebhookRequest:
    """What an adapter may look at: the raw body bytes, never a re-serialised copy."""

    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes
    content_type: str = ""


@dataclass(frozen=True)
class ConnectionContext:
    agency_id: str
    connection_id: str
    secrets: Mapping[str, str]  # connection field name (e.g. "secret_env") -> secret value
    received_at: datetime


@dataclass(frozen=True)
class Ignored:
    """A platform event that is not a citizen message (status, reaction, echo, ping)."""

    type: str
    reason: str


@dataclass(frozen=True)
class ParseResult:
    interactions: list[Interaction] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


class ChannelAdapter(Protocol):
    content_types: tuple[str, ...]

    def handshake(self, request: WebhookRequest, ctx: ConnectionContext) -> str | None:
        """Answer a platform's GET verification, or None when the request is not one."""

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        """Raise ``Unauthorized``/``Forbidden`` unless the platform signed this body."""

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        """Turn the payload into canonical interactions; raise ``InvalidInput`` if malformed."""


def hmac_hex(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    return hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def signatures_match(expected: str, received: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(expected.encode(), received.encode())
