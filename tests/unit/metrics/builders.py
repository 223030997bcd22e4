"""Events for the metrics tests: literal times relative to ``T0``, one case, two interactions."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from shared.events import (
    Author,
    CaseAssigned,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    Channel,
    Classification,
    Interaction,
    InteractionClassified,
    InteractionReceived,
    InteractionThreaded,
    Kind,
    ReplyPosted,
    Verdict,
)
from shared.events.cases import CaseFacts

AGENCY = "lyon"
CASE = UUID("00000000-0000-4000-8000-00000000ca5e")
FIRST = UUID("00000000-0000-4000-8000-000000000001")
SECOND = UUID("00000000-0000-4000-8000-000000000002")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def facts(team: str | None = "voirie", priority: str | None = "normal") -> CaseFacts:
    return CaseFacts(channel=Channel.FACEBOOK, team=team, priority=priority, topic="roads")


def opened(*, s: float = 2, received_s: float = 0, case: UUID = CASE) -> CaseOpened:
    return CaseOpened(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=case,
        facts=facts(None, None),
        interaction_id=FIRST,
        first_received_at=at(received_s),
    )


def threaded(*, s: float, received_s: float, interaction: UUID = SECOND) -> InteractionThreaded:
    return InteractionThreaded(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=CASE,
        facts=facts(),
        interaction_id=interaction,
        received_at=at(received_s),
    )


def routed(
    *, s: float = 3, team: str = "voirie", priority: str = "normal", rule: str = "roads"
) -> CaseRouted:
    return CaseRouted(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=CASE,
        facts=facts(team, priority),
        interaction_id=FIRST,
        rule_index=1,
        rule_name=rule,
        reason=f"topic is {rule}",
    )


def assigned(*, s: float = 4) -> CaseAssigned:
    return CaseAssigned(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts(),
        assignee="alice",
    )  # fmt: skip


def reply(*, s: float, team: str | None = "voirie", priority: str | None = "normal") -> ReplyPosted:
    return ReplyPosted(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=CASE,
        facts=facts(team, priority),
        reply_id=uuid4(),
        author_user="alice",
        first_response=True,
    )


def resolved(*, s: float) -> CaseResolved:
    return CaseResolved(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts()
    )


def reopened(*, s: float) -> CaseReopened:
    return CaseReopened(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts()
    )


def interaction(*, received_s: float = 0, interaction_id: UUID = FIRST) -> Interaction:
    return Interaction(
        interaction_id=interaction_id,
        agency_id=AGENCY,
        connection_id="lyon-meta",
        channel=Channel.FACEBOOK,
        kind=Kind.COMMENT,
        message_id="m-1",
        conversation_id="post-9",
        author=Author(id="citizen-42", handle="@jdupont", display_name="Jeanne Dupont"),
        text="Un nid de poule énorme rue Garibaldi",
        created_at=at(received_s - 1),
        received_at=at(received_s),
    )


def received(*, received_s: float = 0) -> InteractionReceived:
    return InteractionReceived(
        event_id=uuid4(),
        occurred_at=at(received_s),
        agency_id=AGENCY,
        interaction_id=FIRST,
        interaction=interaction(received_s=received_s),
    )


def _verdict(label: str) -> Verdict:
    return Verdict(label=label, score=0.9, by="test_rule")


def classified(*, s: float, received_s: float = 0, topic: str = "roads") -> InteractionClassified:
    return InteractionClassified(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        interaction_id=FIRST,
        interaction=interaction(received_s=received_s),
        classification=Classification(
            language=_verdict("fr"),
            topic=_verdict(topic),
            intent=_verdict("complaint"),
            sentiment=_verdict("negative"),
            urgency=_verdict("normal"),
            toxicity=_verdict("none"),
            spam=_verdict("no"),
            misinformation=_verdict("no"),
            crisis_relevance=_verdict("no"),
            crisis_info_type=_verdict("none"),
            redacted_text="Un nid de poule énorme rue Garibaldi",
        ),
    )
