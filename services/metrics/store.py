"""Metrics' collections: ``timelines`` (one per case) and ``stages`` (one per interaction)."""

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel
from pymongo import ASCENDING, ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.metrics.measures import CaseRecord
from services.metrics.ports import Change, fold_in_order
from services.metrics.timeline import Stages, Timeline
from shared.errors import Transient
from shared.mongo import Database, Document

TIMELINES = "timelines"
STAGES = "stages"
MAX_ATTEMPTS = 10
DUPLICATE_KEY = 11000
# Write tokens kept per record: a batch's write still shows as landed after a few later writes.
WRITE_IDS_KEPT = 4
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
    nothing matched) re-reads and folds again, so the fold must be pure. Every write adds its
    token to the record's last few ``write_ids``, so a batch can tell which of its writes landed.
    """

    def __init__(self, collection: AsyncCollection[Document], model: type[M]) -> None:
        self.collection = collection
        self.model = model

    async def update(self, key: str, fold: Callable[[M | None], M], *, now: datetime) -> Change[M]:
        for _ in range(MAX_ATTEMPTS):
            doc = await self.collection.find_one({"_id": key})
            before = self._record(doc)
            after = fold(before)
            if after == before:
                return Change(before=before, after=after)
            new = self._document(key, after, doc, token=uuid4().hex, now=now)
            if doc is None:
                try:
                    await self.collection.insert_one(new)
                except DuplicateKeyError:
                    continue
            else:
                result = await self.collection.replace_one(
                    {"_id": key, "version": doc["version"]}, new
                )
                if result.matched_count == 0:
                    continue
            return Change(before=before, after=after)
        raise WriteConflict(
            f"{self.collection.name} {key}: still changing after {MAX_ATTEMPTS} tries"
        )

    async def update_many(
        self, folds: Sequence[tuple[str, Callable[[M | None], M]]], *, now: datetime
    ) -> list[Change[M]]:
        """Each fold in order, as ``update`` one by one would report it, in one read and at most
        one ``insert_many`` and one ``bulk_write``: each changed record is written once. The
        folds of a record another writer changed meanwhile are redone one by one by ``update``."""
        if not folds:
            return []
        docs = await self._read(list(dict.fromkeys(key for key, _ in folds)))
        stored = {key: self._record(doc) for key, doc in docs.items()}
        changes, latest = fold_in_order(stored, folds)
        changed = {key: r for key, r in latest.items() if r is not None and r != stored.get(key)}
        lost = await self._write(changed, docs, token=uuid4().hex, now=now)
        for index, (key, fold) in enumerate(folds):
            if key in lost:
                changes[index] = await self.update(key, fold, now=now)
        return changes

    async def _read(self, keys: list[str]) -> dict[str, Document]:
        docs = await self.collection.find({"_id": {"$in": keys}}).to_list(None)
        return {doc["_id"]: doc for doc in docs}

    async def _write(
        self, records: Mapping[str, M], docs: Mapping[str, Document], *, token: str, now: datetime
    ) -> set[str]:
        """Insert the new records, replace the others unless changed since ``docs`` were read;
        the keys whose write did not land."""
        new = [self._document(k, r, None, token, now) for k, r in records.items() if k not in docs]
        old = [
            (k, self._document(k, r, docs[k], token, now)) for k, r in records.items() if k in docs
        ]
        lost = await self._insert(new) if new else set()
        if old:
            replaces = [ReplaceOne({"_id": k, "version": docs[k]["version"]}, d) for k, d in old]
            result = await self.collection.bulk_write(replaces, ordered=False)
            if result.matched_count < len(replaces):
                lost |= await self._not_written([k for k, _ in old], token)
        return lost

    async def _insert(self, documents: list[Document]) -> set[str]:
        """``insert_many``; the keys another writer inserted first."""
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if not errors or any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            return {str(documents[e["index"]]["_id"]) for e in errors}
        return set()

    async def _not_written(self, keys: list[str], token: str) -> set[str]:
        docs = await self.collection.find({"_id": {"$in": keys}}, {"write_ids": 1}).to_list(None)
        landed = {doc["_id"] for doc in docs if token in doc.get("write_ids", ())}
        return set(keys) - landed

    def _record(self, doc: Document | None) -> M | None:
        return None if doc is None else self.model.model_validate(doc)

    @staticmethod
    def _document(
        key: str, record: M, previous: Document | None, token: str, now: datetime
    ) -> Document:
        """The record as stored: one version after ``previous``, with this write's token."""
        version = 0 if previous is None else int(previous["version"])
        tokens = [] if previous is None else list(previous.get("write_ids", ()))
        return {
            "_id": key,
            **record.model_dump(),
            "version": version + 1,
            "updated_at": now,
            "write_ids": [*tokens, token][-WRITE_IDS_KEPT:],
        }


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

    async def update_timelines(
        self, folds: Sequence[tuple[UUID, Callable[[Timeline | None], Timeline]]], *, now: datetime
    ) -> list[Change[Timeline]]:
        return await self.timelines.update_many([(str(k), f) for k, f in folds], now=now)

    async def update_stage_records(
        self, folds: Sequence[tuple[UUID, Callable[[Stages | None], Stages]]], *, now: datetime
    ) -> list[Change[Stages]]:
        return await self.stages.update_many([(str(k), f) for k, f in folds], now=now)

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
