"""Threading a fetched batch of interactions with a handful of round trips, as if one by one.

Two reads (the cases holding the batch's interactions, the latest case of each conversation),
the messages folded in order in memory, one ``insert_many`` of the new cases and one bulk save
of the changed ones, then one round of publishes. A conversation whose write is refused (a
responder changed its case meanwhile) has its messages threaded again one by one: that path
recognises what already landed and re-publishes its pending events.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from uuid import UUID

from services.respond.domain.cases import Case
from services.respond.loads import AssigneeLoads, BatchLoads
from services.respond.ports import (
    CASES,
    CaseChange,
    CaseRepository,
    NewCase,
    Publisher,
    StoredCase,
)
from services.respond.usecases import (
    Threaded,
    agency_of,
    logged,
    thread_interaction,
    thread_or_open,
)
from shared.config import AgoraConfig
from shared.events import InteractionClassified
from shared.mongo import Document


async def thread_interactions(
    events: Sequence[InteractionClassified],
    *,
    cases: CaseRepository,
    outbox: Publisher,
    config: AgoraConfig,
    now: datetime,
    loads: AssigneeLoads | None = None,
) -> list[Threaded]:
    """``thread_interaction`` of each event, in order, with the same cases, events and
    idempotency. Edits go one by one, in their place; the messages between them as a batch.

    An event of an unknown agency refuses the whole batch before anything is written.
    """
    for event in events:
        agency_of(event, config)
    one = partial(
        thread_interaction, cases=cases, outbox=outbox, config=config, now=now, loads=loads
    )
    together = partial(_thread_run, cases=cases, outbox=outbox, config=config, now=now, loads=loads)
    threaded: list[Threaded] = []
    run: list[InteractionClassified] = []
    for event in events:
        if event.edited_at is None:
            run.append(event)
            continue
        threaded += await together(run)
        run = []
        threaded.append(await one(event))
    return threaded + await together(run)


@dataclass
class _Draft:
    """A case the batch writes: new (no ``seen_version``) or changed from ``seen_version``."""

    case: Case
    seen_version: int | None
    entries: list[Document] = field(default_factory=list)


class _Fold:
    """The batch's messages applied in order, in memory, to the cases read before."""

    def __init__(
        self, holding: Sequence[StoredCase], latest: dict[str, StoredCase], loads: BatchLoads
    ) -> None:
        self.read = {s.case.case_id: s for s in [*holding, *latest.values()]}
        self.holder = {i: s.case.case_id for s in holding for i in s.case.interaction_ids}
        self.latest = {key: s.case for key, s in latest.items()}
        self.loads = loads
        self.drafts: dict[UUID, _Draft] = {}
        self.republished: dict[UUID, StoredCase] = {}  # cases of redelivered messages

    def current(self, case_id: UUID) -> Case:
        draft = self.drafts.get(case_id)
        return draft.case if draft is not None else self.read[case_id].case

    async def thread(
        self, event: InteractionClassified, *, config: AgoraConfig, now: datetime
    ) -> Threaded:
        """The same decision as ``thread_interaction``, on the cases as the batch left them."""
        key = event.interaction.conversation_key
        latest = self.latest.get(key)
        holder = self.holder.get(event.interaction_id)
        if holder is None and latest is not None and latest.has_interaction(event.interaction_id):
            holder = latest.case_id
        if holder is not None:  # a redelivery: what its case still has pending goes out again
            if holder in self.read:
                self.republished.setdefault(holder, self.read[holder])
            return Threaded(self.current(holder), "duplicate")
        agency = agency_of(event, config)
        step = await thread_or_open(event, latest, agency, loads=self.loads, now=now)
        draft = self.drafts.get(step.case.case_id)
        if draft is None:
            seen = None if latest is None or step.outcome == "opened" else latest.version
            draft = self.drafts[step.case.case_id] = _Draft(step.case, seen_version=seen)
        draft.case = step.case
        draft.entries += step.entries
        if step.outcome == "opened" and step.case.assignee is not None:
            self.loads.assigned(agency.id, step.case.assignee)
        self.latest[key] = step.case
        return Threaded(step.case, step.outcome)

    def outgoing(self, *, refused: set[str]) -> list[tuple[str, list[Document]]]:
        """Each case's events to publish, pending ones first, but for refused conversations."""
        documents: dict[UUID, list[Document]] = {}
        for case_id, stored in self.republished.items():
            documents[case_id] = list(stored.pending)
        for case_id, draft in self.drafts.items():
            documents.setdefault(case_id, []).extend(draft.entries)
        return [
            (str(case_id), entries)
            for case_id, entries in documents.items()
            if entries and self.current(case_id).conversation_key not in refused
        ]


async def _thread_run(
    events: Sequence[InteractionClassified],
    *,
    cases: CaseRepository,
    outbox: Publisher,
    config: AgoraConfig,
    now: datetime,
    loads: AssigneeLoads | None,
) -> list[Threaded]:
    """Messages (no edits) threaded together: read twice, fold, write twice, publish once."""
    if not events:
        return []
    keys = list(dict.fromkeys(e.interaction.conversation_key for e in events))
    holding = await cases.find_by_interactions(interaction_ids=[e.interaction_id for e in events])
    latest = await cases.latest_of(conversation_keys=keys)
    fold = _Fold(holding, latest, BatchLoads(loads or AssigneeLoads(cases, ttl_s=0)))
    folded = [await fold.thread(event, config=config, now=now) for event in events]
    refused = await _write(list(fold.drafts.values()), cases=cases, loads=loads)
    await outbox.publish_many(CASES, fold.outgoing(refused=refused))
    threaded = []
    for event, result in zip(events, folded, strict=True):
        if event.interaction.conversation_key in refused:
            result = await thread_interaction(
                event, cases=cases, outbox=outbox, config=config, now=now, loads=loads
            )
        else:
            logged(result, event.interaction_id)
        threaded.append(result)
    return threaded


async def _write(
    drafts: Sequence[_Draft], *, cases: CaseRepository, loads: AssigneeLoads | None
) -> set[str]:
    """One insert of the new cases, one save of the changed ones; the conversations refused."""
    new = [NewCase(d.case, d.entries) for d in drafts if d.seen_version is None]
    changes = [
        CaseChange(d.case, seen, d.entries) for d in drafts if (seen := d.seen_version) is not None
    ]
    inserted = await cases.insert_many(new)
    saved = await cases.save_many(changes)
    for n, ok in zip(new, inserted, strict=True):
        if ok and loads is not None and n.case.assignee is not None:
            loads.assigned(n.case.agency_id, n.case.assignee)
    written = [(n.case, ok) for n, ok in zip(new, inserted, strict=True)]
    written += [(c.case, ok) for c, ok in zip(changes, saved, strict=True)]
    return {case.conversation_key for case, ok in written if not ok}
