"""Metrics' collections: ``timelines`` (one per case) and ``stages`` (one per interaction)."""

from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.metrics.ports import Change
from services.metrics.reports import CaseSample
from services.metrics.timeline import Stages, Timeline
from shared.errors import Transient
from shared.mongo import Database, Document

TIMELINES = "timelines"
STAGES = "stages"
MAX_ATTEMPTS = 10

M = TypeVar("M", bound=BaseModel)


class WriteConflict(Transient):
    """Other writers kept changing the same record: not expected within one consumer group."""


class _VersionedRecords(Generic[M]):
    """Read-modify-write of one document per key with an optimistic ``version`` field.

    ``insert_one`` for a new key, else ``replace_one`` filtered on ``_id`` and version; never
    ``find_one_and_update`` (a full collection scan on SecantusDB). A lost race (duplicate key,
    nothing matched) re-reads and folds again, so the fold must be pure.
    """

    def __init__(self, collection: AsyncCollection[Document], model: type[M]) -> None:
        self.collection = collection
        self.model = model

    async def update(self, key: str, fold: Callable[[M | None], M], *, now: datetime) -> Change[M]:
        for _ in range(MAX_ATTEMPTS):
            doc = await self.collection.find_one({"_id": key})
            before = None if doc is None else self.model.model_validate(doc)
            after = fold(before)
            if after == before:
                return Change(before=before, after=after)
            version = 0 if doc is None else int(doc["version"])
            new = {"_id": key, **after.model_dump(), "version": version + 1, "updated_at": now}
            if doc is None:
                try:
                    await self.collection.insert_one(new)
                except DuplicateKeyError:
                    continue
            else:
                result = await self.collection.replace_one({"_id": key, "version": version}, new)
                if result.matched_count == 0:
                    continue
            return Change(before=before, after=after)
        raise WriteConflict(
            f"{self.collection.name} {key}: still changing after {MAX_ATTEMPTS} tries"
        )


class MongoTimelineStore:
    def __init__(self, db: Database) -> None:
        self.timelines = _VersionedRecords(db[TIMELINES], Timeline)
        self.stages = _VersionedRecords(db[STAGES], Stages)

    async def ensure_indexes(self) -> None:
        """The response-time report selects cases by first arrival, for one agency or all."""
        collection = self.timelines.collection
        await collection.create_index([("first_received_at", ASCENDING)])
        await collection.create_index([("agency_id", ASCENDING), ("first_received_at", ASCENDING)])

    async def update_timeline(
        self, case_id: UUID, fold: Callable[[Timeline | None], Timeline], *, now: datetime
    ) -> Change[Timeline]:
        return await self.timelines.update(str(case_id), fold, now=now)

    async def update_stages(
        self, interaction_id: UUID, fold: Callable[[Stages | None], Stages], *, now: datetime
    ) -> Change[Stages]:
        return await self.stages.update(str(interaction_id), fold, now=now)

    async def response_time_samples(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseSample]:
        query: Document = {"first_received_at": {"$gte": start, "$lt": end}}
        if agency_id is not None:
            query["agency_id"] = agency_id
        projection = {"team": 1, "channel": 1, "priority": 1, "time_to_first_response_s": 1}
        cursor = self.timelines.collection.find(query, projection)
        return [
            CaseSample(
                team=doc.get("team"),
                channel=doc["channel"],
                priority=doc.get("priority"),
                first_response_s=doc.get("time_to_first_response_s"),
            )
            for doc in await cursor.to_list(None)
        ]
