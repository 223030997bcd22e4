"""The case, one conversation being answered, and its transitions (pure: ``now`` is given)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.respond.domain.routing import RoutingDecision
from services.respond.domain.sla import DueTimes
from shared.config.models import Priority
from shared.events import Channel, Classification, Interaction

MAX_REPLY_CHARS = 5000

Delivery = Literal["pending", "sent", "delivered", "failed"]


class CaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class InvalidReply(ValueError):
    """A reply text the case refuses; ``code`` is stable, the message explains."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class CaseNotOpen(Exception):
    """Only an open case takes replies."""


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Labels(_Value):
    """The classification labels a responder sorts and reads by."""

    topic: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    urgency: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, classification: Classification) -> "Labels":
        return cls(
            topic=classification.topic.label,
            intent=classification.intent.label,
            sentiment=classification.sentiment.label,
            urgency=classification.urgency.label,
            language=classification.language.label,
        )


class Routing(_Value):
    rule_index: int
    rule_name: str
    reason: str


class InboundEntry(_Value):
    """A citizen's message in the thread."""

    direction: Literal["inbound"] = "inbound"
    interaction_id: UUID
    message_id: str
    text: str
    author_handle: str | None = None
    author_name: str | None = None
    at: AwareDatetime
    classification: Labels
    edited_at: AwareDatetime | None = None


class OutboundEntry(_Value):
    """A responder's reply in the thread; ``delivery`` follows the platform's answer."""

    direction: Literal["outbound"] = "outbound"
    reply_id: UUID
    text: str
    author_user: str
    at: AwareDatetime
    delivery: Delivery = "pending"


ThreadEntry = Annotated[InboundEntry | OutboundEntry, Field(discriminator="direction")]


class Case(_Value):
    case_id: UUID
    agency_id: str
    conversation_key: str
    generation: int = Field(default=0, ge=0, description="Later cases of one conversation.")
    channel: Channel
    connection_id: str
    conversation_id: str
    status: CaseStatus = CaseStatus.OPEN
    team: str
    priority: Priority
    assignee: str | None = None
    routing: Routing
    first_response_due: AwareDatetime | None = None
    resolution_due: AwareDatetime | None = None
    opened_at: AwareDatetime
    first_received_at: AwareDatetime
    first_response_at: AwareDatetime | None = None
    last_message_at: AwareDatetime
    version: int = Field(default=1, ge=1)
    thread: tuple[ThreadEntry, ...]
    interaction_ids: tuple[UUID, ...]
    classification: Labels
    tags: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    def has_interaction(self, interaction_id: UUID) -> bool:
        return interaction_id in self.interaction_ids

    @property
    def last_inbound(self) -> InboundEntry | None:
        return next((e for e in reversed(self.thread) if isinstance(e, InboundEntry)), None)


def _inbound(interaction: Interaction, classification: Classification) -> InboundEntry:
    author = interaction.author
    return InboundEntry(
        interaction_id=interaction.interaction_id,
        message_id=interaction.message_id,
        text=interaction.text,
        author_handle=author.handle if author else None,
        author_name=author.display_name if author else None,
        at=interaction.received_at,
        classification=Labels.of(classification),
    )


def open_case(
    interaction: Interaction,
    classification: Classification,
    *,
    case_id: UUID,
    generation: int,
    decision: RoutingDecision,
    due: DueTimes,
    now: datetime,
) -> Case:
    """A new open case holding its first interaction, routed by ``decision``."""
    return Case(
        case_id=case_id,
        agency_id=interaction.agency_id,
        conversation_key=interaction.conversation_key,
        generation=generation,
        channel=interaction.channel,
        connection_id=interaction.connection_id,
        conversation_id=interaction.conversation_id,
        team=decision.team,
        priority=decision.priority,
        routing=Routing(
            rule_index=decision.rule_index, rule_name=decision.rule_name, reason=decision.reason
        ),
        first_response_due=due.first_response,
        resolution_due=due.resolution,
        opened_at=now,
        first_received_at=interaction.received_at,
        last_message_at=interaction.received_at,
        thread=(_inbound(interaction, classification),),
        interaction_ids=(interaction.interaction_id,),
        classification=Labels.of(classification),
        tags=decision.tags,
    )


def add_interaction(case: Case, interaction: Interaction, classification: Classification) -> Case:
    """The case with a further citizen message. Idempotent: threading twice is a no-op."""
    if case.has_interaction(interaction.interaction_id):
        return case
    return case.model_copy(
        update={
            "thread": (*case.thread, _inbound(interaction, classification)),
            "interaction_ids": (*case.interaction_ids, interaction.interaction_id),
            "classification": Labels.of(classification),
            "last_message_at": max(case.last_message_at, interaction.received_at),
            "version": case.version + 1,
        }
    )


def edit_interaction(
    case: Case,
    interaction: Interaction,
    classification: Classification,
    *,
    edited_at: datetime,
) -> Case | None:
    """The case with a citizen's message replaced by its edited version.

    None when there is nothing to change: the message is not in this case, or this edit (or a
    later one) is already applied, so replaying an edit is a no-op.
    """
    thread = list(case.thread)
    for index, entry in enumerate(thread):
        if isinstance(entry, InboundEntry) and entry.interaction_id == interaction.interaction_id:
            if entry.edited_at is not None and entry.edited_at >= edited_at:
                return None
            thread[index] = entry.model_copy(
                update={
                    "text": interaction.text,
                    "classification": Labels.of(classification),
                    "edited_at": edited_at,
                }
            )
            return case.model_copy(update={"thread": tuple(thread), "version": case.version + 1})
    return None


def check_reply_text(text: str) -> None:
    """Raise ``InvalidReply`` unless ``text`` is non-blank and at most MAX_REPLY_CHARS long."""
    if not text.strip():
        raise InvalidReply("empty_reply", "A reply needs some text.")
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidReply("reply_too_long", f"A reply holds at most {MAX_REPLY_CHARS} characters.")


@dataclass(frozen=True)
class AddedReply:
    case: Case
    entry: OutboundEntry
    first_response: bool


def add_reply(
    case: Case, *, reply_id: UUID, text: str, author_user: str, now: datetime
) -> AddedReply:
    """The case with a responder's reply, and whether it is the case's first response."""
    check_reply_text(text)
    if not case.is_open:
        raise CaseNotOpen(f"case {case.case_id} is {case.status}")
    first_response = case.first_response_at is None
    entry = OutboundEntry(reply_id=reply_id, text=text, author_user=author_user, at=now)
    updated = case.model_copy(
        update={
            "thread": (*case.thread, entry),
            "first_response_at": now if first_response else case.first_response_at,
            "last_message_at": max(case.last_message_at, now),
            "version": case.version + 1,
        }
    )
    return AddedReply(case=updated, entry=entry, first_response=first_response)
