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
    event_type: Literal["case.assigned"] = "case.assigned"
    assignee: str | None


class ReplyPosted(_CaseEvent):
    event_type: Literal["case.reply_posted"] = "case.reply_posted"
    reply_id: UUID
    author_user: str
    first_response: bool


class CaseResolved(_CaseEvent):
    event_type: Literal["case.resolved"] = "case.resolved"


class CaseReopened(_CaseEvent):
    event_type: Literal["case.reopened"] = "case.reopened"
    interaction_id: UUID | None = None


CaseEvent = Annotated[
    CaseOpened
    | InteractionThreaded
    | CaseRouted
    | CaseAssigned
    | ReplyPosted
    | CaseResolved
    | CaseReopened,
    Field(discriminator="event_type"),
]
