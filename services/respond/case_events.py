"""The events respond publishes about a case, with ids derived from their cause."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from services.respond.domain.cases import Case, OutboundEntry
from shared.events import (
    CaseFacts,
    CaseOpened,
    CaseRouted,
    Event,
    InteractionClassified,
    InteractionThreaded,
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


def reply_events(
    case: Case, reply: OutboundEntry, *, first_response: bool, now: datetime
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
        ),
    ]


def outbox_entries(events: Sequence[Event], *, case: Case, now: datetime) -> list[Document]:
    """Outbox entries in publication order, keyed by the case's conversation.

    The delivery command goes to ``responses.outbound``; everything else to ``cases.events``.
    """
    return [
        outbox_entry(
            event,
            topic=Topic.RESPONSES_OUTBOUND if isinstance(event, SendReply) else Topic.CASES_EVENTS,
            key=case.conversation_key,
            now=now,
        )
        for event in events
    ]
