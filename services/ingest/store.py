"""Ingest's collections: one document per fact (interaction, delivery status), each holding
its pending event (outbox), and the quarantine of payloads that could not be parsed."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError

from services.ingest.channels.base import Deletion
from shared.batching import GroupCommitter
from shared.events import DeliveryStatusReported, InteractionEdited, InteractionReceived
from shared.ids import AGORA_NS
from shared.mongo import Database, Document
from shared.outbox import OUTBOX_FIELD, outbox_entry
from shared.topics import Topic

INTERACTIONS = "interactions"
STATUSES = "statuses"
QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Stored:
    """Outcome of storing one fact; ``pending`` are outbox entries still to publish."""

    collection: str
    doc_id: str
    duplicate: bool
    pending: list[Document]


def _interaction_doc(event: InteractionReceived | InteractionEdited, now: datetime) -> Document:
    interaction = event.interaction
    return {
        "_id": str(interaction.interaction_id),
        "agency_id": interaction.agency_id,
        "connection_id": interaction.connection_id,
        "channel": str(interaction.channel),
        "message_id": interaction.message_id,
        "received_at": interaction.received_at,
        "event_ids": [str(event.event_id)],
        OUTBOX_FIELD: [
            outbox_entry(
                event, topic=Topic.INTERACTIONS_RECEIVED, key=interaction.conversation_key, now=now
            )
        ],
    }


def _status_doc(event: DeliveryStatusReported, now: datetime) -> Document:
    return {
        "_id": str(event.event_id),
        "agency_id": event.agency_id,
        "channel": str(event.channel),
        "platform_message_id": event.platform_message_id,
        "status": event.status,
        "reported_at": event.reported_at,
        OUTBOX_FIELD: [
            outbox_entry(
                event,
                topic=Topic.DELIVERY_STATUSES,
                key=f"{event.agency_id}:{event.channel}:{event.platform_message_id}",
                now=now,
            )
        ],
    }


class MongoIngestStore:
    """Every write is keyed by a deterministic id: a platform retry stores nothing new."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Concurrent webhooks share one insert_many (group commit).
        self._new_interactions: GroupCommitter[Document, Stored] = GroupCommitter(
            lambda docs: self._insert_new(INTERACTIONS, docs)
        )

    async def ensure_indexes(self) -> None:
        await self.db[INTERACTIONS].create_index([("received_at", ASCENDING)])
        await self.db[STATUSES].create_index([("platform_message_id", ASCENDING)])
        await self.db[QUARANTINE].create_index([("received_at", DESCENDING)])

    async def store_interactions(
        self, events: Sequence[InteractionReceived], *, now: datetime
    ) -> list[Stored]:
        return await self._new_interactions.submit([_interaction_doc(e, now) for e in events])

    async def store_statuses(
        self, events: Sequence[DeliveryStatusReported], *, now: datetime
    ) -> list[Stored]:
        return await self._insert_new(STATUSES, [_status_doc(e, now) for e in events])

    async def store_edit(self, event: InteractionEdited, *, now: datetime) -> Stored:
        """Queue the edit once; an edit of a message never received stores it as new."""
        doc = _interaction_doc(event, now)
        event_id = doc["event_ids"][0]
        result = await self.db[INTERACTIONS].update_one(
            {"_id": doc["_id"], "event_ids": {"$ne": event_id}},
            {
                "$push": {OUTBOX_FIELD: doc[OUTBOX_FIELD][0], "event_ids": event_id},
                "$set": {"edited_at": event.edited_at},
            },
        )
        if result.matched_count:
            return Stored(INTERACTIONS, doc["_id"], False, doc[OUTBOX_FIELD])
        [stored] = await self._insert_new(INTERACTIONS, [doc])
        return stored

    async def record_deletions(self, deletions: Sequence[Deletion], ids: Sequence[str]) -> None:
        for deletion, doc_id in zip(deletions, ids, strict=True):
            await self.db[INTERACTIONS].update_one(
                {"_id": doc_id}, {"$set": {"deleted_at": deletion.deleted_at}}
            )

    async def _insert_new(self, collection: str, docs: list[Document]) -> list[Stored]:
        """Insert all in one round trip; duplicates return their still-pending entries."""
        if not docs:
            return []
        duplicates: set[str] = set()
        try:
            await self.db[collection].insert_many(docs, ordered=False)
        except BulkWriteError as error:
            for item in error.details.get("writeErrors", []):
                if item.get("code") != 11000:
                    raise
                duplicates.add(docs[item["index"]]["_id"])
        pending = await self._pending(collection, duplicates) if duplicates else {}
        return [
            Stored(
                collection,
                doc["_id"],
                doc["_id"] in duplicates,
                pending.get(doc["_id"], []) if doc["_id"] in duplicates else doc[OUTBOX_FIELD],
            )
            for doc in docs
        ]

    async def _pending(self, collection: str, ids: set[str]) -> dict[str, list[Document]]:
        cursor = self.db[collection].find({"_id": {"$in": sorted(ids)}}, {OUTBOX_FIELD: 1})
        return {d["_id"]: d.get(OUTBOX_FIELD, []) for d in await cursor.to_list(None)}

    # -- quarantine --------------------------------------------------------------------------
    async def quarantine(self, entry: Document) -> str:
        """Keep a verified but unparseable payload; the same body twice is kept once."""
        digest = hashlib.sha256(entry["body"]).hexdigest()
        entry_id = str(uuid5(AGORA_NS, f"quarantine:{entry['connection_id']}:{digest}"))
        await self.db[QUARANTINE].update_one(
            {"_id": entry_id}, {"$setOnInsert": {**entry, "_id": entry_id}}, upsert=True
        )
        return entry_id

    async def quarantined(
        self, *, connection_id: str | None, limit: int, include_replayed: bool
    ) -> list[Document]:
        query: dict[str, Any] = {}
        if connection_id:
            query["connection_id"] = connection_id
        if not include_replayed:
            query["replayed_at"] = None
        cursor = self.db[QUARANTINE].find(query, sort=[("received_at", DESCENDING)], limit=limit)
        return await cursor.to_list(None)

    async def quarantine_entry(self, entry_id: str) -> Document | None:
        return await self.db[QUARANTINE].find_one({"_id": entry_id})

    async def record_failed_replay(self, entry_id: str, *, at: datetime, error: str) -> None:
        """The entry stays listed, with the error of its latest attempt."""
        await self.db[QUARANTINE].update_one(
            {"_id": entry_id},
            {"$set": {"error": error, "last_replay_at": at, "replay_outcome": "failed"}},
        )

    async def mark_replayed(self, entry_id: str, *, at: datetime, outcome: str) -> None:
        await self.db[QUARANTINE].update_one(
            {"_id": entry_id}, {"$set": {"replayed_at": at, "replay_outcome": outcome}}
        )


def status_event_id(agency_id: str, channel: str, message_id: str, status: str) -> UUID:
    """One id per (message, status): a repeated callback is recognised."""
    return uuid5(AGORA_NS, f"status:{agency_id}:{channel}:{message_id}:{status}")
