"""One contract for respond's stores: the in-memory fakes and the Mongo adapters behave alike.

Every test runs twice, on the fake and on the Mongo adapter (a fresh database each time), and
states only what the use cases rely on: round trips, the queue's filters and order, optimistic
appends and saves, deliveries written apart, assignees' loads, the cases due for an SLA check,
the lookups that make threading idempotent, and token lookup.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.respond import case_events
from services.respond.commands import CaseCommands
from services.respond.domain.access import User
from services.respond.domain.cases import (
    Case,
    CaseStatus,
    Delivery,
    add_interaction,
    add_reply,
    open_case,
    record_delivery,
)
from services.respond.domain.escalation import escalate
from services.respond.domain.routing import route
from services.respond.domain.sla import SlaClock
from services.respond.ports import (
    CaseChange,
    CaseQuery,
    CaseRepository,
    NewCase,
    StoredCase,
    TokenStore,
)
from services.respond.store import MongoCaseRepository, MongoTokenStore
from services.respond.usecases import thread_interaction
from shared.errors import Conflict
from shared.events import Channel, InteractionClassified
from shared.ids import case_id
from shared.mongo import Database, Document, open_mongo
from shared.runner.stack import Stack
from shared.settings import MongoSettings
from tests.handlers.respond.fakes import (
    FakeAuditLog,
    FakeCaseRepository,
    FakeOutbox,
    FakeTokenStore,
)
from tests.unit.respond.builders import AGENCY, AGENCY_ID, CONFIG, a_case, at, classified, user

pytestmark = pytest.mark.integration

BACKENDS = ["fake", "mongo"]
TEAMS = ("voirie", "urgences")


@asynccontextmanager
async def fresh_database(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    engines: Stack = request.getfixturevalue("engines")
    settings = MongoSettings(uri=engines.mongo_uri)
    async with open_mongo(settings, f"contract_{uuid4().hex[:8]}") as db:
        yield db


@pytest.fixture(params=BACKENDS)
async def cases(request: pytest.FixtureRequest) -> AsyncIterator[CaseRepository]:
    if request.param == "fake":
        yield FakeCaseRepository()
        return
    async with fresh_database(request) as db:
        repository = MongoCaseRepository(db)
        await repository.ensure_indexes()
        yield repository


Bind = Callable[[str, User], Awaitable[None]]


@pytest.fixture(params=BACKENDS)
async def tokens(request: pytest.FixtureRequest) -> AsyncIterator[tuple[TokenStore, Bind]]:
    """A token store and how a token gets bound to a user in it."""
    if request.param == "fake":
        fake = FakeTokenStore()

        async def bind_in_memory(token: str, bound: User) -> None:
            fake.users[token] = bound

        yield fake, bind_in_memory
        return
    async with fresh_database(request) as db:
        store = MongoTokenStore(db)
        yield store, store.save


# -- builders ----------------------------------------------------------------------------------


def message(
    message_id: str, *, conversation: str = "post-9", received_s: float = 0, **fields: Any
) -> InteractionClassified:
    return classified(message_id, conversation_id=conversation, received_s=received_s, **fields)


def case_of(conversation: str, *, opened_s: float = 2, **fields: Any) -> Case:
    """A freshly opened case of its own conversation, routed by the message's labels."""
    return a_case(
        message(f"m-{conversation}", conversation=conversation, **fields), opened_s=opened_s
    )


def changed(case: Case, **update: Any) -> Case:
    return case.model_copy(update=update)


def next_case(previous: Case, event: InteractionClassified, *, opened_s: float) -> Case:
    """The conversation's next case, opened by ``event`` once ``previous`` is closed."""
    item = event.interaction
    decision = route(AGENCY, item, event.classification)
    generation = previous.generation + 1
    return open_case(
        item,
        event.classification,
        case_id=case_id(AGENCY_ID, item.channel, item.conversation_id, generation),
        generation=generation,
        decision=decision,
        due=SlaClock.of(AGENCY, decision.sla_policy).due_times(at(opened_s)),
        now=at(opened_s),
    )


def opening_entries(event: InteractionClassified, case: Case) -> list[Document]:
    events = case_events.opened(event, case, previous_case_id=None, now=case.opened_at)
    return case_events.outbox_entries(events, case=case, now=case.opened_at)


def threading(case: Case, event: InteractionClassified, *, s: float) -> tuple[Case, list[Document]]:
    """``case`` with ``event`` threaded into it, and the entries that announce it."""
    threaded, _ = add_interaction(
        case,
        event.interaction,
        event.classification,
        clock=SlaClock.of(AGENCY, case.sla_policy),
        now=at(s),
    )
    events = [case_events.threaded(event, threaded, now=at(s))]
    return threaded, case_events.outbox_entries(events, case=threaded, now=at(s))


def replying(case: Case, *, s: float, text: str = "Merci") -> tuple[Case, list[Document]]:
    """``case`` with a responder's reply, and the entries that announce and deliver it."""
    added = add_reply(
        case,
        reply_id=uuid4(),
        text=text,
        author_user="alice",
        needs_approval=False,
        wait_for_citizen=False,
        now=at(s),
    )
    events = case_events.reply_events(
        added.case, added.entry, first_response=added.first_response, now=at(s)
    )
    return added.case, case_events.outbox_entries(events, case=added.case, now=at(s))


async def stored(cases: CaseRepository, *items: Case) -> None:
    for item in items:
        assert await cases.insert(item, outbox=[])


async def page(
    cases: CaseRepository, query: CaseQuery | None = None, *, teams: tuple[str, ...] = TEAMS
) -> tuple[list[UUID], int]:
    found, total = await cases.search(query or CaseQuery(), agency_ids=[AGENCY_ID], teams=teams)
    return [c.case_id for c in found], total


# -- storing and reading -----------------------------------------------------------------------


async def test_a_new_case_reads_back_equal_with_its_pending_events(cases: CaseRepository) -> None:
    event = message("m1")
    case = a_case(event)
    entries = opening_entries(event, case)

    assert await cases.insert(case, outbox=entries)

    assert await cases.get(case_id=case.case_id) == StoredCase(case=case, pending=entries)


async def test_an_unknown_case_reads_as_none(cases: CaseRepository) -> None:
    assert await cases.get(case_id=uuid4()) is None


async def test_inserting_a_case_twice_is_refused_and_keeps_the_first(cases: CaseRepository) -> None:
    event = message("m1")
    case = a_case(event)
    entries = opening_entries(event, case)
    assert await cases.insert(case, outbox=entries)

    assert not await cases.insert(changed(case, team="accueil"), outbox=entries)

    assert await cases.get(case_id=case.case_id) == StoredCase(case=case, pending=entries)


async def test_a_second_case_for_the_same_conversation_generation_is_refused(
    cases: CaseRepository,
) -> None:
    first = a_case(message("m1"))
    assert await cases.insert(first, outbox=[])

    rival = changed(first, case_id=uuid4())

    assert not await cases.insert(rival, outbox=[])
    assert await cases.get(case_id=rival.case_id) is None


# -- threading lookups -------------------------------------------------------------------------


async def test_a_case_is_found_by_any_of_its_interactions(cases: CaseRepository) -> None:
    first, second = message("m1"), message("m2", received_s=30)
    case = a_case(first)
    await stored(cases, case)
    threaded, entries = threading(case, second, s=31)
    assert await cases.append(threaded, seen_version=case.version, outbox=entries)

    by_first = await cases.find_by_interaction(interaction_id=first.interaction_id)
    by_second = await cases.find_by_interaction(interaction_id=second.interaction_id)

    assert by_first is not None
    assert by_second is not None
    assert by_first.case == by_second.case == threaded


async def test_an_interaction_in_no_case_finds_nothing(cases: CaseRepository) -> None:
    await stored(cases, a_case(message("m1")))

    assert await cases.find_by_interaction(interaction_id=message("m2").interaction_id) is None


async def test_latest_is_the_conversations_highest_generation(cases: CaseRepository) -> None:
    first_event, later_event = message("m1"), message("m2", received_s=3600)
    first = changed(a_case(first_event), status=CaseStatus.RESOLVED)
    later = next_case(first, later_event, opened_s=3602)
    await stored(cases, later, first)

    latest = await cases.latest(conversation_key=first.conversation_key)
    earlier = await cases.find_by_interaction(interaction_id=first_event.interaction_id)

    assert latest is not None
    assert latest.case == later
    assert earlier is not None
    assert earlier.case == first


async def test_latest_of_an_unknown_conversation_is_none(cases: CaseRepository) -> None:
    await stored(cases, case_of("post-1"))

    assert await cases.latest(conversation_key="lyon:facebook:post-2") is None


async def test_the_cases_holding_any_of_many_interactions_are_found_at_once(
    cases: CaseRepository,
) -> None:
    first, second = message("m1"), message("m2", received_s=30)
    case = a_case(first)
    await stored(cases, case, case_of("post-2"), case_of("post-3"))
    threaded, entries = threading(case, second, s=31)
    assert await cases.append(threaded, seen_version=case.version, outbox=entries)
    other = message("m-post-3", conversation="post-3")

    found = await cases.find_by_interactions(
        interaction_ids=[first.interaction_id, second.interaction_id, other.interaction_id]
    )

    assert sorted(str(s.case.case_id) for s in found) == sorted(
        str(c) for c in (case.case_id, case_of("post-3").case_id)
    )
    assert next(s for s in found if s.case.case_id == case.case_id).pending == entries
    assert await cases.find_by_interactions(interaction_ids=[message("m9").interaction_id]) == []


async def test_latest_of_many_conversations_is_each_ones_highest_generation(
    cases: CaseRepository,
) -> None:
    first = changed(a_case(message("m1")), status=CaseStatus.RESOLVED)
    later = next_case(first, message("m2", received_s=3600), opened_s=3602)
    elsewhere = case_of("post-2")
    await stored(cases, later, first, elsewhere, case_of("post-3"))

    latest = await cases.latest_of(
        conversation_keys=[first.conversation_key, elsewhere.conversation_key, "lyon:x:none"]
    )

    assert {k: s.case for k, s in latest.items()} == {
        first.conversation_key: later,
        elsewhere.conversation_key: elsewhere,
    }


# -- appending to the thread -------------------------------------------------------------------


async def test_threading_a_message_stores_the_next_version_and_its_events(
    cases: CaseRepository,
) -> None:
    first = message("m1")
    case = a_case(first)
    opening = opening_entries(first, case)
    assert await cases.insert(case, outbox=opening)
    threaded, entries = threading(case, message("m2", received_s=30), s=31)

    assert await cases.append(threaded, seen_version=1, outbox=entries)

    after = await cases.get(case_id=case.case_id)
    assert after == StoredCase(case=threaded, pending=[*opening, *entries])
    assert (threaded.version, len(threaded.thread)) == (2, 2)


async def test_a_reply_stores_the_next_version_with_its_first_response(
    cases: CaseRepository,
) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    replied, entries = replying(case, s=90)

    assert await cases.append(replied, seen_version=1, outbox=entries)

    after = await cases.get(case_id=case.case_id)
    assert after == StoredCase(case=replied, pending=entries)
    assert (replied.version, replied.first_response_at) == (2, at(90))


async def test_successive_appends_each_build_on_the_version_they_saw(
    cases: CaseRepository,
) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    threaded, _ = threading(case, message("m2", received_s=30), s=31)
    replied, _ = replying(threaded, s=90)
    again, _ = threading(replied, message("m3", received_s=120), s=121)

    assert await cases.append(threaded, seen_version=1, outbox=[])
    assert await cases.append(replied, seen_version=2, outbox=[])
    assert await cases.append(again, seen_version=3, outbox=[])

    after = await cases.get(case_id=case.case_id)
    assert after is not None
    assert after.case == again
    assert [entry.direction for entry in after.case.thread] == [
        "inbound",
        "inbound",
        "outbound",
        "inbound",
    ]


async def test_an_append_on_a_stale_version_is_refused_and_changes_nothing(
    cases: CaseRepository,
) -> None:
    """A reply and a message both read version 1: the later write loses."""
    first = message("m1")
    case = a_case(first)
    opening = opening_entries(first, case)
    assert await cases.insert(case, outbox=opening)
    threaded, threaded_entries = threading(case, message("m2", received_s=30), s=31)
    replied, reply_entries = replying(case, s=32)
    assert await cases.append(threaded, seen_version=1, outbox=threaded_entries)

    assert not await cases.append(replied, seen_version=1, outbox=reply_entries)

    assert await cases.get(case_id=case.case_id) == StoredCase(
        case=threaded, pending=[*opening, *threaded_entries]
    )


async def test_an_append_to_an_unknown_case_is_refused_and_creates_nothing(
    cases: CaseRepository,
) -> None:
    case = a_case(message("m1"))
    replied, entries = replying(case, s=90)

    assert not await cases.append(replied, seen_version=1, outbox=entries)

    assert await cases.get(case_id=case.case_id) is None


# -- the queue ---------------------------------------------------------------------------------


async def test_search_shows_only_the_cases_of_the_users_agencies_and_teams(
    cases: CaseRepository,
) -> None:
    roads = case_of("post-roads", topic="roads")
    urgent = case_of("post-urgent", urgency="critical")
    other_team = case_of("post-other", topic="other")
    other_agency = changed(case_of("post-paris", topic="roads"), agency_id="paris")
    await stored(cases, roads, urgent, other_team, other_agency)
    assert (roads.team, urgent.team, other_team.team) == ("voirie", "urgences", "accueil")

    ids, total = await page(cases)

    assert set(ids) == {roads.case_id, urgent.case_id}
    assert total == 2


async def test_a_team_filter_narrows_to_that_team_but_never_widens_the_users_teams(
    cases: CaseRepository,
) -> None:
    roads = case_of("post-roads", topic="roads")
    urgent = case_of("post-urgent", urgency="critical")
    other_team = case_of("post-other", topic="other")
    await stored(cases, roads, urgent, other_team)

    assert await page(cases, CaseQuery(team="voirie")) == ([roads.case_id], 1)
    assert await page(cases, CaseQuery(team="accueil")) == ([], 0)


async def test_a_status_filter_keeps_only_cases_in_that_status(cases: CaseRepository) -> None:
    still_open = case_of("post-open", opened_s=2)
    resolved = changed(case_of("post-resolved", opened_s=3), status=CaseStatus.RESOLVED)
    await stored(cases, still_open, resolved)

    assert await page(cases, CaseQuery(status="open")) == ([still_open.case_id], 1)
    assert await page(cases, CaseQuery(status="resolved")) == ([resolved.case_id], 1)
    assert await page(cases) == ([still_open.case_id, resolved.case_id], 2)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (CaseQuery(priority="urgent"), "post-urgent"),
        (CaseQuery(channel="x"), "post-x"),
        (CaseQuery(assignee="alice"), "post-assigned"),
        (CaseQuery(conversation_id="post-x"), "post-x"),
    ],
    ids=["priority", "channel", "assignee", "conversation"],
)
async def test_each_filter_keeps_only_the_cases_matching_it(
    cases: CaseRepository, query: CaseQuery, expected: str
) -> None:
    everything = [
        changed(case_of("post-assigned", topic="roads"), assignee="alice"),
        case_of("post-x", topic="roads", channel=Channel.X),
        case_of("post-urgent", urgency="critical"),
    ]
    await stored(cases, *everything)

    found, total = await cases.search(query, agency_ids=[AGENCY_ID], teams=TEAMS)

    assert [c.conversation_id for c in found] == [expected]
    assert total == 1


def _queue() -> list[Case]:
    """Five cases in the order the queue shows them: soonest due first, none due last."""
    return [
        changed(case_of("post-a", opened_s=9), first_response_due=at(50)),
        changed(case_of("post-b", opened_s=3), first_response_due=at(100)),
        changed(case_of("post-c", opened_s=5), first_response_due=at(100)),
        changed(case_of("post-d", opened_s=0), first_response_due=None),
        changed(case_of("post-e", opened_s=1), first_response_due=None),
    ]


async def test_search_sorts_by_first_response_due_with_none_last_then_by_opening(
    cases: CaseRepository,
) -> None:
    queue = _queue()
    await stored(cases, *reversed(queue))

    found, total = await cases.search(CaseQuery(), agency_ids=[AGENCY_ID], teams=TEAMS)

    assert found == queue
    assert total == len(queue)


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [(2, 0, [0, 1]), (2, 2, [2, 3]), (2, 4, [4]), (50, 1, [1, 2, 3, 4]), (2, 10, [])],
)
async def test_a_page_is_a_slice_of_the_sorted_queue_and_total_counts_them_all(
    cases: CaseRepository, limit: int, offset: int, expected: list[int]
) -> None:
    queue = _queue()
    await stored(cases, *reversed(queue))

    ids, total = await page(cases, CaseQuery(limit=limit, offset=offset))

    assert ids == [queue[i].case_id for i in expected]
    assert total == len(queue)


# -- saving the whole case ---------------------------------------------------------------------


def delivered(case: Case, status: str = "sent", *, s: float = 100) -> tuple[Case, Any]:
    """``case`` with a delivery state of its last reply, and that reply's id."""
    reply_id = case.thread[-1].reply_id  # type: ignore[union-attr]
    delivery = Delivery.model_validate(
        {"status": status, "platform_message_id": "p-1", "attempts": 1, "at": at(s)}
    )
    recorded = record_delivery(case, reply_id=reply_id, delivery=delivery)
    assert recorded is not None
    return recorded, reply_id


async def test_a_save_stores_the_whole_case_with_its_events_if_still_at_the_version(
    cases: CaseRepository,
) -> None:
    first = message("m1")
    case = a_case(first)
    opening = opening_entries(first, case)
    assert await cases.insert(case, outbox=opening)
    resolved = changed(case, status=CaseStatus.RESOLVED, resolved_at=at(60), version=2)
    entries = opening_entries(message("m9"), resolved)

    assert await cases.save(resolved, seen_version=1, outbox=entries)
    assert not await cases.save(changed(case, team="eau", version=2), seen_version=1)

    assert await cases.get(case_id=case.case_id) == StoredCase(
        case=resolved, pending=[*opening, *entries]
    )


async def test_a_save_of_an_unknown_case_creates_nothing(cases: CaseRepository) -> None:
    case = a_case(message("m1"))
    assert not await cases.save(case, seen_version=1)
    assert await cases.get(case_id=case.case_id) is None


async def test_a_save_at_the_same_version_keeps_it(cases: CaseRepository) -> None:
    """The SLA watch records levels without a new version."""
    case = a_case(message("m1"))
    await stored(cases, case)
    escalated, _ = escalate(case, at(2 + 4 * 3600))

    assert await cases.save(escalated, seen_version=1)

    after = await cases.get(case_id=case.case_id)
    assert after is not None
    assert (after.case, after.case.version) == (escalated, 1)


async def test_a_save_never_touches_the_deliveries(cases: CaseRepository) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    replied, _ = replying(case, s=90)
    assert await cases.save(replied, seen_version=1)
    with_delivery, reply_id = delivered(replied)
    assert await cases.save_delivery(with_delivery, reply_id=reply_id, seen=0, outbox=[])

    noted = changed(replied, tags=("vu",), version=3)  # decided on a copy without the delivery
    assert await cases.save(noted, seen_version=2)

    after = await cases.get(case_id=case.case_id)
    assert after is not None
    assert after.case == changed(noted, deliveries=with_delivery.deliveries)


# -- writing a batch ---------------------------------------------------------------------------


async def test_a_batch_insert_stores_the_new_cases_and_refuses_those_that_exist(
    cases: CaseRepository,
) -> None:
    existing, event = case_of("post-1"), message("m-post-2", conversation="post-2")
    await stored(cases, existing)
    new = a_case(event)
    same_generation = changed(case_of("post-2"), case_id=uuid4())
    entries = opening_entries(event, new)

    written = await cases.insert_many(
        [
            NewCase(new, entries),
            NewCase(changed(existing, team="eau")),
            NewCase(same_generation),
            NewCase(case_of("post-3")),
        ]
    )

    assert written == [True, False, False, True]
    assert await cases.get(case_id=new.case_id) == StoredCase(case=new, pending=entries)
    assert await cases.get(case_id=existing.case_id) == StoredCase(case=existing)
    assert await cases.get(case_id=same_generation.case_id) is None
    assert await cases.get(case_id=case_of("post-3").case_id) is not None
    assert await cases.insert_many([]) == []


async def test_a_batch_save_stores_cases_several_versions_on_and_refuses_a_moved_one(
    cases: CaseRepository,
) -> None:
    """Two cases each get two messages; a reply moved the second one meanwhile."""
    quiet, busy = case_of("post-1"), case_of("post-2")
    await stored(cases, quiet, busy)
    replied, reply_entries = replying(busy, s=20)
    assert await cases.append(replied, seen_version=1, outbox=reply_entries)
    changes = []
    for case in (quiet, busy):
        conversation = case.conversation_id
        once, first = threading(case, message("a", conversation=conversation, received_s=30), s=31)
        twice, second = threading(once, message("b", conversation=conversation), s=41)
        changes.append(CaseChange(twice, seen_version=1, outbox=[*first, *second]))

    assert await cases.save_many(changes) == [True, False]

    assert await cases.get(case_id=quiet.case_id) == StoredCase(
        case=changes[0].case, pending=list(changes[0].outbox)
    )
    assert changes[0].case.version == 3
    assert await cases.get(case_id=busy.case_id) == StoredCase(case=replied, pending=reply_entries)
    assert await cases.save_many([]) == []


async def test_a_batch_save_of_an_unknown_case_creates_nothing(cases: CaseRepository) -> None:
    case = case_of("post-1")
    assert await cases.save_many([CaseChange(case, seen_version=1)]) == [False]
    assert await cases.get(case_id=case.case_id) is None


async def test_a_batch_save_keeps_a_delivery_recorded_meanwhile(cases: CaseRepository) -> None:
    case = case_of("post-1")
    await stored(cases, case)
    replied, _ = replying(case, s=90)
    assert await cases.save(replied, seen_version=1)
    with_delivery, reply_id = delivered(replied)
    assert await cases.save_delivery(with_delivery, reply_id=reply_id, seen=0, outbox=[])
    threaded, entries = threading(replied, message("m2", conversation="post-1"), s=120)

    assert await cases.save_many([CaseChange(threaded, seen_version=2, outbox=entries)]) == [True]

    after = await cases.get(case_id=case.case_id)
    assert after == StoredCase(
        case=changed(threaded, deliveries=with_delivery.deliveries),
        pending=entries,
        delivery_version=1,
    )


# -- deliveries --------------------------------------------------------------------------------


async def test_a_delivery_is_stored_without_a_new_version_and_counts_its_own_writes(
    cases: CaseRepository,
) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    replied, _ = replying(case, s=90)
    assert await cases.save(replied, seen_version=1)
    sent, reply_id = delivered(replied, "sent")
    read, _ = delivered(sent, "read", s=200)
    entries = opening_entries(message("m9"), sent)

    assert await cases.save_delivery(sent, reply_id=reply_id, seen=0, outbox=entries)
    assert not await cases.save_delivery(read, reply_id=reply_id, seen=0, outbox=[])
    assert await cases.save_delivery(read, reply_id=reply_id, seen=1, outbox=[])

    after = await cases.get(case_id=case.case_id)
    assert after == StoredCase(case=read, pending=entries, delivery_version=2)
    assert read.version == 2


async def test_a_delivery_write_changes_nothing_but_that_delivery(cases: CaseRepository) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    replied, _ = replying(case, s=90)
    assert await cases.save(replied, seen_version=1)
    sent, reply_id = delivered(replied)
    noted = changed(replied, tags=("vu",), version=3)
    assert await cases.save(noted, seen_version=2)

    # The delivery was decided on the case before the note: the note stays.
    assert await cases.save_delivery(sent, reply_id=reply_id, seen=0, outbox=[])

    after = await cases.get(case_id=case.case_id)
    assert after is not None
    assert after.case == changed(noted, deliveries=sent.deliveries)


async def test_a_delivery_of_a_reply_the_case_does_not_know_is_an_error(
    cases: CaseRepository,
) -> None:
    case = a_case(message("m1"))
    await stored(cases, case)
    with pytest.raises(ValueError, match="no delivery"):
        await cases.save_delivery(case, reply_id=uuid4(), seen=0, outbox=[])


# -- the queue: escalation first, filters on escalation and tags --------------------------------


async def test_search_shows_breached_then_at_risk_before_the_soonest_due(
    cases: CaseRepository,
) -> None:
    queue = [
        changed(case_of("post-a", opened_s=5), escalation="breached", first_response_due=at(900)),
        changed(case_of("post-b", opened_s=1), escalation="breached", first_response_due=None),
        changed(case_of("post-c", opened_s=2), escalation="at_risk", first_response_due=at(800)),
        changed(case_of("post-d", opened_s=3), first_response_due=at(10)),
        changed(case_of("post-e", opened_s=0), first_response_due=None),
    ]
    await stored(cases, *reversed(queue))

    found, _ = await cases.search(CaseQuery(), agency_ids=[AGENCY_ID], teams=TEAMS)

    assert [c.conversation_id for c in found] == [c.conversation_id for c in queue]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (CaseQuery(escalation="breached"), ["post-late"]),
        (CaseQuery(escalation="none"), ["post-tagged", "post-plain"]),
        (CaseQuery(tag="pothole"), ["post-tagged"]),
        (CaseQuery(tag="pot"), []),
    ],
    ids=["breached", "none", "tag", "part of a tag"],
)
async def test_escalation_and_tag_filters(
    cases: CaseRepository, query: CaseQuery, expected: list[str]
) -> None:
    await stored(
        cases,
        changed(case_of("post-late", opened_s=1), escalation="breached"),
        changed(case_of("post-tagged", opened_s=2), tags=("pothole", "urgent")),
        case_of("post-plain", opened_s=3),
    )

    found, total = await cases.search(query, agency_ids=[AGENCY_ID], teams=TEAMS)

    assert [c.conversation_id for c in found] == expected
    assert total == len(expected)


# -- loads and SLA checks ----------------------------------------------------------------------


async def test_open_cases_counts_what_each_assignee_holds_unresolved(
    cases: CaseRepository,
) -> None:
    await stored(
        cases,
        changed(case_of("post-1"), assignee="alice"),
        changed(case_of("post-2"), assignee="alice", status=CaseStatus.WAITING),
        changed(case_of("post-3"), assignee="alice", status=CaseStatus.RESOLVED),
        changed(case_of("post-4"), assignee="bob"),
        changed(case_of("post-5"), assignee="alice", agency_id="grenoble"),
    )

    loads = await cases.open_cases(agency_id=AGENCY_ID, assignees=["alice", "bob", "carol"])

    assert loads == {"alice": 2, "bob": 1, "carol": 0}


async def test_due_for_check_finds_the_cases_with_a_level_to_raise_soonest_first(
    cases: CaseRepository,
) -> None:
    # Normal policy from the opening: at risk after 3 h 12 min, due after 4 h.
    early = case_of("post-early", opened_s=0)
    late = case_of("post-late", opened_s=600)
    answered = changed(case_of("post-answered", opened_s=0), first_response_at=at(60))
    waiting = changed(case_of("post-waiting", opened_s=0), status=CaseStatus.WAITING)
    no_sla = changed(case_of("post-none", opened_s=0), first_response_due=None, resolution_due=None)
    await stored(cases, late, answered, waiting, no_sla, early)

    assert await cases.due_for_check(now=at(11519), limit=10) == []
    found = await cases.due_for_check(now=at(12200), limit=10)
    assert [s.case.conversation_id for s in found] == ["post-early", "post-late"]
    first = await cases.due_for_check(now=at(12200), limit=1)
    assert [s.case.conversation_id for s in first] == ["post-early"]


async def test_a_raised_level_moves_the_next_check_on(cases: CaseRepository) -> None:
    case = case_of("post-1", opened_s=0)
    await stored(cases, case)
    escalated, _ = escalate(case, at(11520))
    assert await cases.save(escalated, seen_version=1)

    assert await cases.due_for_check(now=at(11600), limit=10) == []
    (due,) = await cases.due_for_check(now=at(14400), limit=10)
    assert due.case == escalated


# -- the use cases on either repository --------------------------------------------------------


async def test_threading_the_same_interaction_twice_is_a_duplicate(cases: CaseRepository) -> None:
    event, outbox = message("m1"), FakeOutbox()

    first = await thread_interaction(event, cases=cases, outbox=outbox, config=CONFIG, now=at(2))
    again = await thread_interaction(event, cases=cases, outbox=outbox, config=CONFIG, now=at(9))

    assert (first.outcome, again.outcome) == ("opened", "duplicate")
    assert again.case == first.case


async def test_a_reply_on_a_stale_version_is_a_conflict_carrying_the_current_case(
    cases: CaseRepository,
) -> None:
    outbox = FakeOutbox()
    for event in (message("m1"), message("m2", received_s=30)):
        threaded = await thread_interaction(
            event, cases=cases, outbox=outbox, config=CONFIG, now=at(40)
        )

    commands = CaseCommands(cases=cases, outbox=outbox, audit=FakeAuditLog(), config=lambda: CONFIG)
    with pytest.raises(Conflict) as raised:
        await commands.reply(
            threaded.case.case_id, version=1, user=user(), now=at(90), text="Merci"
        )

    assert threaded.outcome == "threaded"
    assert raised.value.code == "stale_version"
    assert raised.value.extra["case"]["version"] == 2


async def test_each_search_of_the_api_and_the_workers_has_its_index(
    request: pytest.FixtureRequest,
) -> None:
    async with fresh_database(request) as db:
        await MongoCaseRepository(db).ensure_indexes()
        indexes = (await db["cases"].index_information()).values()
        keys = [[field for field, _ in i["key"]] for i in indexes]

    assert ["conversation_id"] in keys  # GET /cases?conversation_id=
    assert ["interaction_ids"] in keys  # redeliveries
    assert ["conversation_key", "generation"] in keys  # the latest case of a conversation
    assert ["agency_id", "assignee", "active"] in keys  # members' open cases
    assert ["next_check_at"] in keys  # the SLA watch


# -- tokens ------------------------------------------------------------------------------------


async def test_a_bound_token_resolves_to_its_user(tokens: tuple[TokenStore, Bind]) -> None:
    store, bind = tokens
    alice = user(teams=("voirie", "urgences"))
    await bind("alice-token", alice)
    await bind("bob-token", user("auditor", name="bob"))

    assert await store.user_of("alice-token") == alice


async def test_a_token_resolves_only_when_given_exactly(tokens: tuple[TokenStore, Bind]) -> None:
    store, bind = tokens
    await bind("alice-token", user())

    assert await store.user_of("unknown-token") is None
    assert await store.user_of("Alice-token") is None
    assert await store.user_of("alice-token ") is None
