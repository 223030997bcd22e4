"""The SLA watch: levels raised when their time comes, once, and published."""

from collections.abc import Sequence

from services.respond.domain.cases import Case
from services.respond.escalations import escalate_due
from services.respond.usecases import thread_interaction
from shared.ids import case_id, derived_event_id
from shared.mongo import Document
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG, at, classified

CASE = case_id("lyon", "facebook", "post-9", 0)
FIRST_RISK, FIRST_DUE = at(2 + 11520), at(2 + 14400)


async def opened(cases: FakeCaseRepository, outbox: FakeOutbox) -> None:
    await thread_interaction(classified(), cases=cases, outbox=outbox, config=CONFIG, now=at(2))
    outbox.published.clear()


async def test_nothing_is_raised_before_the_risk_time(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await opened(cases, outbox)
    assert await escalate_due(cases=cases, outbox=outbox, now=at(3600)) == 0
    assert outbox.published == []


async def test_an_at_risk_case_is_escalated_once_and_announced(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    await opened(cases, outbox)

    assert await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK) == 1
    assert await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK) == 0

    case = cases.case(CASE)
    assert (case.escalation, case.version) == ("at_risk", 1)
    (event,) = outbox.events
    assert (event["event_type"], event["level"], event["target"]) == (
        "case.escalated",
        "at_risk",
        "first_response",
    )
    assert event["event_id"] == str(
        derived_event_id(CASE, "case.escalated", f"first_response:at_risk:{FIRST_DUE.isoformat()}")
    )
    assert cases.pending(CASE)[-1]["event_id"] == event["event_id"]


async def test_a_breach_follows_the_risk(cases: FakeCaseRepository, outbox: FakeOutbox) -> None:
    await opened(cases, outbox)
    await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK)
    await escalate_due(cases=cases, outbox=outbox, now=FIRST_DUE)

    assert cases.case(CASE).escalation == "breached"
    assert [e["level"] for e in outbox.events] == ["at_risk", "breached"]


async def test_a_case_changed_meanwhile_is_left_for_the_next_round(outbox: FakeOutbox) -> None:
    class MovingCases(FakeCaseRepository):
        async def save(
            self, case: Case, *, seen_version: int, outbox: Sequence[Document] = ()
        ) -> bool:
            return False

    cases = MovingCases()
    await opened(cases, outbox)

    assert await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK) == 0
    assert outbox.published == []
    assert cases.case(CASE).escalation == "none"


async def test_each_round_looks_at_no_more_than_its_limit(
    cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    for n in range(3):
        await thread_interaction(
            classified(f"m{n}", conversation_id=f"c{n}"),
            cases=cases,
            outbox=outbox,
            config=CONFIG,
            now=at(2),
        )
    assert await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK, limit=2) == 2
    assert await escalate_due(cases=cases, outbox=outbox, now=FIRST_RISK, limit=2) == 1
