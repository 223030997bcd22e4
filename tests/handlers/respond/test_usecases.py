"""Threading interactions into cases, reading and listing them, on in-memory ports."""

from collections.abc import Sequence
from datetime import timedelta

import pytest

from services.respond.commands import CaseCommands
from services.respond.domain.cases import Case, CaseStatus
from services.respond.ports import CaseQuery
from services.respond.usecases import Threaded, get_case, list_cases, thread_interaction
from shared.errors import Forbidden, InvalidInput, NotFound, Transient
from shared.events import InteractionClassified
from shared.ids import case_id, derived_event_id
from shared.mongo import Document
from shared.topics import Topic
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, at, classified, user

CASE = case_id("lyon", "facebook", "post-9", 0)
NEXT_CASE = case_id("lyon", "facebook", "post-9", 1)


async def thread(
    event: InteractionClassified, cases: FakeCaseRepository, outbox: FakeOutbox, s: float = 2
) -> Threaded:
    return await thread_interaction(event, cases=cases, outbox=outbox, config=CONFIG, now=at(s))


# -- opening -----------------------------------------------------------------------------------


async def test_first_interaction_opens_a_routed_case_given_to_a_member(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified(text="Nid de poule rue Garibaldi", topic="roads")
    threaded = await thread(event, cases, outbox)

    assert threaded.outcome == "opened"
    case = cases.case(CASE)
    assert (case.team, case.priority, case.status, case.assignee) == (
        "voirie",
        "normal",
        CaseStatus.OPEN,
        "alice",
    )
    assert case.routing.reason == "topic=roads matched rule 'roads and lighting'"
    assert case.first_response_due == at(2 + 4 * 3600)
    assert (case.history[-1].actor, case.history[-1].action) == ("auto", "assigned")


async def test_opening_publishes_opened_routed_threaded_and_assigned_with_derived_ids(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await thread(event, cases, outbox)

    types = ["case.opened", "case.routed", "case.interaction_threaded", "case.assigned"]
    assert outbox.event_types == types
    assert outbox.event_ids == [str(derived_event_id(event.event_id, t)) for t in types]
    assert {(p["topic"], p["key"]) for p in outbox.published} == {
        (Topic.CASES_EVENTS, "lyon:facebook:post-9")
    }
    assigned = outbox.events[-1]
    assert (assigned["assignee"], assigned["by"]) == ("alice", "auto")
    assert assigned["reason"].startswith("least loaded of 2 available member(s) speaking fr")


async def test_the_least_loaded_member_gets_the_next_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified("m1", conversation_id="a"), cases, outbox)
    await thread(classified("m2", conversation_id="b"), cases, outbox)
    await thread(classified("m3", conversation_id="c"), cases, outbox)
    assert [c.assignee for c in cases.cases] == ["alice", "bob", "alice"]


async def test_a_case_in_a_language_only_one_member_speaks_goes_to_them(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified("m1", conversation_id="a"), cases, outbox)
    await thread(classified("m2", conversation_id="b", language="en"), cases, outbox)
    assert [c.assignee for c in cases.cases] == ["alice", "bob"]


async def test_with_nobody_eligible_the_case_stays_queued_and_says_why(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    busy = classified("busy", conversation_id="busy", language="en")
    await thread(busy, cases, outbox)
    held = cases.case(case_id("lyon", "facebook", "busy", 0))
    for n in range(9):  # bob now holds ten cases, his capacity
        cases.put(held.model_copy(update={"case_id": case_id("lyon", "x", str(n), 0)}))

    await thread(classified("m1", language="en"), cases, outbox)

    case = cases.case(CASE)
    assert case.assignee is None
    assert (case.history[-1].action, case.history[-1].detail) == (
        "queued",
        "no available member speaking en under capacity; left in the voirie queue",
    )
    assert "case.assigned" not in outbox.event_types[-3:]


async def test_a_member_on_leave_is_never_given_a_new_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified(topic="other"), cases, outbox)
    (case,) = cases.cases
    assert (case.team, case.assignee) == ("accueil", "gaelle")  # hugo is on leave


# -- threading ---------------------------------------------------------------------------------


async def test_follow_up_in_the_conversation_is_threaded_into_the_open_case(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified("m1"), cases, outbox)
    follow_up = classified("m2", topic="street_lighting", received_s=30)
    threaded = await thread(follow_up, cases, outbox, s=31)

    assert threaded.outcome == "threaded"
    case = cases.case(CASE)
    assert (case.version, len(case.thread)) == (2, 2)
    assert outbox.event_ids[-1] == str(
        derived_event_id(follow_up.event_id, "case.interaction_threaded")
    )
    assert len(outbox.published) == 5


async def test_redelivered_interaction_is_stored_once_and_republishes_the_same_events(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await thread(event, cases, outbox)
    first_ids = list(outbox.event_ids)
    again = await thread(event, cases, outbox, s=50)

    assert again.outcome == "duplicate"
    assert cases.case(CASE).version == 1
    assert outbox.event_ids == first_ids * 2  # still pending, so published again, same ids


async def test_redelivery_after_the_events_went_out_publishes_nothing(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    await thread(event, cases, outbox)
    cases.mark_published()
    await thread(event, cases, outbox, s=50)
    assert len(outbox.published) == 4


async def test_failed_publish_is_healed_by_the_redelivery(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    event = classified()
    outbox.down = True
    with pytest.raises(ConnectionError):
        await thread(event, cases, outbox)
    assert len(cases.pending(CASE)) == 4  # stored with its events, not published

    outbox.down = False
    await thread(event, cases, outbox, s=10)
    assert outbox.event_ids == [e["event_id"] for e in cases.pending(CASE)]


async def test_an_edited_message_replaces_its_text_in_the_thread(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified(text="Nid de poule"), cases, outbox)
    edit = classified(text="Nid de poule énorme").model_copy(update={"edited_at": at(60)})
    edited = await thread(edit, cases, outbox, s=61)

    assert edited.outcome == "edited"
    assert cases.case(CASE).thread[0].text == "Nid de poule énorme"
    assert (await thread(edit, cases, outbox, s=62)).outcome == "duplicate"


async def test_interaction_of_an_unknown_agency_is_refused(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await thread(classified(agency_id="atlantis"), cases, outbox)
    assert refused.value.code == "unknown_agency"
    assert cases.cases == []


async def test_case_that_keeps_changing_is_left_for_a_redelivery(outbox: FakeOutbox) -> None:
    class BusyCases(FakeCaseRepository):
        async def append(
            self, case: Case, *, seen_version: int, outbox: Sequence[Document]
        ) -> bool:
            return False

    cases = BusyCases()
    await thread(classified("m1"), cases, outbox)
    with pytest.raises(Transient):
        await thread(classified("m2", received_s=30), cases, outbox)
    assert len(cases.case(CASE).thread) == 1


# -- resolved cases: reopened soon after, a new case later --------------------------------------


async def resolved_at(
    s: float, cases: FakeCaseRepository, outbox: FakeOutbox, commands: CaseCommands
) -> None:
    await thread(classified("m1"), cases, outbox)
    await commands.resolve(CASE, version=1, user=user(), now=at(s))


async def test_a_message_soon_after_the_resolution_reopens_the_case(
    cases: FakeCaseRepository, outbox: FakeOutbox, commands: CaseCommands
) -> None:
    await resolved_at(100, cases, outbox, commands)
    later = 100 + timedelta(days=6).total_seconds()
    message = classified("m2", received_s=later)
    threaded = await thread(message, cases, outbox, s=later + 1)

    assert threaded.outcome == "reopened"
    case = cases.case(CASE)
    assert (case.status, case.reopened, case.version, len(case.thread)) == (
        CaseStatus.OPEN,
        1,
        3,
        2,
    )
    assert case.resolution_due == at(later + 1 + 3 * 86400)
    assert outbox.event_types[-3:] == [
        "case.reopened",
        "case.sla_adjusted",
        "case.interaction_threaded",
    ]
    reopened = outbox.events[-3]
    assert (reopened["interaction_id"], reopened["by"]) == (str(message.interaction_id), None)
    assert reopened["event_id"] == str(derived_event_id(message.event_id, "case.reopened"))


async def test_a_message_after_the_reopening_window_opens_a_new_linked_case(
    cases: FakeCaseRepository, outbox: FakeOutbox, commands: CaseCommands
) -> None:
    await resolved_at(100, cases, outbox, commands)
    later = 100 + timedelta(days=7).total_seconds()
    threaded = await thread(classified("m2", received_s=later), cases, outbox, s=later)

    assert threaded.outcome == "opened"
    newer = cases.case(NEXT_CASE)
    assert (newer.generation, newer.previous_case_id) == (1, CASE)
    assert cases.case(CASE).status is CaseStatus.RESOLVED
    opened = next(
        e
        for e in outbox.events
        if e["event_type"] == "case.opened" and e["case_id"] == str(NEXT_CASE)
    )
    assert opened["previous_case_id"] == str(CASE)


async def test_a_citizen_answer_resumes_a_waiting_case_and_announces_the_shift(
    cases: FakeCaseRepository, outbox: FakeOutbox, commands: CaseCommands
) -> None:
    await thread(classified("m1"), cases, outbox)
    await commands.reply(
        CASE, version=1, user=user(), now=at(60), text="Quelle rue ?", wait_for_citizen=True
    )
    waiting = cases.case(CASE)
    assert waiting.status is CaseStatus.WAITING
    answer = classified("m2", received_s=660)
    await thread(answer, cases, outbox, s=660)

    case = cases.case(CASE)
    assert (case.status, case.waiting_since) == (CaseStatus.OPEN, None)
    assert case.resolution_due == waiting.resolution_due + timedelta(seconds=600)  # type: ignore[operator]
    adjusted = outbox.events[-1]
    assert (adjusted["event_type"], adjusted["paused_seconds"]) == ("case.sla_adjusted", 600)
    assert adjusted["event_id"] == str(derived_event_id(answer.event_id, "case.sla_adjusted"))


# -- reading and listing -----------------------------------------------------------------------


async def test_a_case_is_read_by_its_team_and_agency_wide_roles(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified(), cases, outbox)
    for who in (user(), user("admin", teams=()), user("auditor", teams=())):
        assert (await get_case(case_id=CASE, user=who, cases=cases)).case.case_id == CASE


async def test_a_case_of_another_team_is_forbidden_and_of_another_agency_not_found(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified(), cases, outbox)
    with pytest.raises(Forbidden) as forbidden:
        await get_case(case_id=CASE, user=user(teams=("eau",)), cases=cases)
    assert forbidden.value.code == "not_your_team"
    stranger = user("admin", agency_ids=("grenoble",))
    with pytest.raises(NotFound):
        await get_case(case_id=CASE, user=stranger, cases=cases)
    with pytest.raises(NotFound):
        await get_case(case_id=NEXT_CASE, user=user(), cases=cases)


async def test_listing_shows_the_users_teams_escalated_first_then_soonest_due(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await thread(classified("m1", conversation_id="a", topic="roads"), cases, outbox)
    await thread(classified("m2", conversation_id="b", urgency="critical"), cases, outbox)
    await thread(classified("m3", conversation_id="c", topic="other"), cases, outbox)
    late = cases.case(case_id("lyon", "facebook", "a", 0))
    cases.put(late.model_copy(update={"escalation": "breached"}))

    supervisor = user("supervisor", teams=("voirie", "urgences"))
    items, total = await list_cases(CaseQuery(), user=supervisor, cases=cases, config=CONFIG)
    assert [c.conversation_id for c in items] == ["a", "b"]
    assert total == 2

    auditor = user("auditor", teams=())
    everything, _ = await list_cases(CaseQuery(), user=auditor, cases=cases, config=CONFIG)
    assert [c.conversation_id for c in everything] == ["a", "b", "c"]
