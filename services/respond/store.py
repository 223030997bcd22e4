"""Respond's collections: ``cases`` (with their pending events) and hashed API ``tokens``."""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from services.respond.domain.access import User
from services.respond.domain.cases import Case, InboundEntry
from services.respond.ports import CASES, CaseQuery, StoredCase
from shared.mongo import Database, Document
from shared.outbox import OUTBOX_FIELD

TOKENS = "tokens"

# MongoDB sorts a missing due time first; this field sorts it last.
DUE_ORDER = "due_order"
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)

# Fields an append leaves to its own operators.
_APPENDED = frozenset({"case_id", "thread", "interaction_ids", "version"})


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
    return doc


def from_document(doc: Document) -> StoredCase:
    case = Case.model_validate({**doc, "case_id": doc["_id"]})
    return StoredCase(case=case, pending=list(doc.get(OUTBOX_FIELD, [])))


class MongoCaseRepository:
    """One document per case; every change is a single-document write with its events."""

    def __init__(self, db: Database) -> None:
        self.collection = db[CASES]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("conversation_key", ASCENDING), ("generation", ASCENDING)], unique=True
        )
        await self.collection.create_index([("interaction_ids", ASCENDING)])
        # The queue: a team's open cases, most urgent first.
        await self.collection.create_index(
            [
                ("team", ASCENDING),
                ("status", ASCENDING),
                (DUE_ORDER, ASCENDING),
                ("opened_at", ASCENDING),
            ]
        )

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

    async def insert(self, case: Case, *, outbox: Sequence[Document]) -> bool:
        """One ``insert_one`` of the case and its pending events; False if it exists."""
        try:
            await self.collection.insert_one({**to_document(case), OUTBOX_FIELD: list(outbox)})
        except DuplicateKeyError:
            return False
        return True

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
                "$set": {k: v for k, v in doc.items() if k not in _APPENDED and k != "_id"},
                "$push": pushed,
                "$inc": {"version": 1},
            },
        )
        return result.matched_count == 1

    async def replace(self, case: Case, *, seen_version: int) -> bool:
        """Store ``case`` whole (an edited message); optimistic on ``seen_version``."""
        doc = to_document(case)
        result = await self.collection.update_one(
            {"_id": doc["_id"], "version": seen_version},
            {"$set": {k: v for k, v in doc.items() if k != "_id"}},
        )
        return result.matched_count == 1

    async def search(
        self, query: CaseQuery, *, agency_ids: Sequence[str], teams: Sequence[str]
    ) -> tuple[list[Case], int]:
        wanted = [t for t in teams if query.team is None or t == query.team]
        filters: Document = {"agency_id": {"$in": list(agency_ids)}, "team": {"$in": wanted}}
        for field in ("status", "priority", "channel", "assignee", "conversation_id"):
            if (value := getattr(query, field)) is not None:
                filters[field] = value
        cursor = self.collection.find(
            filters,
            {OUTBOX_FIELD: 0},
            sort=[(DUE_ORDER, ASCENDING), ("opened_at", ASCENDING), ("_id", ASCENDING)],
            skip=query.offset,
            limit=query.limit,
        )
        docs = await cursor.to_list(None)
        total = await self.collection.count_documents(filters)
        return [from_document(d).case for d in docs], total


def token_hash(token: str) -> str:
    """Tokens are stored hashed: the database never holds a usable one."""
    return hashlib.sha256(token.encode()).hexdigest()


class MongoTokenStore:
    def __init__(self, db: Database) -> None:
        self.collection = db[TOKENS]

    async def user_of(self, token: str) -> User | None:
        doc = await self.collection.find_one({"_id": token_hash(token)})
        return User.model_validate(doc) if doc is not None else None

    async def save(self, token: str, user: User) -> None:
        """Bind ``token`` to ``user``, replacing what it was bound to. Idempotent."""
        await self.collection.replace_one(
            {"_id": token_hash(token)}, _bson(user.model_dump()), upsert=True
        )
