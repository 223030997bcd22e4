"""Classify use cases, free of framework code."""

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from services.classify.pipeline import NO_AGENCY, AgencyKnowledge, Models, classify_text
from shared.events import InteractionClassified, InteractionEdited, InteractionReceived
from shared.ids import derived_event_id
from shared.mongo import Document

log = logging.getLogger(__name__)


class ClassificationStore(Protocol):
    async def save(self, event: InteractionClassified, *, now: datetime) -> list[Document]: ...


class Publisher(Protocol):
    async def publish(self, collection: str, doc_id: object, entries: list[Document]) -> None: ...


async def classify_interaction(
    event: InteractionReceived | InteractionEdited,
    *,
    store: ClassificationStore,
    outbox: Publisher,
    collection: str,
    knowledge: Mapping[str, AgencyKnowledge],
    models: Models | None,
    now: datetime,
) -> InteractionClassified:
    """Classify, store, publish. A redelivery yields the same event id and publishes only what
    is still pending, so downstream sees each interaction (and each edit of it) once."""
    interaction = event.interaction
    # The encoder is CPU work: in a thread, so the event loop keeps consuming and serving.
    classification = await asyncio.to_thread(
        classify_text,
        interaction.text,
        language_hint=interaction.language_hint,
        agency=knowledge.get(interaction.agency_id, NO_AGENCY),
        models=models,
    )
    classified = InteractionClassified(
        event_id=derived_event_id(event.event_id, "interaction.classified"),
        occurred_at=now,
        agency_id=event.agency_id,
        interaction_id=event.interaction_id,
        interaction=interaction,
        classification=classification,
        edited_at=event.edited_at if isinstance(event, InteractionEdited) else None,
    )
    pending = await store.save(classified, now=now)
    if pending:
        await outbox.publish(collection, str(classified.event_id), pending)
    log.info(
        "interaction_classified",
        extra={
            "agency_id": event.agency_id,
            "interaction_id": str(event.interaction_id),
            "outcome": "published" if pending else "already_published",
        },
    )
    return classified
