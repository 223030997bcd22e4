"""Respond's collections: ``cases`` (with their pending events), ``sent_messages``, the
append-only ``audit`` log and hashed API ``tokens``."""

import hashlib
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import bson
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.respond.domain.access import User
from services.respond.domain.cases import Case, InboundEntry
from services.respond.domain.escalation import next_check
from services.respond.ports import (
    CASES,
    AuditEntry,
    AuditQuery,
    CaseChange,
    CaseQuery,
    NewCase,
    SentMessage,
    StoredCase,
)
from shared.mongo import Database, Document
from shared.outbox import OUTBOX_FIELD

TOKENS = "tokens"
SENT_MESSAGES = "sent_messages"
AUDIT = "audit"

# MongoDB sorts a missing due time first; this field sorts it last.
DUE_ORDER = "due_order"
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)
ESCALATION_RANK = "escalation_rank"
NEXT_CHECK = "next_check_at"
ACTIVE = "active"
DELIVERIES = "deliveries"
DELIVERY_VERSION = "delivery_version"
_RANKS = {"none": 0, "at_risk": 1, "breached": 2}

# Fields an append leaves to its own operators; deliveries are only written by delivery.
_APPENDED = frozenset({"_id", "thread", "interaction_ids", "version", DELIVERIES})
_SAVED_APART = frozenset({"_id", DELIVERIES})
DUPLICATE_KEY = 11000


def _bson(value: Any) -> Any:
    """Plain BSON values: ids and enums as strings, tuples as arrays; datetimes stay dates."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _bson(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_bson(v) for v in value]
    return value


def to_document(case: Case) -> Document:
    doc: Document = _bson(case.model_dump())
    doc["_id"] = doc.pop("case_id")
    doc[DUE_ORDER] = case.first_response_due or NO_DUE
    doc[ESCALATION_RANK] = _RANKS[case.escalation]
    doc[NEXT_CHECK] = next_check(case)
    doc[ACTIVE] = case.is_active
    return doc


def from_document(doc: Document) -> StoredCase:
    case = Case.model_validate({**doc, "case_id": doc["_id"]})
    return StoredCase(
        case=case,
        pending=list(doc.get(OUTBOX_FIELD, [])),
        delivery_version=doc.get(DELIVERY_VERSION, 0),
    )


def _new_document(case: Case, outbox: Sequence[Document]) -> Document:
    return {**to_document(case), OUTBOX_FIELD: list(outbox), DELIVERY_VERSION: 0}


def _saved_fields(case: Case) -> Document:
    """What a save sets: the whole case but the fields written apart."""
    return {k: v for k, v in to_document(case).items() if k not in _SAVED_APART}


def _saving(
    case: Case, *, seen_version: int, outbox: Sequence[Document]
) -> tuple[Document, Document]:
    """The filter and update of a save: optimistic on the version, events pushed."""
    update: Document = {"$set": _saved_fields(case)}
    if outbox:
        update["$push"] = {OUTBOX_FIELD: {"$each": list(outbox)}}
    return {"_id": str(case.case_id), "version": seen_version}, update


class MongoCaseRepository:
    """One document per case; every change is a single-document write with its events."""

    def __init__(self, db: Database) -> None:
        self.collection = db[CASES]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("conversation_key", ASCENDING), ("generation", ASCENDING)], unique=True
        )
        await self.collection.create_index([("interaction_ids", ASCENDING)])
        # The queue: a team's cases, escalated first, then most urgent.
        await self.collection.create_index(
            [
                ("team", ASCENDING),
                ("status", ASCENDING),
                (ESCALATION_RANK, DESCENDING),
                (DUE_ORDER, ASCENDING),
                ("opened_at", ASCENDING),
            ]
        )
        await self.collection.create_index(
            [("agency_id", ASCENDING), ("assignee", ASCENDING), (ACTIVE, ASCENDING)]
        )
        await self.collection.create_index([(NEXT_CHECK, ASCENDING)])
        # ``GET /cases?conversation_id=``: the case of a conversation, without a collection scan.
        await self.collection.create_index([("conversation_id", ASCENDING)])

    async def get(self, *, case_id: UUID) -> StoredCase | None:
        doc = await self.collection.find_one({"_id": str(case_id)})
        return from_document(doc) if doc is not None else None

    async def find_by_interaction(self, *, interaction_id: UUID) -> StoredCase | None:
        doc = await self.collection.find_one({"interaction_ids": str(interaction_id)})
        return from_document(doc) if doc is not None else None

    async def latest(self, *, conversation_key: str) -> StoredCase | None:
        cursor = self.collection.find(
            {"conversation_key": conversation_key},
            sort=[("generation", DESCENDING)],
            limit=1,
        )
        docs = await cursor.to_list(None)
        return from_document(docs[0]) if docs else None

    async def find_by_interactions(self, *, interaction_ids: Sequence[UUID]) -> list[StoredCase]:
        """One ``find`` with ``$in`` over the indexed interaction ids."""
        cursor = self.collection.find(
            {"interaction_ids": {"$in": [str(i) for i in interaction_ids]}}
        )
        return [from_document(d) for d in await cursor.to_list(None)]

    async def latest_of(self, *, conversation_keys: Sequence[str]) -> dict[str, StoredCase]:
        """One ``find`` of the conversations' cases, every generation (a handful each)."""
        cursor = self.collection.find(
            {"conversation_key": {"$in": list(conversation_keys)}},
            sort=[("generation", ASCENDING)],
        )
        return {d["conversation_key"]: from_document(d) for d in await cursor.to_list(None)}

    async def insert(self, case: Case, *, outbox: Sequence[Document]) -> bool:
        """One ``insert_one`` of the case and its pending events; False if it exists."""
        try:
            await self.collection.insert_one(_new_document(case, outbox))
        except DuplicateKeyError:
            return False
        return True

    async def insert_many(self, new: Sequence[NewCase]) -> list[bool]:
        """One unordered ``insert_many``: a case whose id or generation exists is refused, the
        others are stored."""
        if not new:
            return []
        try:
            await self.collection.insert_many(
                [_new_document(n.case, n.outbox) for n in new], ordered=False
            )
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            refused = {e["index"] for e in errors}
            return [i not in refused for i in range(len(new))]
        return [True] * len(new)

    async def append(self, case: Case, *, seen_version: int, outbox: Sequence[Document]) -> bool:
        """One ``update_one``: push the new thread entry and events, bump the version.

        Optimistic: False when the stored case is no longer at ``seen_version``.
        """
        if case.version != seen_version + 1:
            raise ValueError("an append adds exactly one version")
        doc = to_document(case)
        entry = case.thread[-1]
        pushed: Document = {
            "thread": doc["thread"][-1],
            OUTBOX_FIELD: {"$each": list(outbox)},
        }
        if isinstance(entry, InboundEntry):
            pushed["interaction_ids"] = str(entry.interaction_id)
        result = await self.collection.update_one(
            {"_id": doc["_id"], "version": seen_version},
            {
                "$set": {k: v for k, v in doc.items() if k not in _APPENDED},
                "$push": pushed,
                "$inc": {"version": 1},
            },
        )
        return result.matched_count == 1

    async def save(self, case: Case, *, seen_version: int, outbox: Sequence[Document] = ()) -> bool:
        """Store ``case`` whole but its deliveries, with its events; optimistic on the version."""
        result = await self.collection.update_one(
            *_saving(case, seen_version=seen_version, outbox=outbox)
        )
        return result.matched_count == 1

    async def save_many(self, changes: Sequence[CaseChange]) -> list[bool]:
        """One unordered ``bulk_write`` of ``save``s. When fewer matched, one read tells which
        cases hold what was saved: those whose version moved do not (neither do those changed
        again since, which a caller retrying idempotently does not mind)."""
        if not changes:
            return []
        result = await self.collection.bulk_write(
            [
                UpdateOne(*_saving(c.case, seen_version=c.seen_version, outbox=c.outbox))
                for c in changes
            ],
            ordered=False,
        )
        if result.matched_count == len(changes):
            return [True] * len(changes)
        wanted = [_saved_fields(c.case) for c in changes]
        cursor = self.collection.find(
            {"_id": {"$in": [str(c.case.case_id) for c in changes]}},
            dict.fromkeys(wanted[0], 1),
        )
        stored = {d["_id"]: d for d in await cursor.to_list(None)}
        return [
            self._holds(stored.get(str(c.case.case_id)), fields)
            for c, fields in zip(changes, wanted, strict=True)
        ]

    def _holds(self, stored: Document | None, fields: Document) -> bool:
        """Whether ``stored`` has these fields as they read back once written."""
        if stored is None:
            return False
        codec = self.collection.codec_options
        written = bson.decode(bson.encode(fields, codec_options=codec), codec_options=codec)
        return all(stored.get(k) == v for k, v in written.items())

    async def save_delivery(
        self, case: Case, *, reply_id: UUID, seen: int, outbox: Sequence[Document]
    ) -> bool:
        """Set one reply's delivery; optimistic on the deliveries' own counter."""
        delivery = case.delivery_of(reply_id)
        if delivery is None:
            raise ValueError(f"case {case.case_id} has no delivery of reply {reply_id}")
        update: Document = {
            "$set": {f"{DELIVERIES}.{reply_id}": _bson(delivery.model_dump())},
            "$inc": {DELIVERY_VERSION: 1},
        }
        if outbox:
            update["$push"] = {OUTBOX_FIELD: {"$each": list(outbox)}}
        result = await self.collection.update_one(
            {"_id": str(case.case_id), DELIVERY_VERSION: seen}, update
        )
        return result.matched_count == 1

    async def search(
        self, query: CaseQuery, *, agency_ids: Sequence[str], teams: Sequence[str]
    ) -> tuple[list[Case], int]:
        wanted = [t for t in teams if query.team is None or t == query.team]
        filters: Document = {}
        if query.conversation_id is not None:
            # First: SecantusDB picks its index from the filter's first field (a scan of every
            # case otherwise, ~0.6 s per search at 20,000 cases); MongoDB ignores the order.
            filters["conversation_id"] = query.conversation_id
        filters |= {"agency_id": {"$in": list(agency_ids)}, "team": {"$in": wanted}}
        for field in ("status", "priority", "channel", "assignee", "escalation"):
            if (value := getattr(query, field)) is not None:
                filters[field] = value
        if query.tag is not None:
            filters["tags"] = query.tag
        cursor = self.collection.find(
            filters,
            {OUTBOX_FIELD: 0},
            sort=[
                (ESCALATION_RANK, DESCENDING),
                (DUE_ORDER, ASCENDING),
                ("opened_at", ASCENDING),
                ("_id", ASCENDING),
            ],
            skip=query.offset,
            limit=query.limit,
        )
        docs = await cursor.to_list(None)
        total = await self.collection.count_documents(filters)
        return [from_document(d).case for d in docs], total

    async def open_cases(self, *, agency_id: str, assignees: Sequence[str]) -> dict[str, int]:
        return {
            assignee: await self.collection.count_documents(
                {"agency_id": agency_id, "assignee": assignee, ACTIVE: True}
            )
            for assignee in assignees
        }

    async def due_for_check(self, *, now: datetime, limit: int) -> list[StoredCase]:
        cursor = self.collection.find(
            {NEXT_CHECK: {"$lte": now}}, sort=[(NEXT_CHECK, ASCENDING)], limit=limit
        )
        return [from_document(d) for d in await cursor.to_list(None)]


class MongoSentMessages:
    """Replies by the id the platform gave them, for its status reports."""

    def __init__(self, db: Database) -> None:
        self.collection = db[SENT_MESSAGES]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("connection_id", ASCENDING), ("recipient_id", ASCENDING), ("sent_at", ASCENDING)]
        )

    async def remember(self, sent: SentMessage) -> None:
        doc = _bson(asdict(sent))
        doc["_id"] = f"{sent.connection_id}:{sent.platform_message_id}"
        await self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    async def find(self, *, connection_id: str, platform_message_id: str) -> SentMessage | None:
        doc = await self.collection.find_one({"_id": f"{connection_id}:{platform_message_id}"})
        return _sent(doc) if doc is not None else None

    async def sent_to(
        self, *, connection_id: str, recipient_id: str, until: datetime
    ) -> list[SentMessage]:
        cursor = self.collection.find(
            {
                "connection_id": connection_id,
                "recipient_id": recipient_id,
                "sent_at": {"$lte": until},
            },
            sort=[("sent_at", ASCENDING)],
            limit=500,
        )
        return [_sent(d) for d in await cursor.to_list(None)]


def _sent(doc: Document) -> SentMessage:
    return SentMessage(
        connection_id=doc["connection_id"],
        platform_message_id=doc["platform_message_id"],
        case_id=UUID(doc["case_id"]),
        reply_id=UUID(doc["reply_id"]),
        recipient_id=doc.get("recipient_id"),
        sent_at=doc["sent_at"].replace(tzinfo=UTC),
    )


class MongoAuditLog:
    """Append-only: this class inserts and reads, it never updates nor deletes."""

    def __init__(self, db: Database) -> None:
        self.collection = db[AUDIT]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("agency_id", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index([("case_id", ASCENDING), ("at", DESCENDING)])

    async def record(self, entry: AuditEntry) -> None:
        doc = _bson(asdict(entry))
        doc["_id"] = doc.pop("entry_id")
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:  # the same entry retried
            return

    async def search(self, query: AuditQuery) -> tuple[list[AuditEntry], int]:
        filters: Document = {"agency_id": {"$in": list(query.agency_ids)}}
        if query.case_id is not None:
            filters["case_id"] = str(query.case_id)
        if query.user is not None:
            filters["user"] = query.user
        if query.action is not None:
            filters["action"] = query.action
        period: Document = {}
        if query.since is not None:
            period["$gte"] = query.since
        if query.until is not None:
            period["$lt"] = query.until
        if period:
            filters["at"] = period
        cursor = self.collection.find(
            filters,
            sort=[("at", DESCENDING), ("_id", ASCENDING)],
            skip=query.offset,
            limit=query.limit,
        )
        docs = await cursor.to_list(None)
        total = await self.collection.count_documents(filters)
        return [_audit(d) for d in docs], total


def _audit(doc: Document) -> AuditEntry:
    return AuditEntry(
        entry_id=UUID(doc["_id"]),
        at=doc["at"].replace(tzinfo=UTC),
        agency_id=doc.get("agency_id"),
        user=doc["user"],
        role=doc["role"],
        action=doc["action"],
        case_id=UUID(doc["case_id"]) if doc.get("case_id") else None,
        outcome=doc["outcome"],
        status=doc["status"],
        version_before=doc.get("version_before"),
        version_after=doc.get("version_after"),
        detail=doc.get("detail") or {},
    )


def token_hash(token: str) -> str:
    """Tokens are stored hashed: the database never holds a usable one."""
    return hashlib.sha256(token.encode()).hexdigest()


class MongoTokenStore:
    def __init__(self, db: Database) -> None:
        self.collection = db[TOKENS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("user", ASCENDING)])

    async def user_of(self, token: str) -> User | None:
        doc = await self.collection.find_one({"_id": token_hash(token)})
        if doc is None or doc.get("revoked_at") is not None:
            return None
        return User.model_validate(doc)

    async def save(self, token: str, user: User, *, now: datetime | None = None) -> None:
        """Bind ``token`` to ``user``, replacing what it was bound to. Idempotent."""
        doc = {**_bson(user.model_dump()), "created_at": now or datetime.now(UTC)}
        await self.collection.replace_one({"_id": token_hash(token)}, doc, upsert=True)

    async def revoke(
        self, *, token: str | None = None, user: str | None = None, now: datetime
    ) -> int:
        """Revoke one token, or every token of ``user``; how many were revoked."""
        if (token is None) == (user is None):
            raise ValueError("revoke one token or one user's tokens")
        filters: Document = {"_id": token_hash(token)} if token is not None else {"user": user}
        filters["revoked_at"] = None
        result = await self.collection.update_many(filters, {"$set": {"revoked_at": now}})
        return result.modified_count

    async def users(self) -> list[Document]:
        """Every token's user, role, teams and dates (never the token)."""
        cursor = self.collection.find({}, {"_id": 0}, sort=[("user", ASCENDING)])
        return list(await cursor.to_list(None))
