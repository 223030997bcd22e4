"""Threading a batch of interactions: the same cases and events as one by one, fewer writes."""

from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

import pytest

from services.respond.batch_threading import thread_interactions
from services.respond.commands import CaseCommands
from services.respond.loads import AssigneeLoads
from services.respond.ports import StoredCase
from services.respond.usecases import thread_interaction
from shared.errors import InvalidInput
from shared.events import InteractionClassified
from shared.ids import case_id, derived_event_id
from tests.handlers.respond.fakes import FakeAuditLog, FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, at, classified, user

NOW = at(200)


def case_of(conversation: str, generation: int = 0) -> UUID:
    return case_id("lyon", "facebook", conversation, generation)


def commands_on(cases: FakeCaseRepository) -> CaseCommands:
    return CaseCommands(
        cases=cases, outbox=FakeOutbox(), audit=FakeAuditLog(), config=lambda: CONFIG
    )


async def thread_each(
    events: Sequence[InteractionClassified], cases: FakeCaseRepository, outbox: FakeOutbox
) -> list[str]:
    return [
        (await thread_interaction(e, cases=cases, outbox=outbox, config=CONFIG, now=NOW)).outcome
        for e in events
    ]


async def thread_batch(
    events: Sequence[InteractionClassified],
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    loads: AssigneeLoads | None = None,
) -> list[str]:
    threaded = await thread_interactions(
        events, cases=cases, outbox=outbox, config=CONFIG, now=NOW, loads=loads
    )
    return [t.outcome for t in threaded]


def published_by_key(outbox: FakeOutbox) -> dict[str, list[str]]:
    """Each key's event ids in the order first published (a re-publish adds nothing)."""
    keys: dict[str, dict[str, None]] = {}
    for entry in outbox.published:
        keys.setdefault(entry["key"], {})[entry["event_id"]] = None
    return {key: list(ids) for key, ids in keys.items()}


async def earlier_history(cases: FakeCaseRepository) -> None:
    """A case resolved lately ("r"), one to edit ("e"), one whose events are still pending
    ("o")."""
    outbox = FakeOutbox()
    await thread_each([classified("r1", conversation_id="r")], cases, outbox)
    await thread_each([classified("e1", conversation_id="e", text="Nid de poule")], cases, outbox)
    await commands_on(cases).resolve(case_of("r"), version=1, user=user(), now=at(100))
    cases.mark_published()
    await thread_each([classified("o1", conversation_id="o")], cases, outbox)


MIXED = [
    classified("a1", conversation_id="a", received_s=150),
    classified("a1", conversation_id="a", received_s=150),  # delivered twice in one batch
    classified("b1", conversation_id="b", language="en", received_s=151),
    classified("a2", conversation_id="a", topic="street_lighting", received_s=152),
    classified("r2", conversation_id="r", received_s=153),  # reopens "r"
    classified("e1", conversation_id="e", text="Nid de poule énorme").model_copy(
        update={"edited_at": at(154)}
    ),
    classified("o1", conversation_id="o"),  # redelivered: its events are still pending
    classified("a3", conversation_id="a", received_s=155),
    classified("e2", conversation_id="e", received_s=156),
    classified("a2", conversation_id="a", topic="street_lighting", received_s=152),
    classified("c1", conversation_id="c", topic="other", received_s=157),
]


async def test_a_batch_gives_the_cases_and_events_of_threading_one_by_one() -> None:
    one_by_one, batched = FakeCaseRepository(), FakeCaseRepository()
    sequential_outbox, batch_outbox = FakeOutbox(), FakeOutbox()
    for cases in (one_by_one, batched):
        await earlier_history(cases)

    sequential = await thread_each(MIXED, one_by_one, sequential_outbox)
    together = await thread_batch(MIXED, batched, batch_outbox)

    assert together == sequential
    assert sequential == [
        "opened",
        "duplicate",
        "opened",
        "threaded",
        "reopened",
        "edited",
        "duplicate",
        "threaded",
        "threaded",
        "duplicate",
        "opened",
    ]
    assert batched.stored == one_by_one.stored
    assert batched.case(case_of("a")).version == 3
    assert published_by_key(batch_outbox) == published_by_key(sequential_outbox)
    pending_of_o = [e["event_id"] for e in batched.pending(case_of("o"))]
    assert set(pending_of_o) <= set(batch_outbox.event_ids)


async def test_a_members_capacity_holds_within_one_batch() -> None:
    cases = FakeCaseRepository()
    await thread_each(
        [classified("busy", conversation_id="busy", language="en")], cases, FakeOutbox()
    )
    held = cases.case(case_of("busy"))
    for n in range(8):  # bob, the one member speaking English, holds nine cases of ten
        cases.put(held.model_copy(update={"case_id": case_id("lyon", "x", str(n), 0)}))
    loads = AssigneeLoads(cases)
    english = [classified(f"m{n}", conversation_id=f"en-{n}", language="en") for n in range(3)]

    await thread_batch(english, cases, FakeOutbox(), loads=loads)

    assert [cases.case(case_of(f"en-{n}")).assignee for n in range(3)] == ["bob", None, None]
    assert await loads.of("lyon", ["bob"]) == {"bob": 10}  # the batch's assignment counted


Hook = Callable[[FakeCaseRepository], Awaitable[None]]


class RacingCases(FakeCaseRepository):
    """Runs ``meanwhile`` once, after the batch read its cases and before it writes."""

    def __init__(self) -> None:
        super().__init__()
        self.meanwhile: Hook | None = None

    async def latest_of(self, *, conversation_keys: Sequence[str]) -> dict[str, StoredCase]:
        found = await super().latest_of(conversation_keys=conversation_keys)
        hook, self.meanwhile = self.meanwhile, None
        if hook is not None:
            await hook(self)
        return found


def threaded_once(cases: FakeCaseRepository, *events: InteractionClassified) -> bool:
    held = [i for c in cases.cases for i in c.interaction_ids]
    return all(held.count(e.interaction_id) == 1 for e in events)


async def test_a_reply_between_read_and_write_loses_nothing() -> None:
    cases, outbox = RacingCases(), FakeOutbox()
    await thread_each([classified("a1", conversation_id="a")], cases, outbox)
    cases.mark_published()

    async def reply(racing: FakeCaseRepository) -> None:
        await commands_on(racing).reply(
            case_of("a"), version=1, user=user(), now=at(190), text="Merci"
        )

    cases.meanwhile = reply
    events = [
        classified("a2", conversation_id="a", received_s=180),
        classified("b1", conversation_id="b", received_s=181),
        classified("a3", conversation_id="a", received_s=182),
    ]

    outcomes = await thread_batch(events, cases, outbox)

    assert outcomes == ["threaded", "opened", "threaded"]
    assert threaded_once(cases, *events)
    case = cases.case(case_of("a"))
    assert [entry.direction for entry in case.thread] == [
        "inbound",
        "outbound",
        "inbound",
        "inbound",
    ]
    assert case.version == 4
    announced = {str(derived_event_id(e.event_id, "case.interaction_threaded")) for e in events}
    assert announced <= set(outbox.event_ids)
    assert {e["event_id"] for e in cases.pending(case_of("b"))} <= set(outbox.event_ids)


async def test_a_case_stored_meanwhile_by_another_consumer_is_a_duplicate_still_published() -> None:
    cases, outbox = RacingCases(), FakeOutbox()
    first = classified("a1", conversation_id="a")

    async def other_consumer(racing: FakeCaseRepository) -> None:
        await thread_each([first], racing, FakeOutbox())

    cases.meanwhile = other_consumer
    second = classified("b1", conversation_id="b")

    outcomes = await thread_batch([first, second], cases, outbox)

    assert outcomes == ["duplicate", "opened"]
    assert threaded_once(cases, first, second)
    for conversation in ("a", "b"):
        pending = [e["event_id"] for e in cases.pending(case_of(conversation))]
        assert set(pending) <= set(outbox.event_ids)


async def test_an_unknown_agency_refuses_the_batch_before_any_write() -> None:
    cases = FakeCaseRepository()
    events = [classified("a1", conversation_id="a"), classified("x", agency_id="atlantis")]

    with pytest.raises(InvalidInput):
        await thread_batch(events, cases, FakeOutbox())

    assert cases.cases == []


async def test_an_empty_batch_does_nothing() -> None:
    cases, outbox = FakeCaseRepository(), FakeOutbox()
    assert await thread_batch([], cases, outbox) == []
    assert (cases.cases, outbox.published) == ([], [])
