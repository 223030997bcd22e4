"""Ingest's collection: one document per interaction, holding its pending event (outbox)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import BulkWriteError

from shared.events import InteractionReceived
from shared.mongo import Database, Document
from shared.outbox import OUTBOX_FIELD, outbox_entry
from shared.topics import Topic

INTERACTIONS = "interactions"


@dataclass(frozen=True)
class Stored:
    """Outcome of storing one interaction; ``pending`` are outbox entries still to publish."""

    interaction_id: str
    duplicate: bool
    pending: list[Document]


class MongoInteractionStore:
    def __init__(self, db: Database) -> None:
        self.collection = db[INTERACTIONS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("received_at", ASCENDING)])

    async def store(self, events: Sequence[InteractionReceived], *, now: datetime) -> list[Stored]:
        """Insert new interactions with their pending event; a duplicate is not stored twice.

        Idempotent: the ``_id`` is the deterministic interaction id.
        """
        docs = [self._document(event, now) for event in events]
        duplicates: set[str] = set()
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as error:
            for item in error.details.get("writeErrors", []):
                if item.get("code") != 11000:
                    raise
                duplicates.add(docs[item["index"]]["_id"])
        pending_of_duplicates = await self._pending(duplicates) if duplicates else {}
        return [
            Stored(
                interaction_id=doc["_id"],
                duplicate=doc["_id"] in duplicates,
                pending=(
                    pending_of_duplicates.get(doc["_id"], [])
                    if doc["_id"] in duplicates
                    else doc[OUTBOX_FIELD]
                ),
            )
            for doc in docs
        ]

    async def _pending(self, ids: set[str]) -> dict[str, list[Document]]:
        cursor = self.collection.find({"_id": {"$in": sorted(ids)}}, {OUTBOX_FIELD: 1})
        return {d["_id"]: d.get(OUTBOX_FIELD, []) for d in await cursor.to_list(None)}

    @staticmethod
    def _document(event: InteractionReceived, now: datetime) -> dict[str, Any]:
        interaction = event.interaction
        return {
            "_id": str(interaction.interaction_id),
            "agency_id": interaction.agency_id,
            "connection_id": interaction.connection_id,
            "channel": str(interaction.channel),
            "message_id": interaction.message_id,
            "received_at": interaction.received_at,
            "event_id": str(event.event_id),
            OUTBOX_FIELD: [
                outbox_entry(
                    event,
                    topic=Topic.INTERACTIONS_RECEIVED,
                    key=interaction.conversation_key,
                    now=now,
                )
            ],
        }
