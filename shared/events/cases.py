"""Case lifecycle events published by respond on ``cases.events``."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.envelope import Event
from shared.events.interactions import Channel


class CaseFacts(BaseModel):
    """Bounded facts about a case that every consumer may label metrics with."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    channel: Channel
    team: str | None = None
    priority: str | None = None
    topic: str | None = None
    language: str | None = None
    sentiment: str | None = None


class _CaseEvent(Event):
    case_id: UUID
    facts: CaseFacts


class CaseOpened(_CaseEvent):
    event_type: Literal["case.opened"] = "case.opened"
    interaction_id: UUID
    first_received_at: AwareDatetime
    previous_case_id: UUID | None = None


class InteractionThreaded(_CaseEvent):
    event_type: Literal["case.interaction_threaded"] = "case.interaction_threaded"
    interaction_id: UUID
    received_at: AwareDatetime


class CaseRouted(_CaseEvent):
    event_type: Literal["case.routed"] = "case.routed"
    interaction_id: UUID
    rule_index: int
    rule_name: str
    reason: str
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None


class CaseAssigned(_CaseEvent):
    """The case's assignee changed (``None``: back to the team queue)."""

    event_type: Literal["case.assigned"] = "case.assigned"
    assignee: str | None
    by: str = Field(default="auto", description="The user who assigned, or 'auto'.")
    reason: str | None = None


class CaseTransferred(_CaseEvent):
    """The case moved to another team; ``facts.team`` is the new one."""

    event_type: Literal["case.transferred"] = "case.transferred"
    from_team: str
    to_team: str
    by: str


class CaseEscalated(_CaseEvent):
    """An SLA target of the case is at risk or breached."""

    event_type: Literal["case.escalated"] = "case.escalated"
    level: Literal["at_risk", "breached"]
    target: Literal["first_response", "resolution"]
    due: AwareDatetime


class CaseSlaAdjusted(_CaseEvent):
    """Due times moved: the clock was paused while the case waited on the citizen."""

    event_type: Literal["case.sla_adjusted"] = "case.sla_adjusted"
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    paused_seconds: float = Field(ge=0, description="SLA time the wait lasted.")


class ReplyPosted(_CaseEvent):
    event_type: Literal["case.reply_posted"] = "case.reply_posted"
    reply_id: UUID
    author_user: str
    first_response: bool
    approved_by: str | None = None


class CaseResolved(_CaseEvent):
    event_type: Literal["case.resolved"] = "case.resolved"
    by: str | None = None


class CaseReopened(_CaseEvent):
    """Reopened by a responder, or by a citizen's message (``interaction_id``)."""

    event_type: Literal["case.reopened"] = "case.reopened"
    interaction_id: UUID | None = None
    by: str | None = None


CaseEvent = Annotated[
    CaseOpened
    | InteractionThreaded
    | CaseRouted
    | CaseAssigned
    | CaseTransferred
    | CaseEscalated
    | CaseSlaAdjusted
    | ReplyPosted
    | CaseResolved
    | CaseReopened,
    Field(discriminator="event_type"),
]
