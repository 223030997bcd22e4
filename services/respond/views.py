"""The responder API's read models of a case, converted from the domain at the edge."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.respond.domain.cases import (
    Approval,
    Case,
    CaseStatus,
    DeliveryStatus,
    EscalationLevel,
    InboundEntry,
    OutboundEntry,
)
from services.respond.domain.templates import suggested_replies
from shared.config import Agency
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
    facts: list[str] = Field(default=[], description="Known false claims the text matched.")


class InboundView(BaseModel):
    direction: Literal["inbound"] = "inbound"
    interaction_id: UUID
    message_id: str
    kind: str | None = None
    text: str
    author_handle: str | None
    author_name: str | None
    at: datetime
    classification: LabelsView
    edited_at: datetime | None = Field(default=None, description="When the citizen edited it.")


class DeliveryView(BaseModel):
    status: DeliveryStatus = Field(examples=["delivered"])
    reason: str | None = Field(default=None, description="Why it failed, in the platform's words.")
    platform_message_id: str | None = None
    attempts: int = 0
    at: datetime | None = None


class OutboundView(BaseModel):
    direction: Literal["outbound"] = "outbound"
    reply_id: UUID
    text: str
    author_user: str
    at: datetime
    approval: Approval = Field(description="not_required, pending (held), approved, rejected.")
    reviewed_by: str | None = None
    review_note: str | None = None
    delivery: DeliveryView


ThreadView = Annotated[InboundView | OutboundView, Field(discriminator="direction")]


class NoteView(BaseModel):
    author_user: str
    text: str
    at: datetime


class HistoryView(BaseModel):
    at: datetime
    actor: str = Field(examples=["alice", "auto", "sla", "citizen", "routing"])
    action: str = Field(examples=["claimed"])
    detail: str


class EscalationView(BaseModel):
    level: Literal["at_risk", "breached"]
    target: Literal["first_response", "resolution"]
    due: datetime
    at: datetime


class SuggestionView(BaseModel):
    source: str = Field(examples=["fact:bus-free"], description="Why it is suggested.")
    language: str
    text: str
    link: str | None


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
    escalation: EscalationLevel = Field(description="breached and at_risk cases come first.")
    opened_at: datetime
    first_response_due: datetime | None
    first_response_at: datetime | None
    resolution_due: datetime | None
    last_message_at: datetime
    message_count: int = Field(description="Messages from the citizen in the thread.")
    reply_count: int = Field(description="Replies from the agency in the thread.")
    preview: str = Field(description=f"The first {PREVIEW_CHARS} characters of the first message.")
    tags: list[str]
    routing: RoutingView
    classification: LabelsView


class CaseDetail(CaseSummary):
    connection_id: str
    first_received_at: datetime
    sla_policy: str | None
    first_response_risk_at: datetime | None
    resolution_risk_at: datetime | None
    waiting_since: datetime | None = Field(description="Set while it waits on the citizen.")
    resolved_at: datetime | None
    reopened: int
    previous_case_id: UUID | None = Field(description="The conversation's earlier case.")
    escalations: list[EscalationView]
    thread: list[ThreadView]
    notes: list[NoteView] = Field(description="Internal: never sent to the citizen.")
    history: list[HistoryView]
    suggested_replies: list[SuggestionView] = Field(
        default=[], description="The official answers to known false claims the case matched."
    )


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
        "escalation": case.escalation,
        "opened_at": case.opened_at,
        "first_response_due": case.first_response_due,
        "first_response_at": case.first_response_at,
        "resolution_due": case.resolution_due,
        "last_message_at": case.last_message_at,
        "message_count": sum(isinstance(e, InboundEntry) for e in case.thread),
        "reply_count": sum(not isinstance(e, InboundEntry) for e in case.thread),
        "preview": first.text[:PREVIEW_CHARS] if first else "",
        "tags": list(case.tags),
        "routing": RoutingView.model_validate(case.routing.model_dump()),
        "classification": LabelsView.model_validate(case.classification.model_dump()),
    }


def _entry(case: Case, entry: InboundEntry | OutboundEntry) -> InboundView | OutboundView:
    if isinstance(entry, InboundEntry):
        return InboundView.model_validate(entry.model_dump())
    delivery = case.delivery_of(entry.reply_id)
    status = "pending" if delivery is None else delivery.status
    return OutboundView.model_validate(
        {
            **entry.model_dump(),
            "delivery": DeliveryView(status=status)
            if delivery is None
            else DeliveryView.model_validate(delivery.model_dump()),
        }
    )


def case_summary(case: Case) -> CaseSummary:
    return CaseSummary.model_validate(_summary_fields(case))


def case_detail(case: Case, agency: Agency | None = None) -> CaseDetail:
    """The whole case; with its ``agency``, the replies it suggests too."""
    suggestions = suggested_replies(agency, case) if agency is not None else []
    return CaseDetail.model_validate(
        {
            **_summary_fields(case),
            "connection_id": case.connection_id,
            "first_received_at": case.first_received_at,
            "sla_policy": case.sla_policy,
            "first_response_risk_at": case.first_response_risk_at,
            "resolution_risk_at": case.resolution_risk_at,
            "waiting_since": case.waiting_since,
            "resolved_at": case.resolved_at,
            "reopened": case.reopened,
            "previous_case_id": case.previous_case_id,
            "escalations": [e.model_dump() for e in case.escalations],
            "thread": [_entry(case, e) for e in case.thread],
            "notes": [n.model_dump() for n in case.notes],
            "history": [h.model_dump() for h in case.history],
            "suggested_replies": [s.__dict__ for s in suggestions],
        }
    )


def case_json(case: Case) -> dict[str, object]:
    """The full case as the API shows it, ready for an error body."""
    return case_detail(case).model_dump(mode="json")
