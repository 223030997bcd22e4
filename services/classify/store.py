"""Classify's collection: one document per classified interaction, with its pending event."""

from datetime import datetime

from pymongo.errors import DuplicateKeyError

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

    async def save(self, event: InteractionClassified, *, now: datetime) -> list[Document]:
        """Store the result once per classified version; returns the entries still to publish.

        Idempotent: a redelivered interaction returns its still-pending entries (maybe none).
        Only labels are kept here, never the message text.
        """
        c = event.classification
        entries = [
            outbox_entry(
                event,
                topic=Topic.INTERACTIONS_CLASSIFIED,
                key=event.interaction.conversation_key,
                now=now,
            )
        ]
        document = {
            "_id": str(event.event_id),
            "interaction_id": str(event.interaction_id),
            "edited_at": event.edited_at,
            "agency_id": event.agency_id,
            "event_id": str(event.event_id),
            "classified_at": event.occurred_at,
            "labels": {
                name: getattr(c, name).label
                for name in (
                    "language",
                    "topic",
                    "intent",
                    "sentiment",
                    "urgency",
                    "toxicity",
                    "spam",
                    "misinformation",
                )
            },
            "personal_data_types": sorted({f.type for f in c.personal_data}),
            OUTBOX_FIELD: entries,
        }
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            existing = await self.collection.find_one({"_id": document["_id"]}, {OUTBOX_FIELD: 1})
            pending: list[Document] = (existing or {}).get(OUTBOX_FIELD, [])
            return pending
        return entries
