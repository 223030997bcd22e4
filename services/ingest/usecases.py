"""Ingest use cases: framework-free, called by the HTTP routes and the pollers."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from services.ingest.channels.base import (
    ChannelAdapter,
    ConnectionContext,
    Deletion,
    ParseResult,
    WebhookRequest,
)
from services.ingest.store import Stored, status_event_id
from shared.errors import AgoraError, InvalidInput
from shared.events import DeliveryStatusReported, InteractionEdited, InteractionReceived
from shared.ids import derived_event_id, interaction_id
from shared.mongo import Document

log = logging.getLogger(__name__)

# Headers worth keeping with a quarantined body (never cookies or authorisation).
QUARANTINE_HEADERS = ("content-type", "user-agent", "x-request-id")


class IngestStore(Protocol):
    async def store_interactions(
        self, events: list[InteractionReceived], *, now: datetime
    ) -> list[Stored]: ...

    async def store_statuses(
        self, events: list[DeliveryStatusReported], *, now: datetime
    ) -> list[Stored]: ...

    async def store_edit(self, event: InteractionEdited, *, now: datetime) -> Stored: ...

    async def record_deletions(self, deletions: list[Deletion], ids: list[str]) -> None: ...

    async def quarantine(self, entry: Document) -> str: ...


class Publisher(Protocol):
    async def publish_soon(
        self, collection: str, doc_id: object, entries: list[Document], *, timeout_s: float
    ) -> bool: ...


class Quarantined(AgoraError):
    """A verified payload the adapter could not parse: kept raw, never lost."""

    status = 422

    def __init__(self, detail: str, quarantine_id: str) -> None:
        super().__init__("invalid_payload", detail, extra={"quarantine_id": quarantine_id})
        self.quarantine_id = quarantine_id


@dataclass(frozen=True)
class Accepted:
    interaction_ids: list[str]
    duplicates: int
    edits: int = 0
    statuses: int = 0
    deletions: int = 0
    ignored: dict[str, int] = field(default_factory=dict)
    published: bool = True
    parsed: ParseResult = field(default_factory=ParseResult)


def _events(
    parsed: ParseResult, ctx: ConnectionContext, now: datetime
) -> tuple[list[InteractionReceived], list[InteractionEdited], list[DeliveryStatusReported]]:
    received = [
        InteractionReceived(
            event_id=derived_event_id(i.interaction_id, "interaction.received"),
            occurred_at=i.received_at,
            agency_id=i.agency_id,
            interaction_id=i.interaction_id,
            interaction=i,
        )
        for i in parsed.interactions
    ]
    edited = [
        InteractionEdited(
            event_id=derived_event_id(
                e.interaction.interaction_id, "interaction.edited", e.edited_at.isoformat()
            ),
            occurred_at=now,
            agency_id=e.interaction.agency_id,
            interaction_id=e.interaction.interaction_id,
            interaction=e.interaction,
            edited_at=e.edited_at,
        )
        for e in parsed.edits
    ]
    statuses = [
        DeliveryStatusReported(
            event_id=status_event_id(ctx.agency_id, s.channel, s.platform_message_id, s.status),
            occurred_at=now,
            agency_id=ctx.agency_id,
            channel=s.channel,
            connection_id=ctx.connection_id,
            platform_message_id=s.platform_message_id,
            status=s.status,
            reported_at=s.at,
            error=s.error,
            recipient_id=s.recipient_id,
        )
        for s in parsed.statuses
    ]
    return received, edited, statuses


async def accept_webhook(
    request: WebhookRequest,
    ctx: ConnectionContext,
    *,
    adapter: ChannelAdapter,
    store: IngestStore,
    outbox: Publisher,
    publish_timeout_s: float,
    now: datetime,
    verify: bool = True,
) -> Accepted:
    """Verify, parse, store durably (deduplicated), then publish before answering.

    A payload that verifies but does not parse is quarantined raw (``Quarantined``). A
    duplicate stores nothing new but re-publishes what it still has pending: "already stored,
    skip" is how events get lost.
    """
    if verify:
        adapter.verify(request, ctx)
    try:
        parsed = adapter.parse(request, ctx)
    except InvalidInput as error:
        quarantine_id = await store.quarantine(_quarantine_entry(request, ctx, error, now))
        log.warning(
            "payload_quarantined",
            extra={"connection_id": ctx.connection_id, "error": error.code},
        )
        raise Quarantined(error.detail, quarantine_id) from error
    return await ingest_parsed(
        parsed, ctx, store=store, outbox=outbox, publish_timeout_s=publish_timeout_s, now=now
    )


async def ingest_parsed(
    parsed: ParseResult,
    ctx: ConnectionContext,
    *,
    store: IngestStore,
    outbox: Publisher,
    publish_timeout_s: float,
    now: datetime,
) -> Accepted:
    """Store what a delivery (or a poll) brought, deduplicated, then publish it."""
    received, edited, statuses = _events(parsed, ctx, now)
    stored = await store.store_interactions(received, now=now)
    stored += [await store.store_edit(event, now=now) for event in edited]
    stored += await store.store_statuses(statuses, now=now)
    if parsed.deletions:
        await store.record_deletions(
            parsed.deletions,
            [str(interaction_id(ctx.agency_id, d.channel, d.message_id)) for d in parsed.deletions],
        )
    published = True
    for item in stored:
        if item.pending:
            published &= await outbox.publish_soon(
                item.collection, item.doc_id, item.pending, timeout_s=publish_timeout_s
            )
    new_interactions = stored[: len(received)]
    for item in new_interactions:
        log.info(
            "interaction_stored",
            extra={
                "agency_id": ctx.agency_id,
                "connection_id": ctx.connection_id,
                "interaction_id": item.doc_id,
                "outcome": "duplicate" if item.duplicate else "new",
            },
        )
    return Accepted(
        interaction_ids=[s.doc_id for s in new_interactions],
        duplicates=sum(s.duplicate for s in new_interactions),
        edits=len(edited),
        statuses=len(statuses),
        deletions=len(parsed.deletions),
        ignored=dict(Counter(i.type for i in parsed.ignored)),
        published=published,
        parsed=parsed,
    )


def _quarantine_entry(
    request: WebhookRequest, ctx: ConnectionContext, error: InvalidInput, now: datetime
) -> Document:
    return {
        "agency_id": ctx.agency_id,
        "connection_id": ctx.connection_id,
        "content_type": request.content_type,
        "headers": {h: request.headers[h] for h in QUARANTINE_HEADERS if h in request.headers},
        "body": request.body,
        "error": error.detail,
        "received_at": now,
        "replayed_at": None,
    }
