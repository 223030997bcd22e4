"""Ingest use cases: framework-free, called by the HTTP routes."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.ingest.channels.base import ChannelAdapter, ConnectionContext, WebhookRequest
from services.ingest.store import Stored
from shared.events import InteractionReceived
from shared.ids import derived_event_id
from shared.mongo import Document

log = logging.getLogger(__name__)


class InteractionStore(Protocol):
    async def store(self, events: list[InteractionReceived], *, now: datetime) -> list[Stored]: ...


class Publisher(Protocol):
    async def publish_soon(
        self, collection: str, doc_id: object, entries: list[Document], *, timeout_s: float
    ) -> bool: ...


@dataclass(frozen=True)
class Accepted:
    interaction_ids: list[str]
    duplicates: int
    ignored: int
    published: bool


async def accept_webhook(
    request: WebhookRequest,
    ctx: ConnectionContext,
    *,
    adapter: ChannelAdapter,
    store: InteractionStore,
    outbox: Publisher,
    collection: str,
    publish_timeout_s: float,
    now: datetime,
) -> Accepted:
    """Verify, parse, store durably (deduplicated), then publish before answering.

    A duplicate delivery stores nothing new but re-publishes its event if it is still pending:
    "already stored, skip" is how events get lost.
    """
    adapter.verify(request, ctx)
    parsed = adapter.parse(request, ctx)
    events = [
        InteractionReceived(
            event_id=derived_event_id(i.interaction_id, "interaction.received"),
            occurred_at=i.received_at,
            agency_id=i.agency_id,
            interaction_id=i.interaction_id,
            interaction=i,
        )
        for i in parsed.interactions
    ]
    stored = await store.store(events, now=now) if events else []
    published = True
    for item in stored:
        if item.pending:
            published &= await outbox.publish_soon(
                collection, item.interaction_id, item.pending, timeout_s=publish_timeout_s
            )
    for item in stored:
        log.info(
            "interaction_stored",
            extra={
                "agency_id": ctx.agency_id,
                "connection_id": ctx.connection_id,
                "interaction_id": item.interaction_id,
                "outcome": "duplicate" if item.duplicate else "new",
            },
        )
    return Accepted(
        interaction_ids=[s.interaction_id for s in stored],
        duplicates=sum(s.duplicate for s in stored),
        ignored=len(parsed.ignored),
        published=published,
    )
