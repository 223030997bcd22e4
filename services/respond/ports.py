"""What respond's use cases need from the outside world, as protocols."""

from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class CaseQuery:
    """Filters and page of a case listing; ``None`` means any."""

    status: str | None = None
    team: str | None = None
    priority: str | None = None
    channel: str | None = None
    assignee: str | None = None
    conversation_id: str | None = None
    limit: int = 50
    offset: int = 0


class CaseRepository(Protocol):
    async def get(self, *, case_id: UUID) -> StoredCase | None: ...

    async def find_by_interaction(self, *, interaction_id: UUID) -> StoredCase | None:
        """The case holding this interaction, whatever its generation."""

    async def latest(self, *, conversation_key: str) -> StoredCase | None:
        """The conversation's case of the highest generation."""

    async def insert(self, case: Case, *, outbox: Sequence[Document]) -> bool:
        """Store a new case with its pending events; False when its id or generation exists."""

    async def append(self, case: Case, *, seen_version: int, outbox: Sequence[Document]) -> bool:
        """Store ``case``, whose last thread entry is new, if still at ``seen_version``."""

    async def replace(self, case: Case, *, seen_version: int) -> bool:
        """Store the whole case if it is still at ``seen_version``."""
        ...

    async def search(
        self, query: CaseQuery, *, agency_ids: Sequence[str], teams: Sequence[str]
    ) -> tuple[list[Case], int]:
        """A page of the cases of ``agency_ids`` and ``teams`` only, and their total.

        Sorted by first-response due time (none last), then by opening time.
        """


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
