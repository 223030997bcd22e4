"""Events for the metrics tests: literal times relative to ``T0``, one case, two interactions."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from services.metrics.agencies import Agencies
from services.metrics.stages import StageEvent, Stages, apply_stage
from services.metrics.timeline import Timeline, apply
from shared.config import parse_config
from shared.events import (
    Author,
    CaseAssigned,
    CaseEscalated,
    CaseEvent,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    CaseSlaAdjusted,
    CaseTransferred,
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


def facts(
    team: str | None = "voirie",
    priority: str | None = "normal",
    *,
    topic: str | None = "roads",
    channel: Channel = Channel.FACEBOOK,
) -> CaseFacts:
    return CaseFacts(
        channel=channel,
        team=team,
        priority=priority,
        topic=topic,
        language="fr",
        sentiment="negative",
    )


def opened(
    *,
    s: float = 2,
    received_s: float = 0,
    case: UUID = CASE,
    agency: str = AGENCY,
    interaction: UUID = FIRST,
) -> CaseOpened:
    return CaseOpened(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=agency,
        case_id=case,
        facts=facts(None, None),
        interaction_id=interaction,
        first_received_at=at(received_s),
    )


def threaded(
    *, s: float, received_s: float, interaction: UUID = SECOND, case: UUID = CASE
) -> InteractionThreaded:
    return InteractionThreaded(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=case,
        facts=facts(),
        interaction_id=interaction,
        received_at=at(received_s),
    )


def routed(
    *,
    s: float = 3,
    team: str = "voirie",
    priority: str = "normal",
    rule: str = "roads",
    rule_index: int = 1,
    first_response_due_s: float | None = None,
    resolution_due_s: float | None = None,
    case: UUID = CASE,
) -> CaseRouted:
    return CaseRouted(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=case,
        facts=facts(team, priority),
        interaction_id=FIRST,
        rule_index=rule_index,
        rule_name=rule,
        reason=f"topic is {rule}",
        first_response_due=None if first_response_due_s is None else at(first_response_due_s),
        resolution_due=None if resolution_due_s is None else at(resolution_due_s),
    )


def assigned(*, s: float = 4) -> CaseAssigned:
    return CaseAssigned(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts(),
        assignee="alice",
    )  # fmt: skip


def reply(
    *,
    s: float,
    team: str | None = "voirie",
    priority: str | None = "normal",
    case: UUID = CASE,
) -> ReplyPosted:
    return ReplyPosted(
        event_id=uuid4(),
        occurred_at=at(s),
        agency_id=AGENCY,
        case_id=case,
        facts=facts(team, priority),
        reply_id=uuid4(),
        author_user="alice",
        first_response=True,
    )


def resolved(*, s: float, case: UUID = CASE) -> CaseResolved:
    return CaseResolved(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=case, facts=facts()
    )


def reopened(*, s: float, case: UUID = CASE) -> CaseReopened:
    return CaseReopened(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=case, facts=facts()
    )


def escalated(*, s: float, level: str = "breached", due_s: float = 0) -> CaseEscalated:
    return CaseEscalated(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts(),
        level=level, target="first_response", due=at(due_s),
    )  # fmt: skip


def adjusted(*, s: float, first_response_due_s: float, resolution_due_s: float) -> CaseSlaAdjusted:
    return CaseSlaAdjusted(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE, facts=facts(),
        first_response_due=at(first_response_due_s), resolution_due=at(resolution_due_s),
        paused_seconds=60,
    )  # fmt: skip


def transferred(*, s: float, to_team: str = "proprete") -> CaseTransferred:
    return CaseTransferred(
        event_id=uuid4(), occurred_at=at(s), agency_id=AGENCY, case_id=CASE,
        facts=facts(to_team), from_team="voirie", to_team=to_team, by="sam",
    )  # fmt: skip


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


def story(
    case: UUID,
    *,
    received_s: float,
    reply_s: float | None = None,
    first_response_due_s: float | None = None,
    resolved_s: float | None = None,
    resolution_due_s: float | None = None,
    agency: str = AGENCY,
    team: str = "voirie",
    priority: str = "normal",
    topic: str | None = "roads",
    channel: Channel = Channel.FACEBOOK,
    rule: str = "roads",
    rule_index: int = 1,
) -> list[CaseEvent]:
    """One case from opening to (optionally) reply and resolution, with the given labels."""
    labels = facts(team, priority, topic=topic, channel=channel)
    events: list[CaseEvent] = [
        opened(s=received_s + 1, received_s=received_s, case=case, interaction=uuid4()),
        routed(
            s=received_s + 2,
            rule=rule,
            rule_index=rule_index,
            first_response_due_s=first_response_due_s,
            resolution_due_s=resolution_due_s,
            case=case,
        ),
    ]
    if reply_s is not None:
        events.append(reply(s=reply_s, case=case))
    if resolved_s is not None:
        events.append(resolved(s=resolved_s, case=case))
    return [e.model_copy(update={"facts": labels, "agency_id": agency}) for e in events]


CONFIG = """
agencies:
  - id: lyon
    name: Ville de Lyon
    timezone: Europe/Paris
    holidays: [2026-03-04]
    teams:
      - {id: urgences, name: Cellule urgences}
      - {id: voirie, name: Voirie}
      - {id: accueil, name: Accueil}
    sla:
      urgent: {first_response: 15m, resolution: 4h}
      normal: {first_response: 4h, resolution: 3d, business_hours: "Mon-Fri 08:30-18:00"}
      low: {first_response: 1d, resolution: 7d, business_hours: "Mon-Fri 09:00-12:00"}
    routing:
      - {name: emergencies, when: {urgency: critical}, team: urgences, priority: urgent}
      - {name: roads, when: {topic: roads}, team: voirie}
      - {default: true, team: accueil, priority: low}
  - id: paris
    name: Ville de Paris
    teams: [{id: accueil, name: Accueil}]
    routing: [{default: true, team: accueil}]
"""


def agencies() -> Agencies:
    """Lyon (Europe/Paris, office hours for normal cases, a holiday on Wednesday 4 March)
    and Paris (UTC, no SLA policy)."""
    return Agencies.from_config(parse_config(CONFIG, Path("agora.yaml")))


def fold(events: Sequence[CaseEvent]) -> Timeline:
    """The timeline of ``events`` applied in the order given."""
    timeline: Timeline | None = None
    for event in events:
        timeline = apply(timeline, event)
    assert timeline is not None
    return timeline


def fold_stages(events: Sequence[StageEvent]) -> Stages:
    """The stage record of ``events`` applied in the order given."""
    stages: Stages | None = None
    for event in events:
        stages = apply_stage(stages, event)
    assert stages is not None
    return stages
