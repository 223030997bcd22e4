"""Transactional outbox: events are stored with the state change, then published.

A service writes each pending event into the ``_outbox`` array of the very document whose state
it changes (one atomic write), then calls ``Outbox.publish`` at once. Published events leave the
document for the ``outbox_published`` log (batched, in the background). A sweep publishes what a
crash left behind. Because the embedded broker keeps its log in memory, the relay also watches
the broker's identity (cluster id, and partition end offsets falling below those it reported):
on a new broker it re-publishes every event published since the previous broker started.
Consumers are idempotent, so repeats are harmless; on Apache Kafka the replay never triggers.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.errors import BulkWriteError

from shared.events import Event
from shared.mongo import Database, Document
from shared.topics import Topic

log = logging.getLogger(__name__)

PUBLISHED = "outbox_published"
BROKER_STATE = "outbox_broker"
OUTBOX_FIELD = "_outbox"
# How stale the broker identity may be when publishing (one cheap metadata request at most
# this often): less than a consumer group takes to rejoin a restarted broker.
RECHECK_S = 1.0
# Marks (log insert, then ``$pull``) go out at most this often: each write costs the embedded
# database a few milliseconds whatever its size, so a mark of many documents is far cheaper
# per document (bench/README.md). Published and unmarked entries are never swept again here.
MARK_INTERVAL_S = 0.5


@dataclass(frozen=True)
class BrokerIdentity:
    """Who the relay is talking to: a new cluster id or shrunk offsets mean a new broker."""

    cluster_id: str
    end_offsets: dict[str, int]  # "topic:partition" -> next offset


# Publishes (topic, key, value) and returns "topic:partition" and the record's offset.
Publish = Callable[[str, bytes, bytes], Awaitable[tuple[str, int]]]


def outbox_entry(event: Event, *, topic: Topic, key: str, now: datetime) -> Document:
    """The sub-document to store in ``_outbox`` alongside the state change."""
    return {
        "event_id": str(event.event_id),
        "topic": str(topic),
        "key": key,
        "value": event.model_dump_json(),
        "created_at": now,
    }


class Outbox:
    """Publishes outbox entries of a service's collections and keeps the published log."""

    def __init__(
        self,
        db: Database,
        *,
        collections: Sequence[str],
        publish: Publish,
        identify: Callable[[], Awaitable[BrokerIdentity]],
        prepare: Callable[[], Awaitable[object]] | None = None,
        clock: Callable[[], datetime],
        retention: timedelta = timedelta(days=7),
        sweep_interval_s: float = 2.0,
        mark_interval_s: float = MARK_INTERVAL_S,
    ) -> None:
        self.db = db
        self.collections = tuple(collections)
        self._publish = publish
        self._identify = identify
        self._prepare = prepare
        self._clock = clock
        self.retention = retention
        self.sweep_interval_s = sweep_interval_s
        self.mark_interval_s = mark_interval_s
        self._done: list[tuple[str, Any, Document]] = []
        self._unmarked: set[str] = set()  # published, not yet marked: the sweep leaves them
        self._done_event = asyncio.Event()
        # End offsets the broker reported, per slot: a log that shrinks below them is new. Not
        # the offsets of published records: tansu reports the end of a partition as the base
        # offset of its last record batch plus one, behind records it has acknowledged.
        self._seen_ends: dict[str, int] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._skip_until = 0.0
        self._suspect = True  # until the broker's identity is checked once
        self._checked_at = 0.0  # monotonic time of the last successful check
        self._checking = asyncio.Lock()

    async def ensure_indexes(self) -> None:
        for name in self.collections:
            await self.db[name].create_index(
                [(f"{OUTBOX_FIELD}.created_at", ASCENDING)], sparse=True
            )
        published = self.db[PUBLISHED]
        await published.create_index([("published_at", ASCENDING)])
        await published.create_index(
            [("expires_at", ASCENDING)], expireAfterSeconds=0, name="retention"
        )

    async def publish(self, collection: str, doc_id: Any, entries: Sequence[Document]) -> None:
        """Publish entries now (in order); marking them published happens in the background.

        After any broker failure the relay first checks whom it is talking to: a new broker
        gets its replay *before* anything new, so nothing new is replayed twice.
        """
        await self.publish_many(collection, [(doc_id, entries)])

    async def publish_many(
        self, collection: str, documents: Sequence[tuple[Any, Sequence[Document]]]
    ) -> None:
        """``publish`` for many documents at once: entries of one key go out one after the
        other, in order; different keys in parallel, so their acknowledgements overlap."""
        if self._must_check():
            async with self._checking:
                if self._must_check():
                    await self.check_broker()
        by_key: dict[str, list[tuple[Any, Document]]] = {}
        for doc_id, entries in documents:
            for entry in entries:
                by_key.setdefault(entry["key"], []).append((doc_id, entry))
        try:
            await asyncio.gather(*(self._publish_in_order(collection, q) for q in by_key.values()))
        finally:
            self._done_event.set()
        self._skip_until = 0.0

    async def _publish_in_order(self, collection: str, queue: list[tuple[Any, Document]]) -> None:
        for doc_id, entry in queue:
            try:
                await self._publish(entry["topic"], entry["key"].encode(), entry["value"].encode())
            except Exception:
                self._suspect = True
                raise
            self._done.append((collection, doc_id, entry))
            self._unmarked.add(entry["event_id"])

    async def publish_soon(
        self, collection: str, doc_id: Any, entries: Sequence[Document], *, timeout_s: float = 2.0
    ) -> bool:
        """Publish now if the broker answers in time; otherwise the relay's sweep will.

        After a failure, callers skip the attempt for ``timeout_s`` instead of each waiting it
        out: with Kafka down, webhooks keep being answered at once (their events wait, stored).
        """
        if time.monotonic() < self._skip_until:
            return False
        try:
            await asyncio.wait_for(self.publish(collection, doc_id, entries), timeout=timeout_s)
        except Exception as error:
            self._skip_until = time.monotonic() + timeout_s
            log.warning("outbox_publish_deferred", extra={"error": type(error).__name__})
            return False
        return True

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._mark_loop(), name="outbox-mark"),
            asyncio.create_task(self._watch_loop(), name="outbox-watch"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._mark_published()

    async def _mark_loop(self) -> None:
        while True:
            await self._done_event.wait()
            self._done_event.clear()
            try:
                await self._mark_published()
            except Exception:
                log.exception("outbox_mark_failed")
                await asyncio.sleep(1.0)
            await asyncio.sleep(self.mark_interval_s)  # group the marks of many publishes

    async def _mark_published(self) -> None:
        done, self._done = self._done, []
        if not done:
            return
        now = self._clock()
        log_docs = [
            {
                "_id": entry["event_id"],
                "topic": entry["topic"],
                "key": entry["key"],
                "value": entry["value"],
                "created_at": entry["created_at"],
                "published_at": now,
                "expires_at": now + self.retention,
            }
            for _, _, entry in done
        ]
        try:
            await self.db[PUBLISHED].insert_many(log_docs, ordered=False)
        except BulkWriteError as error:
            if any(e.get("code") != 11000 for e in error.details.get("writeErrors", [])):
                self._done.extend(done)
                raise
        # One UpdateOne per document by _id: an update_many over ``{"_id": {"$in": ...}}``
        # measured twice as slow on the embedded database (bench/ingest_webhooks.py).
        by_collection: dict[str, list[UpdateOne]] = {}
        for collection, doc_id, entry in done:
            by_collection.setdefault(collection, []).append(
                UpdateOne(
                    {"_id": doc_id},
                    {"$pull": {OUTBOX_FIELD: {"event_id": entry["event_id"]}}},
                )
            )
        for collection, updates in by_collection.items():
            await self.db[collection].bulk_write(updates, ordered=False)
        self._unmarked.difference_update(entry["event_id"] for _, _, entry in done)

    async def _watch_loop(self) -> None:
        while True:
            try:
                async with self._checking:
                    await self.check_broker()
                await self.sweep()
            except Exception as error:
                self._suspect = True
                log.warning("outbox_relay_waiting", extra={"error": type(error).__name__})
            await asyncio.sleep(self.sweep_interval_s)

    async def sweep(self, *, older_than: timedelta = timedelta(seconds=3)) -> int:
        """Publish entries a crash (or a down broker) left behind; returns how many."""
        cutoff = self._clock() - older_than
        count = 0
        for collection in self.collections:
            cursor = self.db[collection].find(
                {f"{OUTBOX_FIELD}.created_at": {"$lte": cutoff}},
                {OUTBOX_FIELD: 1},
                sort=[(f"{OUTBOX_FIELD}.created_at", ASCENDING)],
                limit=1000,
            )
            for doc in await cursor.to_list(None):
                entries = sorted(
                    (e for e in doc.get(OUTBOX_FIELD, []) if e["event_id"] not in self._unmarked),
                    key=lambda e: e["created_at"],
                )
                if entries:
                    await self.publish(collection, doc["_id"], entries)
                    count += len(entries)
        if count:
            log.info("outbox_swept", extra={"count": count})
        return count

    async def check_broker(self) -> None:
        """Replay everything since the previous broker started if this one is new."""
        try:
            await self._check_broker()
        except Exception:
            self._suspect = True
            raise
        self._suspect = False
        self._checked_at = time.monotonic()

    def _must_check(self) -> bool:
        """After a failure, or when the last check is older than ``RECHECK_S``: a broker can be
        replaced between two checks without this process seeing any error."""
        return self._suspect or time.monotonic() - self._checked_at > RECHECK_S

    async def _check_broker(self) -> None:
        identity = await self._identify()
        state = await self.db[BROKER_STATE].find_one({"_id": "broker"})
        now = self._clock()
        if state is None:
            await self._remember_broker(identity, since=now)
            self._note_ends(identity)
            return
        shrunk = [
            slot
            for slot, seen in self._seen_ends.items()
            if identity.end_offsets.get(slot, 0) < seen
        ]
        if state["cluster_id"] == identity.cluster_id and not shrunk:
            self._note_ends(identity)
            return
        previous_start: datetime = state["since"]
        log.warning("outbox_new_broker_detected", extra={"count": len(shrunk)})
        self._seen_ends.clear()
        if self._prepare is not None:
            await self._prepare()
        replayed = await self.replay(since=previous_start)
        await self._remember_broker(identity, since=now)
        log.warning("outbox_replayed", extra={"count": replayed})

    def _note_ends(self, identity: BrokerIdentity) -> None:
        for slot, end in identity.end_offsets.items():
            self._seen_ends[slot] = max(self._seen_ends.get(slot, 0), end)

    async def _remember_broker(self, identity: BrokerIdentity, *, since: datetime) -> None:
        await self.db[BROKER_STATE].update_one(
            {"_id": "broker"},
            {"$set": {"cluster_id": identity.cluster_id, "since": since}},
            upsert=True,
        )

    async def replay(self, *, since: datetime) -> int:
        """Re-publish, in creation order, every event published since ``since``."""
        cursor = self.db[PUBLISHED].find(
            {"published_at": {"$gte": since}}, sort=[("created_at", ASCENDING)]
        )
        count = 0
        async for doc in cursor:
            await self._publish(doc["topic"], doc["key"].encode(), doc["value"].encode())
            count += 1
        return count
