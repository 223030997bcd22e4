"""In-memory ports of the respond use cases, keeping the Mongo adapters' rules."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.respond.domain.access import User
from services.respond.domain.cases import Case, InboundEntry
from services.respond.domain.escalation import next_check
from services.respond.ports import (
    AuditEntry,
    AuditQuery,
    CaseChange,
    CaseQuery,
    NewCase,
    SentMessage,
    StoredCase,
)
from shared.mongo import Document

_NO_DUE = datetime.max.replace(tzinfo=UTC)
_RANKS = {"none": 0, "at_risk": 1, "breached": 2}


class FakeCaseRepository:
    """Cases with their pending outbox entries; one id, one (conversation, generation).

    Like the Mongo adapter: ``append`` and ``save`` are optimistic on the case version and never
    write deliveries; ``save_delivery`` writes one delivery, optimistic on its own counter. The
    batch writes (``insert_many``, ``save_many``) are those single writes one after the other.
    """

    def __init__(self) -> None:
        self.stored: dict[UUID, StoredCase] = {}

    @property
    def cases(self) -> list[Case]:
        return [s.case for s in self.stored.values()]

    def case(self, case_id: UUID) -> Case:
        return self.stored[case_id].case

    def pending(self, case_id: UUID) -> list[Document]:
        return self.stored[case_id].pending

    def put(self, case: Case) -> None:
        """Store ``case`` as it is, with no pending events (a test's starting state)."""
        self.stored[case.case_id] = StoredCase(case=case)

    def mark_published(self) -> None:
        """What the outbox relay does once events went out."""
        self.stored = {
            k: StoredCase(case=s.case, delivery_version=s.delivery_version)
            for k, s in self.stored.items()
        }

    async def get(self, *, case_id: UUID) -> StoredCase | None:
        return self.stored.get(case_id)

    async def find_by_interaction(self, *, interaction_id: UUID) -> StoredCase | None:
        return next(
            (s for s in self.stored.values() if interaction_id in s.case.interaction_ids), None
        )

    async def latest(self, *, conversation_key: str) -> StoredCase | None:
        same = [s for s in self.stored.values() if s.case.conversation_key == conversation_key]
        return max(same, key=lambda s: s.case.generation, default=None)

    async def find_by_interactions(self, *, interaction_ids: Sequence[UUID]) -> list[StoredCase]:
        wanted = set(interaction_ids)
        return [s for s in self.stored.values() if wanted.intersection(s.case.interaction_ids)]

    async def latest_of(self, *, conversation_keys: Sequence[str]) -> dict[str, StoredCase]:
        found = {k: await self.latest(conversation_key=k) for k in conversation_keys}
        return {k: s for k, s in found.items() if s is not None}

    async def insert_many(self, new: Sequence[NewCase]) -> list[bool]:
        return [await self.insert(n.case, outbox=n.outbox) for n in new]

    async def save_many(self, changes: Sequence[CaseChange]) -> list[bool]:
        return [
            await self.save(c.case, seen_version=c.seen_version, outbox=c.outbox) for c in changes
        ]

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
        if case.version != seen_version + 1:
            raise ValueError("an append adds exactly one version")
        current = self.stored.get(case.case_id)
        if current is None or current.case.version != seen_version:
            return False
        # The adapter pushes the last thread entry onto the stored thread.
        entry = case.thread[-1]
        pushed: dict[str, Any] = {"thread": (*current.case.thread, entry)}
        if isinstance(entry, InboundEntry):
            pushed["interaction_ids"] = (*current.case.interaction_ids, entry.interaction_id)
        self._keep(current, case.model_copy(update=pushed), outbox)
        return True

    async def save(self, case: Case, *, seen_version: int, outbox: Sequence[Document] = ()) -> bool:
        current = self.stored.get(case.case_id)
        if current is None or current.case.version != seen_version:
            return False
        self._keep(current, case, outbox)
        return True

    def _keep(self, current: StoredCase, case: Case, outbox: Sequence[Document]) -> None:
        """Store ``case`` but with the deliveries already stored."""
        self.stored[case.case_id] = StoredCase(
            case=case.model_copy(update={"deliveries": current.case.deliveries}),
            pending=[*current.pending, *outbox],
            delivery_version=current.delivery_version,
        )

    async def save_delivery(
        self, case: Case, *, reply_id: UUID, seen: int, outbox: Sequence[Document]
    ) -> bool:
        delivery = case.delivery_of(reply_id)
        if delivery is None:
            raise ValueError(f"case {case.case_id} has no delivery of reply {reply_id}")
        current = self.stored.get(case.case_id)
        if current is None or current.delivery_version != seen:
            return False
        deliveries = {**current.case.deliveries, str(reply_id): delivery}
        self.stored[case.case_id] = StoredCase(
            case=current.case.model_copy(update={"deliveries": deliveries}),
            pending=[*current.pending, *outbox],
            delivery_version=current.delivery_version + 1,
        )
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
                "escalation": case.escalation,
            }
            return (
                case.agency_id in agency_ids
                and case.team in teams
                and all(getattr(query, name) in (None, value) for name, value in filters.items())
                and (query.tag is None or query.tag in case.tags)
            )

        found = sorted(
            filter(wanted, self.cases),
            key=lambda c: (
                -_RANKS[c.escalation],
                c.first_response_due or _NO_DUE,
                c.opened_at,
                str(c.case_id),
            ),
        )
        return found[query.offset : query.offset + query.limit], len(found)

    async def open_cases(self, *, agency_id: str, assignees: Sequence[str]) -> dict[str, int]:
        return {
            assignee: sum(
                c.agency_id == agency_id and c.assignee == assignee and c.is_active
                for c in self.cases
            )
            for assignee in assignees
        }

    async def due_for_check(self, *, now: datetime, limit: int) -> list[StoredCase]:
        due = [
            (check, s)
            for s in self.stored.values()
            if (check := next_check(s.case)) is not None and check <= now
        ]
        due.sort(key=lambda pair: pair[0])
        return [s for _, s in due[:limit]]


class FakeSentMessages:
    """Replies by the id their platform gave them; remembering one again replaces it."""

    def __init__(self) -> None:
        self.messages: dict[tuple[str, str], SentMessage] = {}

    async def remember(self, sent: SentMessage) -> None:
        self.messages[(sent.connection_id, sent.platform_message_id)] = sent

    async def find(self, *, connection_id: str, platform_message_id: str) -> SentMessage | None:
        return self.messages.get((connection_id, platform_message_id))

    async def sent_to(
        self, *, connection_id: str, recipient_id: str, until: datetime
    ) -> list[SentMessage]:
        found = [
            m
            for m in self.messages.values()
            if m.connection_id == connection_id
            and m.recipient_id == recipient_id
            and m.sent_at <= until
        ]
        return sorted(found, key=lambda m: m.sent_at)[:500]


class FakeAuditLog:
    """Append-only entries; recording the same entry id twice keeps the first."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(self, entry: AuditEntry) -> None:
        if all(e.entry_id != entry.entry_id for e in self.entries):
            self.entries.append(entry)

    async def search(self, query: AuditQuery) -> tuple[list[AuditEntry], int]:
        def wanted(entry: AuditEntry) -> bool:
            return (
                entry.agency_id in query.agency_ids
                and query.case_id in (None, entry.case_id)
                and query.user in (None, entry.user)
                and query.action in (None, entry.action)
                and (query.since is None or entry.at >= query.since)
                and (query.until is None or entry.at < query.until)
            )

        found = sorted(
            sorted(filter(wanted, self.entries), key=lambda e: str(e.entry_id)),
            key=lambda e: e.at,
            reverse=True,
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

    async def publish_many(
        self, collection: str, documents: Sequence[tuple[object, Sequence[Document]]]
    ) -> None:
        for doc_id, entries in documents:
            await self.publish(collection, doc_id, entries)

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
    def event_types(self) -> list[str]:
        return [e["event_type"] for e in self.events]

    @property
    def event_ids(self) -> list[str]:
        return [entry["event_id"] for entry in self.published]


class FakeTokenStore:
    def __init__(self, users: dict[str, User] | None = None) -> None:
        self.users = dict(users or {})

    async def user_of(self, token: str) -> User | None:
        return self.users.get(token)
