"""In-memory ports of the ingest use cases."""

from datetime import datetime

from services.ingest.channels.base import Deletion
from services.ingest.store import INTERACTIONS, STATUSES, Stored
from shared.events import DeliveryStatusReported, InteractionEdited, InteractionReceived
from shared.mongo import Document
from shared.outbox import outbox_entry
from shared.topics import Topic


class FakeIngestStore:
    def __init__(self) -> None:
        self.interactions: dict[str, list[Document]] = {}
        self.statuses: dict[str, list[Document]] = {}
        self.edits: dict[str, list[str]] = {}
        self.deleted: list[str] = []
        self.quarantine_entries: dict[str, Document] = {}

    async def store_interactions(
        self, events: list[InteractionReceived], *, now: datetime
    ) -> list[Stored]:
        out = []
        for event in events:
            key = str(event.interaction_id)
            duplicate = key in self.interactions
            if not duplicate:
                self.interactions[key] = [
                    outbox_entry(
                        event,
                        topic=Topic.INTERACTIONS_RECEIVED,
                        key=event.interaction.conversation_key,
                        now=now,
                    )
                ]
            out.append(Stored(INTERACTIONS, key, duplicate, self.interactions[key]))
        return out

    async def store_statuses(
        self, events: list[DeliveryStatusReported], *, now: datetime
    ) -> list[Stored]:
        out = []
        for event in events:
            key = str(event.event_id)
            duplicate = key in self.statuses
            if not duplicate:
                self.statuses[key] = [
                    outbox_entry(event, topic=Topic.DELIVERY_STATUSES, key="k", now=now)
                ]
            out.append(Stored(STATUSES, key, duplicate, self.statuses[key]))
        return out

    async def store_edit(self, event: InteractionEdited, *, now: datetime) -> Stored:
        key = str(event.interaction_id)
        applied = self.edits.setdefault(key, [])
        if str(event.event_id) in applied:
            return Stored(INTERACTIONS, key, True, [])
        applied.append(str(event.event_id))
        entry = outbox_entry(
            event,
            topic=Topic.INTERACTIONS_RECEIVED,
            key=event.interaction.conversation_key,
            now=now,
        )
        self.interactions.setdefault(key, []).append(entry)
        return Stored(INTERACTIONS, key, False, [entry])

    async def record_deletions(self, deletions: list[Deletion], ids: list[str]) -> None:
        self.deleted += ids

    async def quarantine(self, entry: Document) -> str:
        entry_id = f"q{len(self.quarantine_entries) + 1}"
        self.quarantine_entries[entry_id] = entry
        return entry_id


class FakeOutbox:
    def __init__(self, *, up: bool = True) -> None:
        self.up = up
        self.published: list[Document] = []

    async def publish_soon(
        self, collection: str, doc_id: object, entries: list[Document], *, timeout_s: float
    ) -> bool:
        if not self.up:
            return False
        self.published.extend(entries)
        return True
