"""In-memory ports of the respond use cases, keeping the Mongo adapters' rules."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.respond.domain.access import User
from services.respond.domain.cases import Case
from services.respond.ports import CaseQuery, StoredCase
from shared.mongo import Document

_NO_DUE = datetime.max.replace(tzinfo=UTC)


class FakeCaseRepository:
    """Cases with their pending outbox entries; one id, one (conversation, generation)."""

    def __init__(self) -> None:
        self.stored: dict[UUID, StoredCase] = {}

    @property
    def cases(self) -> list[Case]:
        return [s.case for s in self.stored.values()]

    def pending(self, case_id: UUID) -> list[Document]:
        return self.stored[case_id].pending

    def mark_published(self) -> None:
        """What the outbox relay does once events went out."""
        self.stored = {k: StoredCase(case=s.case) for k, s in self.stored.items()}

    async def get(self, *, case_id: UUID) -> StoredCase | None:
        return self.stored.get(case_id)

    async def find_by_interaction(self, *, interaction_id: UUID) -> StoredCase | None:
        return next(
            (s for s in self.stored.values() if interaction_id in s.case.interaction_ids), None
        )

    async def latest(self, *, conversation_key: str) -> StoredCase | None:
        same = [s for s in self.stored.values() if s.case.conversation_key == conversation_key]
        return max(same, key=lambda s: s.case.generation, default=None)

    async def insert(self, case: Case, *, outbox: Sequence[Document]) -> bool:
        taken = any(
            (s.case.conversation_key, s.case.generation) == (case.conversation_key, case.generation)
            for s in self.stored.values()
        )
        if taken or case.case_id in self.stored:
            return False
        self.stored[case.case_id] = StoredCase(case=case, pending=list(outbox))
        return True

    async def append(self, case: Case, *, seen_version: int, outbox: Sequence[Document]) -> bool:
        current = self.stored.get(case.case_id)
        if current is None or current.case.version != seen_version:
            return False
        self.stored[case.case_id] = StoredCase(case=case, pending=[*current.pending, *outbox])
        return True

    async def replace(self, case: Case, *, seen_version: int) -> bool:
        current = self.stored.get(case.case_id)
        if current is None or current.case.version != seen_version:
            return False
        self.stored[case.case_id] = StoredCase(case=case, pending=current.pending)
        return True

    async def search(
        self, query: CaseQuery, *, agency_ids: Sequence[str], teams: Sequence[str]
    ) -> tuple[list[Case], int]:
        def wanted(case: Case) -> bool:
            filters = {
                "status": case.status,
                "team": case.team,
                "priority": case.priority,
                "channel": case.channel,
                "assignee": case.assignee,
                "conversation_id": case.conversation_id,
            }
            return (
                case.agency_id in agency_ids
                and case.team in teams
                and all(getattr(query, name) in (None, value) for name, value in filters.items())
            )

        found = sorted(
            filter(wanted, self.cases),
            key=lambda c: (c.first_response_due or _NO_DUE, c.opened_at, str(c.case_id)),
        )
        return found[query.offset : query.offset + query.limit], len(found)


class FakeOutbox:
    """Records what was published; ``down`` makes the broker refuse everything."""

    def __init__(self) -> None:
        self.published: list[Document] = []
        self.down = False

    async def publish(self, collection: str, doc_id: object, entries: Sequence[Document]) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        self.published.extend(entries)

    async def publish_soon(
        self,
        collection: str,
        doc_id: object,
        entries: Sequence[Document],
        *,
        timeout_s: float = 2.0,
    ) -> bool:
        try:
            await self.publish(collection, doc_id, entries)
        except ConnectionError:
            return False
        return True

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(entry["value"]) for entry in self.published]

    @property
    def event_ids(self) -> list[str]:
        return [entry["event_id"] for entry in self.published]


class FakeTokenStore:
    def __init__(self, users: dict[str, User] | None = None) -> None:
        self.users = dict(users or {})

    async def user_of(self, token: str) -> User | None:
        return self.users.get(token)
