"""The case, one conversation being answered, and its transitions (pure: ``now`` is given).

Every transition returns a new case one version later, or raises ``CaseRefused`` with a stable
code when the case cannot take it in its present state.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.respond.domain.routing import RoutingDecision
from services.respond.domain.sla import DueTimes, SlaClock
from shared.config.models import Priority
from shared.events import Channel, Classification, Interaction, Kind

MAX_REPLY_CHARS = 5000
MAX_NOTE_CHARS = 5000
MAX_HISTORY = 500

DeliveryStatus = Literal["pending", "sent", "delivered", "read", "failed"]
Approval = Literal["not_required", "pending", "approved", "rejected"]
EscalationLevel = Literal["none", "at_risk", "breached"]
Target = Literal["first_response", "resolution"]

# How far a delivery got: a later report never moves it back (a late "sent" after "read"), and
# "failed" is final but cannot undo "delivered" or "read".
DELIVERY_RANK: dict[str, int] = {"pending": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


class CaseStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"  # on the citizen: the SLA clock is stopped
    RESOLVED = "resolved"


class InvalidReply(ValueError):
    """A reply text the case refuses; ``code`` is stable, the message explains."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class CaseRefused(Exception):
    """The case cannot take this change in its present state (a conflict, not bad input)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Labels(_Value):
    """The classification labels a responder sorts and reads by."""

    topic: str | None = None
    intent: str | None = None
    sentiment: str | None = None
    urgency: str | None = None
    language: str | None = None
    facts: tuple[str, ...] = Field(default=(), description="Fact-base entries the text matched.")

    @classmethod
    def of(cls, classification: Classification) -> "Labels":
        return cls(
            topic=classification.topic.label,
            intent=classification.intent.label,
            sentiment=classification.sentiment.label,
            urgency=classification.urgency.label,
            language=classification.language.label,
            facts=tuple(
                e.removeprefix("fact:")
                for e in classification.misinformation.evidence
                if e.startswith("fact:")
            ),
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
    kind: Kind | None = None
    text: str
    author_id: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    at: AwareDatetime
    classification: Labels
    edited_at: AwareDatetime | None = None


class OutboundEntry(_Value):
    """A responder's reply in the thread; its delivery is kept in ``Case.deliveries``."""

    direction: Literal["outbound"] = "outbound"
    reply_id: UUID
    text: str
    author_user: str
    at: AwareDatetime
    approval: Approval = "not_required"
    reviewed_by: str | None = None
    review_note: str | None = None
    wait_for_citizen: bool = Field(
        default=False, description="It asks the citizen something: once sent, the clock stops."
    )


ThreadEntry = Annotated[InboundEntry | OutboundEntry, Field(discriminator="direction")]


class Note(_Value):
    """An internal note: staff only, never sent to the citizen."""

    author_user: str
    text: str
    at: AwareDatetime


class HistoryEntry(_Value):
    """One change of the case: who did what, when."""

    at: AwareDatetime
    actor: str
    action: str
    detail: str = ""


class Escalation(_Value):
    level: Literal["at_risk", "breached"]
    target: Target
    due: AwareDatetime
    at: AwareDatetime


class Delivery(_Value):
    """What the platform did with a reply."""

    status: DeliveryStatus
    reason: str | None = None
    platform_message_id: str | None = None
    attempts: int = 0
    at: AwareDatetime


class Case(_Value):
    case_id: UUID
    agency_id: str
    conversation_key: str
    generation: int = Field(default=0, ge=0, description="Later cases of one conversation.")
    previous_case_id: UUID | None = None
    channel: Channel
    connection_id: str
    conversation_id: str
    status: CaseStatus = CaseStatus.OPEN
    team: str
    priority: Priority
    assignee: str | None = None
    routing: Routing
    sla_policy: str | None = None
    first_response_due: AwareDatetime | None = None
    resolution_due: AwareDatetime | None = None
    first_response_risk_at: AwareDatetime | None = None
    resolution_risk_at: AwareDatetime | None = None
    waiting_since: AwareDatetime | None = None
    escalation: EscalationLevel = "none"
    escalations: tuple[Escalation, ...] = ()
    opened_at: AwareDatetime
    first_received_at: AwareDatetime
    first_response_at: AwareDatetime | None = None
    last_message_at: AwareDatetime
    resolved_at: AwareDatetime | None = None
    reopened: int = 0
    version: int = Field(default=1, ge=1)
    thread: tuple[ThreadEntry, ...]
    interaction_ids: tuple[UUID, ...]
    classification: Labels
    tags: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    # Written by delivery without a version: a platform's report never makes a responder's
    # change stale.
    deliveries: dict[str, Delivery] = Field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        """Open or waiting on the citizen: not resolved."""
        return self.status is not CaseStatus.RESOLVED

    def has_interaction(self, interaction_id: UUID) -> bool:
        return interaction_id in self.interaction_ids

    @property
    def last_inbound(self) -> InboundEntry | None:
        return next((e for e in reversed(self.thread) if isinstance(e, InboundEntry)), None)

    def reply(self, reply_id: UUID) -> OutboundEntry | None:
        return next(
            (e for e in self.thread if isinstance(e, OutboundEntry) and e.reply_id == reply_id),
            None,
        )

    @property
    def due_times(self) -> DueTimes:
        return DueTimes(
            first_response=self.first_response_due,
            resolution=self.resolution_due,
            first_response_risk=self.first_response_risk_at,
            resolution_risk=self.resolution_risk_at,
        )

    def delivery_of(self, reply_id: UUID) -> Delivery | None:
        return self.deliveries.get(str(reply_id))


def _due_fields(due: DueTimes) -> dict[str, object]:
    return {
        "first_response_due": due.first_response,
        "resolution_due": due.resolution,
        "first_response_risk_at": due.first_response_risk,
        "resolution_risk_at": due.resolution_risk,
    }


def _inbound(interaction: Interaction, classification: Classification) -> InboundEntry:
    author = interaction.author
    return InboundEntry(
        interaction_id=interaction.interaction_id,
        message_id=interaction.message_id,
        kind=interaction.kind,
        text=interaction.text,
        author_id=author.id if author else None,
        author_handle=author.handle if author else None,
        author_name=author.display_name if author else None,
        at=interaction.received_at,
        classification=Labels.of(classification),
    )


def changed(
    case: Case, *, actor: str, action: str, detail: str, now: datetime, **update: object
) -> Case:
    """``case`` with ``update`` applied, one version later, and the change in its history."""
    entry = HistoryEntry(at=now, actor=actor, action=action, detail=detail)
    history = (*case.history, entry)[-MAX_HISTORY:]
    return case.model_copy(update={**update, "history": history, "version": case.version + 1})


def open_case(
    interaction: Interaction,
    classification: Classification,
    *,
    case_id: UUID,
    generation: int,
    previous_case_id: UUID | None = None,
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
        previous_case_id=previous_case_id,
        channel=interaction.channel,
        connection_id=interaction.connection_id,
        conversation_id=interaction.conversation_id,
        team=decision.team,
        priority=decision.priority,
        routing=Routing(
            rule_index=decision.rule_index, rule_name=decision.rule_name, reason=decision.reason
        ),
        sla_policy=decision.sla_policy,
        **_due_fields(due),
        opened_at=now,
        first_received_at=interaction.received_at,
        last_message_at=interaction.received_at,
        thread=(_inbound(interaction, classification),),
        interaction_ids=(interaction.interaction_id,),
        classification=Labels.of(classification),
        tags=decision.tags,
        history=(HistoryEntry(at=now, actor="routing", action="opened", detail=decision.reason),),
    )


def add_interaction(
    case: Case,
    interaction: Interaction,
    classification: Classification,
    *,
    clock: SlaClock,
    now: datetime,
) -> tuple[Case, float | None]:
    """The case with a further citizen message, and the SLA seconds its wait lasted when it
    was waiting on the citizen (the clock resumes and every due time moves by that much).

    Idempotent: threading the same interaction twice is a no-op.
    """
    if case.has_interaction(interaction.interaction_id):
        return case, None
    update: dict[str, object] = {
        "thread": (*case.thread, _inbound(interaction, classification)),
        "interaction_ids": (*case.interaction_ids, interaction.interaction_id),
        "classification": Labels.of(classification),
        "last_message_at": max(case.last_message_at, interaction.received_at),
        "version": case.version + 1,
    }
    resumed = None
    if case.status is CaseStatus.WAITING and case.waiting_since is not None:
        paused = clock.paused(case.waiting_since, now)
        detail = f"the citizen answered; SLA clock paused {paused.total_seconds():.0f} s"
        resumed_entry = HistoryEntry(at=now, actor="citizen", action="resumed", detail=detail)
        update |= {
            "status": CaseStatus.OPEN,
            "waiting_since": None,
            "history": (*case.history, resumed_entry)[-MAX_HISTORY:],
            **_due_fields(clock.shifted(case.due_times, paused)),
        }
        resumed = paused.total_seconds()
    updated = case.model_copy(update=update)
    return updated, resumed


def reopen_for_message(
    case: Case,
    interaction: Interaction,
    classification: Classification,
    *,
    clock: SlaClock,
    now: datetime,
) -> Case:
    """A resolved case reopened by a new citizen message: open again, new due times."""
    reopened = changed(
        case,
        actor="citizen",
        action="reopened",
        detail="a new message arrived after resolution",
        now=now,
        status=CaseStatus.OPEN,
        resolved_at=None,
        reopened=case.reopened + 1,
        escalation="none",
        **_due_fields(_restarted(case, clock, now)),
    )
    threaded, _ = add_interaction(reopened, interaction, classification, clock=clock, now=now)
    return threaded.model_copy(update={"version": reopened.version})


def _restarted(case: Case, clock: SlaClock, now: datetime) -> DueTimes:
    """Due times of a reopened case: counted again from now; a first response stays given."""
    due = clock.due_times(now)
    if case.first_response_at is None:
        return due
    return DueTimes(
        first_response=case.first_response_due,
        resolution=due.resolution,
        first_response_risk=case.first_response_risk_at,
        resolution_risk=due.resolution_risk,
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


def _must_be_active(case: Case, what: str) -> None:
    if not case.is_active:
        raise CaseRefused("case_resolved", f"The case is resolved: reopen it to {what}.")


@dataclass(frozen=True)
class AddedReply:
    case: Case
    entry: OutboundEntry
    first_response: bool  # False while it waits for approval: it is not sent yet


def add_reply(
    case: Case,
    *,
    reply_id: UUID,
    text: str,
    author_user: str,
    needs_approval: bool,
    wait_for_citizen: bool,
    now: datetime,
) -> AddedReply:
    """The case with a responder's reply; a reply needing approval is held, not sent."""
    check_reply_text(text)
    _must_be_active(case, "reply")
    entry = OutboundEntry(
        reply_id=reply_id,
        text=text,
        author_user=author_user,
        at=now,
        approval="pending" if needs_approval else "not_required",
        wait_for_citizen=wait_for_citizen,
    )
    update: dict[str, object] = {
        "thread": (*case.thread, entry),
        "last_message_at": max(case.last_message_at, now),
    }
    first_response = False
    if not needs_approval:
        first_response = case.first_response_at is None
        update |= _sent_fields(case, entry, now)
    detail = f"reply {reply_id}" + (" held for approval" if needs_approval else "")
    if wait_for_citizen and not needs_approval:
        detail += "; waiting on the citizen"
    updated = changed(case, actor=author_user, action="replied", detail=detail, now=now, **update)
    return AddedReply(case=updated, entry=entry, first_response=first_response)


def _sent_fields(case: Case, entry: OutboundEntry, now: datetime) -> dict[str, object]:
    """What sending ``entry`` changes: the first response, and the wait it may start."""
    fields: dict[str, object] = {}
    if case.first_response_at is None:
        fields["first_response_at"] = now
    if entry.wait_for_citizen:
        fields |= {"status": CaseStatus.WAITING, "waiting_since": now}
    return fields


def review_reply(
    case: Case, *, reply_id: UUID, approve: bool, reviewer: str, note: str | None, now: datetime
) -> AddedReply:
    """Approve (it is sent now) or reject a reply held for approval."""
    entry = case.reply(reply_id)
    if entry is None:
        raise CaseRefused("reply_not_found", f"No reply {reply_id} on this case.")
    if entry.approval != "pending":
        raise CaseRefused("not_pending_approval", f"Reply {reply_id} is {entry.approval}.")
    if approve:
        _must_be_active(case, "send a reply")
    reviewed = entry.model_copy(
        update={
            "approval": "approved" if approve else "rejected",
            "reviewed_by": reviewer,
            "review_note": note,
        }
    )
    thread = tuple(reviewed if e is entry else e for e in case.thread)
    update: dict[str, object] = {"thread": thread}
    first_response = False
    if approve:
        first_response = case.first_response_at is None
        update |= _sent_fields(case, reviewed, now)
    action = "approved" if approve else "rejected"
    updated = changed(
        case, actor=reviewer, action=action, detail=f"reply {reply_id}", now=now, **update
    )
    return AddedReply(case=updated, entry=reviewed, first_response=first_response)


def claim(case: Case, *, user: str, now: datetime) -> Case:
    _must_be_active(case, "claim it")
    if case.assignee == user:
        raise CaseRefused("already_yours", "You already hold this case.")
    if case.assignee is not None:
        raise CaseRefused(
            "already_assigned",
            f"{case.assignee} holds this case; a supervisor can reassign it.",
        )
    return changed(case, actor=user, action="claimed", detail=user, now=now, assignee=user)


def assign(case: Case, *, assignee: str | None, team: str, by: str, now: datetime) -> Case:
    """The case given to ``assignee`` (``None``: the queue) of ``team`` (a transfer if new)."""
    _must_be_active(case, "assign it")
    if team == case.team and assignee == case.assignee:
        raise CaseRefused("no_change", "The case already has this team and assignee.")
    parts = []
    if team != case.team:
        parts.append(f"team {case.team} -> {team}")
    if assignee != case.assignee:
        parts.append(f"assignee {case.assignee or 'queue'} -> {assignee or 'queue'}")
    action = "transferred" if team != case.team else "assigned"
    return changed(
        case,
        actor=by,
        action=action,
        detail="; ".join(parts),
        now=now,
        team=team,
        assignee=assignee,
    )


def add_note(case: Case, *, text: str, author_user: str, now: datetime) -> Case:
    if not text.strip():
        raise InvalidReply("empty_note", "A note needs some text.")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidReply("note_too_long", f"A note holds at most {MAX_NOTE_CHARS} characters.")
    note = Note(author_user=author_user, text=text, at=now)
    return changed(
        case,
        actor=author_user,
        action="noted",
        detail=f"{len(text)} characters",
        now=now,
        notes=(*case.notes, note),
    )


def retag(
    case: Case, *, add: tuple[str, ...], remove: tuple[str, ...], by: str, now: datetime
) -> Case:
    tags = tuple(dict.fromkeys(t for t in (*case.tags, *add) if t not in remove))
    if tags == case.tags:
        raise CaseRefused("no_change", "The case already has these tags.")
    detail = ", ".join([*(f"+{t}" for t in add), *(f"-{t}" for t in remove)])
    return changed(case, actor=by, action="tagged", detail=detail, now=now, tags=tags)


def resolve(case: Case, *, by: str, now: datetime) -> Case:
    if not case.is_active:
        raise CaseRefused("case_resolved", "The case is already resolved.")
    return changed(
        case,
        actor=by,
        action="resolved",
        detail="",
        now=now,
        status=CaseStatus.RESOLVED,
        resolved_at=now,
        waiting_since=None,
        escalation="none",
    )


def reopen(case: Case, *, by: str, clock: SlaClock, now: datetime) -> Case:
    if case.is_active:
        raise CaseRefused("case_active", "Only a resolved case can be reopened.")
    return changed(
        case,
        actor=by,
        action="reopened",
        detail="",
        now=now,
        status=CaseStatus.OPEN,
        resolved_at=None,
        reopened=case.reopened + 1,
        **_due_fields(_restarted(case, clock, now)),
    )


def record_delivery(case: Case, *, reply_id: UUID, delivery: Delivery) -> Case | None:
    """The case with a newer delivery state of a reply; None when it adds nothing.

    Not a version change: the responder's view of the case stays current.
    """
    key = str(reply_id)
    known = case.deliveries.get(key)
    if known is not None:
        if DELIVERY_RANK[delivery.status] <= DELIVERY_RANK[known.status]:
            return None
        if delivery.status == "failed" and known.status in ("delivered", "read"):
            return None  # a message the citizen received cannot fail afterwards
        delivery = delivery.model_copy(
            update={
                "platform_message_id": delivery.platform_message_id or known.platform_message_id,
                "attempts": max(delivery.attempts, known.attempts),
            }
        )
    return case.model_copy(update={"deliveries": {**case.deliveries, key: delivery}})
