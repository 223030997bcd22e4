"""What respond's use cases need from the outside world, as protocols."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from services.respond.domain.access import User
from services.respond.domain.cases import Case
from shared.mongo import Document

# The collection whose documents carry respond's pending events (outbox).
CASES = "cases"


@dataclass(frozen=True)
class StoredCase:
    """A case as stored, with the events of its outbox not yet published."""

    case: Case
    pending: list[Document] = field(default_factory=list)
    delivery_version: int = 0


@dataclass(frozen=True)
class NewCase:
    """A case to insert with its pending events."""

    case: Case
    outbox: Sequence[Document] = ()


@dataclass(frozen=True)
class CaseChange:
    """A case to store whole (deliveries aside) if still at ``seen_version``, with its new
    pending events; it may be several versions later."""

    case: Case
    seen_version: int
    outbox: Sequence[Document] = ()


@dataclass(frozen=True)
class CaseQuery:
    """Filters and page of a case listing; ``None`` means any."""

    status: str | None = None
    team: str | None = None
    priority: str | None = None
    channel: str | None = None
    assignee: str | None = None
    conversation_id: str | None = None
    escalation: str | None = None
    tag: str | None = None
    limit: int = 50
    offset: int = 0


class CaseRepository(Protocol):
    async def get(self, *, case_id: UUID) -> StoredCase | None: ...

    async def find_by_interaction(self, *, interaction_id: UUID) -> StoredCase | None:
        """The case holding this interaction, whatever its generation."""

    async def latest(self, *, conversation_key: str) -> StoredCase | None:
        """The conversation's case of the highest generation."""

    async def find_by_interactions(self, *, interaction_ids: Sequence[UUID]) -> list[StoredCase]:
        """The cases holding any of these interactions, whatever their generation."""
        ...

    async def latest_of(self, *, conversation_keys: Sequence[str]) -> dict[str, StoredCase]:
        """Each conversation's case of the highest generation; conversations without any are
        left out."""
        ...

    async def insert(self, case: Case, *, outbox: Sequence[Document]) -> bool:
        """Store a new case with its pending events; False when its id or generation exists."""

    async def insert_many(self, new: Sequence[NewCase]) -> list[bool]:
        """``insert`` of each case, in one write; whether each was stored, in order."""
        ...

    async def append(self, case: Case, *, seen_version: int, outbox: Sequence[Document]) -> bool:
        """Store ``case``, whose last thread entry is new, if still at ``seen_version``."""

    async def save(self, case: Case, *, seen_version: int, outbox: Sequence[Document] = ()) -> bool:
        """Store the whole case (not its deliveries) if it is still at ``seen_version``."""
        ...

    async def save_many(self, changes: Sequence[CaseChange]) -> list[bool]:
        """``save`` of each change, in one write; whether each case is stored as saved, in order
        (False for a case whose version moved)."""
        ...

    async def save_delivery(
        self, case: Case, *, reply_id: UUID, seen: int, outbox: Sequence[Document]
    ) -> bool:
        """Store the case's delivery of ``reply_id`` if its deliveries are still at ``seen``."""
        ...

    async def search(
        self, query: CaseQuery, *, agency_ids: Sequence[str], teams: Sequence[str]
    ) -> tuple[list[Case], int]:
        """A page of the cases of ``agency_ids`` and ``teams`` only, and their total.

        Breached cases first, then at risk, then by first-response due time (none last), then
        by opening time.
        """
        ...

    async def open_cases(self, *, agency_id: str, assignees: Sequence[str]) -> dict[str, int]:
        """How many cases not resolved each of ``assignees`` holds."""
        ...

    async def due_for_check(self, *, now: datetime, limit: int) -> list[StoredCase]:
        """Cases with an SLA level to raise at ``now`` or before."""
        ...


@dataclass(frozen=True)
class SentMessage:
    """A reply the platform accepted, by the id it gave: how its status reports find it."""

    connection_id: str
    platform_message_id: str
    case_id: UUID
    reply_id: UUID
    recipient_id: str | None
    sent_at: datetime


class SentMessages(Protocol):
    async def remember(self, sent: SentMessage) -> None: ...

    async def find(self, *, connection_id: str, platform_message_id: str) -> SentMessage | None: ...

    async def sent_to(
        self, *, connection_id: str, recipient_id: str, until: datetime
    ) -> list[SentMessage]:
        """Messages sent to ``recipient_id`` up to ``until`` (a read watermark)."""
        ...


@dataclass(frozen=True)
class AuditEntry:
    """One mutating call: who, what, on which case, and how it ended."""

    entry_id: UUID
    at: datetime
    agency_id: str | None
    user: str
    role: str
    action: str
    case_id: UUID | None
    outcome: str  # "ok" or the error code
    status: int
    version_before: int | None = None
    version_after: int | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditQuery:
    agency_ids: Sequence[str]
    case_id: UUID | None = None
    user: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None:
        """Append an entry; entries are never changed or removed."""
        ...

    async def search(self, query: AuditQuery) -> tuple[list[AuditEntry], int]:
        """Entries of ``query.agency_ids`` matching the filters, newest first, and their total."""
        ...


class TokenStore(Protocol):
    async def user_of(self, token: str) -> User | None: ...


class Publisher(Protocol):
    async def publish(self, collection: str, doc_id: object, entries: Sequence[Document]) -> None:
        """Publish now, in order; raises if the broker does not take them."""

    async def publish_soon(
        self,
        collection: str,
        doc_id: object,
        entries: Sequence[Document],
        *,
        timeout_s: float = 2.0,
    ) -> bool:
        """Publish if the broker answers in time; else leave them to the relay (False)."""
        ...

    async def publish_many(
        self, collection: str, documents: Sequence[tuple[object, Sequence[Document]]]
    ) -> None:
        """``publish`` of each document's entries: in order per key, keys in parallel."""
        ...
