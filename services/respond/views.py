"""The responder API's read models of a case, converted from the domain at the edge."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.respond.domain.cases import Case, CaseStatus, InboundEntry, OutboundEntry
from shared.config.models import Priority
from shared.events import Channel

PREVIEW_CHARS = 120


class RoutingView(BaseModel):
    rule_index: int = Field(description="Position of the matching rule in the agency's list.")
    rule_name: str
    reason: str = Field(examples=["topic=roads matched rule 'roads and lighting'"])


class LabelsView(BaseModel):
    topic: str | None
    intent: str | None
    sentiment: str | None
    urgency: str | None
    language: str | None


class InboundView(BaseModel):
    direction: Literal["inbound"] = "inbound"
    interaction_id: UUID
    message_id: str
    text: str
    author_handle: str | None
    author_name: str | None
    at: datetime
    classification: LabelsView
    edited_at: datetime | None = Field(default=None, description="When the citizen edited it.")


class OutboundView(BaseModel):
    direction: Literal["outbound"] = "outbound"
    reply_id: UUID
    text: str
    author_user: str
    at: datetime
    delivery: str = Field(examples=["pending"])


ThreadView = Annotated[InboundView | OutboundView, Field(discriminator="direction")]


class CaseSummary(BaseModel):
    id: UUID
    agency_id: str
    status: CaseStatus
    team: str
    priority: Priority
    assignee: str | None
    channel: Channel
    conversation_id: str
    version: int = Field(description="Send it back with a change; a stale one gets 409.")
    opened_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None
    last_message_at: datetime
    message_count: int = Field(description="Messages from the citizen in the thread.")
    reply_count: int = Field(description="Replies from the agency in the thread.")
    preview: str = Field(description=f"The first {PREVIEW_CHARS} characters of the first message.")
    routing: RoutingView
    classification: LabelsView


class CaseDetail(CaseSummary):
    connection_id: str
    first_received_at: datetime
    resolution_due: datetime | None
    tags: list[str]
    thread: list[ThreadView]


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int = Field(description="Cases matching the filters, over all pages.")
    limit: int
    offset: int


def _summary_fields(case: Case) -> dict[str, object]:
    first = next((e for e in case.thread if isinstance(e, InboundEntry)), None)
    return {
        "id": case.case_id,
        "agency_id": case.agency_id,
        "status": case.status,
        "team": case.team,
        "priority": case.priority,
        "assignee": case.assignee,
        "channel": case.channel,
        "conversation_id": case.conversation_id,
        "version": case.version,
        "opened_at": case.opened_at,
        "first_response_due": case.first_response_due,
        "first_response_at": case.first_response_at,
        "last_message_at": case.last_message_at,
        "message_count": sum(isinstance(e, InboundEntry) for e in case.thread),
        "reply_count": sum(not isinstance(e, InboundEntry) for e in case.thread),
        "preview": first.text[:PREVIEW_CHARS] if first else "",
        "routing": RoutingView.model_validate(case.routing.model_dump()),
        "classification": LabelsView.model_validate(case.classification.model_dump()),
    }


def _entry(entry: InboundEntry | OutboundEntry) -> InboundView | OutboundView:
    if isinstance(entry, InboundEntry):
        return InboundView.model_validate(entry.model_dump())
    return OutboundView.model_validate(entry.model_dump())


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary.model_validate(_summary_fields(case))


def case_detail(case: Case) -> CaseDetail:
    return CaseDetail.model_validate(
        {
            **_summary_fields(case),
            "connection_id": case.connection_id,
            "first_received_at": case.first_received_at,
            "resolution_due": case.resolution_due,
            "tags": list(case.tags),
            "thread": [_entry(e) for e in case.thread],
        }
    )


def case_json(case: Case) -> dict[str, object]:
    """The full case as the API shows it, ready for an error body."""
    return case_detail(case).model_dump(mode="json")
