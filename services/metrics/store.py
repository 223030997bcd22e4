"""Metrics' collections: ``timelines`` (one per case) and ``stages`` (one per interaction)."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.metrics.measures import CaseRecord
from services.metrics.ports import Change
from services.metrics.timeline import Stages, Timeline
from shared.errors import Transient
from shared.mongo import Database, Document

TIMELINES = "timelines"
STAGES = "stages"
MAX_ATTEMPTS = 10
# What ``CaseRecord.of`` reads of a timeline: not its arrivals nor its applied event ids.
RECORD_FIELDS = (
    "case_id", "agency_id", "facts", "facts_stamp", "first_received_at", "routed_at", "route",
    "first_response_at", "resolved_at", "reopened_at", "reopened",
)  # fmt: skip

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
        """Reports select cases by first arrival, for one agency or all; the roll-up refresh
        reads what changed since its last run; the purge deletes by age."""
        timelines, stages = self.timelines.collection, self.stages.collection
        await timelines.create_index([("first_received_at", ASCENDING)])
        await timelines.create_index([("agency_id", ASCENDING), ("first_received_at", ASCENDING)])
        await timelines.create_index([("updated_at", ASCENDING)])
        await stages.create_index([("updated_at", ASCENDING)])

    async def update_timeline(
        self, case_id: UUID, fold: Callable[[Timeline | None], Timeline], *, now: datetime
    ) -> Change[Timeline]:
        return await self.timelines.update(str(case_id), fold, now=now)

    async def update_stages(
        self, interaction_id: UUID, fold: Callable[[Stages | None], Stages], *, now: datetime
    ) -> Change[Stages]:
        return await self.stages.update(str(interaction_id), fold, now=now)

    async def case_records(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseRecord]:
        query: Document = {"first_received_at": {"$gte": start, "$lt": end}}
        if agency_id is not None:
            query["agency_id"] = agency_id
        cursor = self.timelines.collection.find(query, dict.fromkeys(RECORD_FIELDS, 1))
        return [CaseRecord.of(Timeline.model_validate(doc)) for doc in await cursor.to_list(None)]

    async def changed_timelines(
        self, *, since: datetime | None, batch_size: int
    ) -> AsyncIterator[list[Timeline]]:
        query: Document = {} if since is None else {"updated_at": {"$gte": since}}
        batch: list[Timeline] = []
        async for doc in self.timelines.collection.find(query, batch_size=batch_size):
            batch.append(Timeline.model_validate(doc))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    async def purge(self, *, before: datetime) -> int:
        timelines, stages = self.timelines.collection, self.stages.collection
        results = [
            await timelines.delete_many({"first_received_at": {"$lt": before}}),
            await timelines.delete_many({"first_received_at": None, "updated_at": {"$lt": before}}),
            await stages.delete_many({"updated_at": {"$lt": before}}),
        ]
        return sum(result.deleted_count for result in results)
