"""The respond use cases on in-memory ports: outcomes stored and events published."""

from collections.abc import Sequence
from uuid import UUID

import pytest

from services.respond.domain.access import User
from services.respond.domain.cases import Case, CaseStatus, OutboundEntry
from services.respond.ports import CaseQuery, StoredCase
from services.respond.usecases import (
    get_case,
    list_cases,
    post_reply,
    reply_id_for,
    thread_interaction,
)
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, Transient
from shared.events import InteractionClassified
from shared.ids import case_id, derived_event_id
from shared.mongo import Document
from shared.topics import Topic
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, at, classified, user

CASE = case_id("lyon", "facebook", "post-9", 0)


@pytest.fixture
def cases() -> FakeCaseRepository:
    return FakeCaseRepository()


@pytest.fixture
def outbox() -> FakeOutbox:
    return FakeOutbox()


async def _thread(
    event: InteractionClassified, cases: FakeCaseRepository, outbox: FakeOutbox, s: float = 2
) -> None:
    await thread_interaction(event, cases=cases, outbox=outbox, config=CONFIG, now=at(s))


async def _reply(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    *,
    version: int,
    text: str = "Merci",
    who: User | None = None,
) -> UUID:
    posted = await post_reply(
        case_id=CASE,
        text=text,
        version=version,
        user=who or user(),
        cases=cases,
        outbox=outbox,
        now=at(90),
    )
    return posted.reply_id


# -- threading ---------------------------------------------------------------------------------


async def test_first_interaction_opens_a_routed_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified(text="Nid de poule rue Garibaldi", topic="roads")
    await _thread(event, cases, outbox)

    (case,) = cases.cases
    assert case.case_id == CASE
    assert (case.team, case.priority, case.status) == ("voirie", "normal", CaseStatus.OPEN)
    assert case.routing.reason == "topic=roads matched rule 'roads and lighting'"
    assert case.interaction_ids == (event.interaction_id,)
    assert case.first_response_due == at(2 + 4 * 3600)


async def test_opening_publishes_opened_routed_and_threaded_with_derived_ids(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await _thread(event, cases, outbox)

    types = ["case.opened", "case.routed", "case.interaction_threaded"]
    assert [e["event_type"] for e in outbox.events] == types
    assert outbox.event_ids == [str(derived_event_id(event.event_id, t)) for t in types]
    assert {(p["topic"], p["key"]) for p in outbox.published} == {
        (Topic.CASES_EVENTS, "lyon:facebook:post-9")
    }
    routed = outbox.events[1]
    assert (routed["rule_name"], routed["facts"]["team"], routed["facts"]["topic"]) == (
        "roads and lighting",
        "voirie",
        "roads",
    )


async def test_follow_up_in_the_conversation_is_threaded_into_the_open_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified("m1"), cases, outbox)
    follow_up = classified("m2", topic="street_lighting", received_s=30)
    await _thread(follow_up, cases, outbox, s=31)

    (case,) = cases.cases
    assert (case.version, len(case.thread)) == (2, 2)
    assert case.interaction_ids[-1] == follow_up.interaction_id
    assert outbox.events[-1]["event_type"] == "case.interaction_threaded"
    assert outbox.event_ids[-1] == str(
        derived_event_id(follow_up.event_id, "case.interaction_threaded")
    )
    assert len(outbox.published) == 4


async def test_redelivered_interaction_is_stored_once_and_republishes_the_same_events(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await _thread(event, cases, outbox)
    first_ids = list(outbox.event_ids)
    await _thread(event, cases, outbox, s=50)

    (case,) = cases.cases
    assert (case.version, len(case.thread)) == (1, 1)
    assert outbox.event_ids == first_ids * 2  # still pending, so published again, same ids


async def test_redelivery_after_the_events_went_out_publishes_nothing(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await _thread(event, cases, outbox)
    cases.mark_published()
    await _thread(event, cases, outbox, s=50)
    assert len(outbox.published) == 3


async def test_failed_publish_is_healed_by_the_redelivery(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    outbox.down = True
    with pytest.raises(ConnectionError):
        await _thread(event, cases, outbox)
    assert len(cases.pending(CASE)) == 3  # stored with its events, not published

    outbox.down = False
    await _thread(event, cases, outbox, s=10)
    assert outbox.event_ids == [e["event_id"] for e in cases.pending(CASE)]


async def test_interaction_of_an_unknown_agency_is_refused(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _thread(classified(agency_id="atlantis"), cases, outbox)
    assert refused.value.code == "unknown_agency"
    assert cases.cases == []


async def test_message_after_a_resolved_case_opens_the_next_generation(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified("m1"), cases, outbox)
    stored = cases.stored[CASE]
    cases.stored[CASE] = StoredCase(
        case=stored.case.model_copy(update={"status": CaseStatus.RESOLVED})
    )
    await _thread(classified("m2", received_s=600), cases, outbox, s=601)

    newer = next(c for c in cases.cases if c.generation == 1)
    assert newer.case_id == case_id("lyon", "facebook", "post-9", 1)
    opened = next(e for e in outbox.events if e["case_id"] == str(newer.case_id))
    assert (opened["event_type"], opened["previous_case_id"]) == ("case.opened", str(CASE))


async def test_case_that_keeps_changing_is_left_for_a_redelivery(outbox: FakeOutbox) -> None:
    class BusyCases(FakeCaseRepository):
        async def append(
            self, case: Case, *, seen_version: int, outbox: Sequence[Document]
        ) -> bool:
            return False

    cases = BusyCases()
    await _thread(classified("m1"), cases, outbox)
    with pytest.raises(Transient):
        await _thread(classified("m2", received_s=30), cases, outbox)
    assert len(cases.stored[CASE].case.thread) == 1


# -- replies -----------------------------------------------------------------------------------


async def test_reply_is_stored_and_published_as_a_first_response_with_its_delivery(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    reply_id = await _reply(cases, outbox, version=1)

    case = cases.stored[CASE].case
    assert reply_id == reply_id_for(CASE, 1)
    assert (case.version, case.first_response_at) == (2, at(90))
    assert case.thread[-1] == OutboundEntry(
        reply_id=reply_id, text="Merci", author_user="alice", at=at(90)
    )
    posted, send = outbox.published[-2:]
    assert (posted["topic"], send["topic"]) == (Topic.CASES_EVENTS, Topic.RESPONSES_OUTBOUND)
    assert posted["event_id"] == str(derived_event_id(reply_id, "case.reply_posted"))
    assert outbox.events[-2]["first_response"] is True
    assert (outbox.events[-1]["text"], outbox.events[-1]["in_reply_to"]) == ("Merci", "m1")


async def test_second_reply_is_not_a_first_response(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    await _reply(cases, outbox, version=1)
    await _reply(cases, outbox, version=2, text="Fait")
    assert outbox.events[-2]["first_response"] is False


async def test_reply_on_a_stale_version_is_a_conflict_carrying_the_current_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    await _reply(cases, outbox, version=1)
    with pytest.raises(Conflict) as conflict:
        await _reply(cases, outbox, version=1, text="Moi aussi")

    assert conflict.value.code == "stale_version"
    current: dict[str, object] = conflict.value.extra["case"]
    assert (current["id"], current["version"]) == (str(CASE), 2)
    assert len(cases.stored[CASE].case.thread) == 2


async def test_case_changed_between_read_and_write_is_a_conflict(outbox: FakeOutbox) -> None:
    class MovingCases(FakeCaseRepository):
        """A citizen message lands while the reply is being written."""

        async def append(
            self, case: Case, *, seen_version: int, outbox: Sequence[Document]
        ) -> bool:
            if case.thread[-1].direction == "outbound":
                await _thread(classified("m2", received_s=80), self, FakeOutbox())
            return await super().append(case, seen_version=seen_version, outbox=outbox)

    cases = MovingCases()
    await _thread(classified(), cases, outbox)
    with pytest.raises(Conflict) as conflict:
        await _reply(cases, outbox, version=1)
    assert conflict.value.extra["case"]["version"] == 2


async def test_reply_is_stored_even_when_the_broker_is_down(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    outbox.down = True
    posted = await post_reply(
        case_id=CASE, text="Merci", version=1, user=user(), cases=cases, outbox=outbox, now=at(90)
    )
    assert posted.published is False
    assert [e["event_id"] for e in cases.pending(CASE)][-2:] == [
        str(derived_event_id(posted.reply_id, "case.reply_posted")),
        str(derived_event_id(posted.reply_id, "reply.send")),
    ]


async def test_blank_reply_is_refused(cases: FakeCaseRepository, outbox: FakeOutbox) -> None:
    await _thread(classified(), cases, outbox)
    with pytest.raises(InvalidInput):
        await _reply(cases, outbox, version=1, text="   ")


async def test_case_of_another_team_is_not_found(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    with pytest.raises(NotFound):
        await _reply(cases, outbox, version=1, who=user(teams=("eau",)))
    with pytest.raises(NotFound):
        await get_case(case_id=CASE, user=user(teams=("eau",)), cases=cases)


async def test_auditor_sees_the_case_but_cannot_reply(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified(), cases, outbox)
    auditor = user("auditor")
    assert (await get_case(case_id=CASE, user=auditor, cases=cases)).case.case_id == CASE
    with pytest.raises(Forbidden):
        await _reply(cases, outbox, version=1, who=auditor)


# -- listing -----------------------------------------------------------------------------------


async def test_listing_shows_only_the_users_teams_soonest_due_first(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await _thread(classified("m1", conversation_id="a", topic="roads"), cases, outbox)
    await _thread(classified("m2", conversation_id="b", urgency="critical"), cases, outbox)
    await _thread(classified("m3", conversation_id="c", topic="other"), cases, outbox)

    supervisor = user("supervisor", teams=("voirie", "urgences"))
    items, total = await list_cases(CaseQuery(), user=supervisor, cases=cases)
    assert [(c.conversation_id, c.team) for c in items] == [("b", "urgences"), ("a", "voirie")]
    assert total == 2

    only_roads, _ = await list_cases(CaseQuery(team="voirie"), user=supervisor, cases=cases)
    assert [c.conversation_id for c in only_roads] == ["a"]
