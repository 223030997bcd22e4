"""Classify use cases, free of framework code."""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from services.classify.pipeline import NO_AGENCY, AgencyKnowledge, Models, classify_texts
from shared.events import (
    Classification,
    InteractionClassified,
    InteractionEdited,
    InteractionReceived,
)
from shared.ids import derived_event_id
from shared.mongo import Document

log = logging.getLogger(__name__)


class ClassificationStore(Protocol):
    async def save_many(
        self, events: Sequence[InteractionClassified], *, now: datetime
    ) -> list[list[Document]]: ...


class Publisher(Protocol):
    async def publish_many(
        self, collection: str, documents: Sequence[tuple[Any, Sequence[Document]]]
    ) -> None: ...


def classify_all(
    events: Sequence[InteractionReceived | InteractionEdited],
    *,
    knowledge: Mapping[str, AgencyKnowledge],
    models: Models | None,
) -> list[Classification]:
    """Every event's classification, in order: one encoder pass per agency for the batch."""
    by_agency: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        by_agency.setdefault(event.interaction.agency_id, []).append(index)
    results: list[Classification | None] = [None] * len(events)
    for agency_id, indexes in by_agency.items():
        texts = [(events[i].interaction.text, events[i].interaction.language_hint) for i in indexes]
        agency = knowledge.get(agency_id, NO_AGENCY)
        for i, found in zip(
            indexes, classify_texts(texts, models=models, agency=agency), strict=True
        ):
            results[i] = found
    return [r for r in results if r is not None]


async def classify_batch(
    events: Sequence[InteractionReceived | InteractionEdited],
    *,
    store: ClassificationStore,
    outbox: Publisher,
    collection: str,
    knowledge: Mapping[str, AgencyKnowledge],
    models: Models | None,
    now: datetime,
) -> list[InteractionClassified]:
    """Classify, store, publish a batch. A redelivery yields the same event ids and publishes
    only what is still pending, so downstream sees each interaction (and each edit) once.

    The batch is one encoder pass (in a thread: the event loop keeps consuming and serving),
    one database write and one round of pipelined publishes.
    """
    classifications = await asyncio.to_thread(
        classify_all, events, knowledge=knowledge, models=models
    )
    classified = [
        InteractionClassified(
            event_id=derived_event_id(event.event_id, "interaction.classified"),
            occurred_at=now,
            agency_id=event.agency_id,
            interaction_id=event.interaction_id,
            interaction=event.interaction,
            classification=classification,
            edited_at=event.edited_at if isinstance(event, InteractionEdited) else None,
        )
        for event, classification in zip(events, classifications, strict=True)
    ]
    pending = await store.save_many(classified, now=now)
    await outbox.publish_many(
        collection,
        [(str(c.event_id), entries) for c, entries in zip(classified, pending, strict=True)],
    )
    for event, entries in zip(classified, pending, strict=True):
        log.info(
            "interaction_classified",
            extra={
                "agency_id": event.agency_id,
                "interaction_id": str(event.interaction_id),
                "outcome": "published" if entries else "already_published",
            },
        )
    return classified
