"""The events respond publishes about a case, with ids derived from their cause."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.respond.domain.assignment import AssignmentChoice
from services.respond.domain.cases import Case, Delivery, Escalation, OutboundEntry
from shared.events import (
    CaseAssigned,
    CaseEscalated,
    CaseFacts,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    CaseSlaAdjusted,
    CaseTransferred,
    Event,
    InteractionClassified,
    InteractionThreaded,
    ReplyDelivered,
    ReplyPosted,
    SendReply,
)
from shared.ids import derived_event_id
from shared.mongo import Document
from shared.outbox import outbox_entry
from shared.topics import Topic


def facts_of(case: Case) -> CaseFacts:
    """The bounded labels every consumer may count the case's events by."""
    return CaseFacts(
        channel=case.channel,
        team=case.team,
        priority=case.priority,
        topic=case.classification.topic,
        language=case.classification.language,
        sentiment=case.classification.sentiment,
    )


def threaded(event: InteractionClassified, case: Case, *, now: datetime) -> InteractionThreaded:
    """Published for every interaction of a case, its first included."""
    return InteractionThreaded(
        event_id=derived_event_id(event.event_id, "case.interaction_threaded"),
        occurred_at=now,
        agency_id=case.agency_id,
        case_id=case.case_id,
        facts=facts_of(case),
        interaction_id=event.interaction_id,
        received_at=event.interaction.received_at,
    )


def opened(
    event: InteractionClassified, case: Case, *, previous_case_id: UUID | None, now: datetime
) -> list[Event]:
    """What a new case announces, in order: opened, routed, its first interaction threaded."""
    facts = facts_of(case)
    return [
        CaseOpened(
            event_id=derived_event_id(event.event_id, "case.opened"),
            occurred_at=now,
            agency_id=case.agency_id,
            case_id=case.case_id,
            facts=facts,
            interaction_id=event.interaction_id,
            first_received_at=case.first_received_at,
            previous_case_id=previous_case_id,
        ),
        CaseRouted(
            event_id=derived_event_id(event.event_id, "case.routed"),
            occurred_at=now,
            agency_id=case.agency_id,
            case_id=case.case_id,
            facts=facts,
            interaction_id=event.interaction_id,
            rule_index=case.routing.rule_index,
            rule_name=case.routing.rule_name,
            reason=case.routing.reason,
            first_response_due=case.first_response_due,
            resolution_due=case.resolution_due,
        ),
        threaded(event, case, now=now),
    ]


def auto_assigned(
    event: InteractionClassified, case: Case, choice: AssignmentChoice, *, now: datetime
) -> CaseAssigned:
    return CaseAssigned(
        event_id=derived_event_id(event.event_id, "case.assigned"),
        occurred_at=now,
        agency_id=case.agency_id,
        case_id=case.case_id,
        facts=facts_of(case),
        assignee=choice.assignee,
        by="auto",
        reason=choice.reason,
    )


def _change_id(case: Case, what: str) -> UUID:
    """Events of a responder's change: one id per (case, version), so a retry repeats it."""
    return derived_event_id(case.case_id, what, str(case.version))


def assignment_events(before: Case, after: Case, *, by: str, now: datetime) -> list[Event]:
    """A transfer when the team changed, then the assignment when the assignee changed."""
    facts = facts_of(after)
    events: list[Event] = []
    if after.team != before.team:
        events.append(
            CaseTransferred(
                event_id=_change_id(after, "case.transferred"),
                occurred_at=now,
                agency_id=after.agency_id,
                case_id=after.case_id,
                facts=facts,
                from_team=before.team,
                to_team=after.team,
                by=by,
            )
        )
    if after.assignee != before.assignee:
        events.append(
            CaseAssigned(
                event_id=_change_id(after, "case.assigned"),
                occurred_at=now,
                agency_id=after.agency_id,
                case_id=after.case_id,
                facts=facts,
                assignee=after.assignee,
                by=by,
            )
        )
    return events


def resolved(case: Case, *, by: str, now: datetime) -> CaseResolved:
    return CaseResolved(
        event_id=_change_id(case, "case.resolved"),
        occurred_at=now,
        agency_id=case.agency_id,
        case_id=case.case_id,
        facts=facts_of(case),
        by=by,
    )


def reopened(
    case: Case, *, by: str | None, now: datetime, cause: InteractionClassified | None = None
) -> list[Event]:
    """The reopening, and the due times it counts again from now."""
    event_id = (
        derived_event_id(cause.event_id, "case.reopened")
        if cause is not None
        else _change_id(case, "case.reopened")
    )
    return [
        CaseReopened(
            event_id=event_id,
            occurred_at=now,
            agency_id=case.agency_id,
            case_id=case.case_id,
            facts=facts_of(case),
            interaction_id=cause.interaction_id if cause is not None else None,
            by=by,
        ),
        sla_adjusted(case, paused_s=0, now=now, event_id=derived_event_id(event_id, "sla")),
    ]


def sla_adjusted(case: Case, *, paused_s: float, now: datetime, event_id: UUID) -> CaseSlaAdjusted:
    return CaseSlaAdjusted(
        event_id=event_id,
        occurred_at=now,
        agency_id=case.agency_id,
        case_id=case.case_id,
        facts=facts_of(case),
        first_response_due=case.first_response_due,
        resolution_due=case.resolution_due,
        paused_seconds=paused_s,
    )


def escalated(case: Case, escalation: Escalation) -> CaseEscalated:
    return CaseEscalated(
        event_id=derived_event_id(
            case.case_id,
            "case.escalated",
            f"{escalation.target}:{escalation.level}:{escalation.due.isoformat()}",
        ),
        occurred_at=escalation.at,
        agency_id=case.agency_id,
        case_id=case.case_id,
        facts=facts_of(case),
        level=escalation.level,
        target=escalation.target,
        due=escalation.due,
    )


def delivered(case: Case, reply_id: UUID, delivery: Delivery) -> ReplyDelivered:
    return ReplyDelivered(
        event_id=derived_event_id(reply_id, "reply.delivered", delivery.status),
        occurred_at=delivery.at,
        agency_id=case.agency_id,
        reply_id=reply_id,
        case_id=case.case_id,
        channel=case.channel,
        status=delivery.status,
        reason=delivery.reason,
        platform_message_id=delivery.platform_message_id,
        attempts=delivery.attempts,
    )


def reply_events(
    case: Case,
    reply: OutboundEntry,
    *,
    first_response: bool,
    now: datetime,
    approved_by: str | None = None,
) -> list[Event]:
    """The reply as a case event, then the command that delivers it to the platform."""
    reply_id = reply.reply_id
    last_inbound = case.last_inbound
    return [
        ReplyPosted(
            event_id=derived_event_id(reply_id, "case.reply_posted"),
            occurred_at=now,
            agency_id=case.agency_id,
            case_id=case.case_id,
            facts=facts_of(case),
            reply_id=reply_id,
            author_user=reply.author_user,
            first_response=first_response,
            approved_by=approved_by,
        ),
        SendReply(
            event_id=derived_event_id(reply_id, "reply.send"),
            occurred_at=now,
            agency_id=case.agency_id,
            reply_id=reply_id,
            case_id=case.case_id,
            channel=case.channel,
            connection_id=case.connection_id,
            conversation_id=case.conversation_id,
            in_reply_to=last_inbound.message_id if last_inbound else None,
            text=reply.text,
            in_reply_to_kind=last_inbound.kind if last_inbound else None,
            recipient_id=last_inbound.author_id if last_inbound else None,
            recipient_handle=last_inbound.author_handle if last_inbound else None,
            last_inbound_at=last_inbound.at if last_inbound else None,
            language=case.classification.language,
        ),
    ]


def outbox_entries(events: Sequence[Event], *, case: Case, now: datetime) -> list[Document]:
    """Outbox entries in publication order, keyed by the case's conversation.

    The delivery command goes to ``responses.outbound``, delivery outcomes to
    ``responses.delivered``, everything else to ``cases.events``.
    """
    return [
        outbox_entry(event, topic=_topic_of(event), key=case.conversation_key, now=now)
        for event in events
    ]


def _topic_of(event: Event) -> Topic:
    if isinstance(event, SendReply):
        return Topic.RESPONSES_OUTBOUND
    if isinstance(event, ReplyDelivered):
        return Topic.RESPONSES_DELIVERED
    return Topic.CASES_EVENTS
