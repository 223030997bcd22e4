"""Classify's collection: one document per classified interaction, with its pending event."""

from collections.abc import Sequence
from datetime import datetime

from pymongo.errors import BulkWriteError

from shared.events import InteractionClassified
from shared.mongo import Database, Document
from shared.outbox import OUTBOX_FIELD, outbox_entry
from shared.topics import Topic

CLASSIFICATIONS = "classifications"


class MongoClassificationStore:
    def __init__(self, db: Database) -> None:
        self.collection = db[CLASSIFICATIONS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("interaction_id")

    async def save_many(
        self, events: Sequence[InteractionClassified], *, now: datetime
    ) -> list[list[Document]]:
        """Store each result once per classified version, all in one write; returns, per event,
        the entries still to publish.

        Idempotent: a redelivered interaction returns its still-pending entries (maybe none).
        Only labels are kept here, never the message text.
        """
        documents = [_document(event, now) for event in events]
        if not documents:
            return []
        duplicates: set[str] = set()
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            for item in error.details.get("writeErrors", []):
                if item.get("code") != 11000:
                    raise
                duplicates.add(documents[item["index"]]["_id"])
        pending: dict[str, list[Document]] = {}
        if duplicates:
            cursor = self.collection.find({"_id": {"$in": sorted(duplicates)}}, {OUTBOX_FIELD: 1})
            pending = {d["_id"]: d.get(OUTBOX_FIELD, []) for d in await cursor.to_list(None)}
        return [
            pending.get(d["_id"], []) if d["_id"] in duplicates else d[OUTBOX_FIELD]
            for d in documents
        ]


def _document(event: InteractionClassified, now: datetime) -> Document:
    c = event.classification
    entries = [
        outbox_entry(
            event,
            topic=Topic.INTERACTIONS_CLASSIFIED,
            key=event.interaction.conversation_key,
            now=now,
        )
    ]
    return {
        "_id": str(event.event_id),
        "interaction_id": str(event.interaction_id),
        "edited_at": event.edited_at,
        "agency_id": event.agency_id,
        "event_id": str(event.event_id),
        "classified_at": event.occurred_at,
        "labels": c.labels(),
        "personal_data_types": sorted({f.type for f in c.personal_data}),
        OUTBOX_FIELD: entries,
    }
