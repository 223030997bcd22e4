"""Literal inputs for the respond tests: one agency, interactions, classifications, users."""

from datetime import UTC, datetime, timedelta
from typing import Any

from services.respond.domain.access import User
from services.respond.domain.cases import Case, open_case
from services.respond.domain.routing import route
from services.respond.domain.sla import due_times
from shared.config import Agency, AgoraConfig
from shared.events import (
    Author,
    Channel,
    Classification,
    Interaction,
    InteractionClassified,
    Kind,
    Verdict,
)
from shared.ids import case_id, derived_event_id, interaction_id

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENCY_ID = "lyon"
CONNECTION = "lyon-demo"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


AGENCY = Agency.model_validate(
    {
        "id": AGENCY_ID,
        "name": "Ville de Lyon",
        "teams": [
            {"id": team, "name": team.title()}
            for team in ("urgences", "voirie", "moderation", "sms", "communication", "accueil")
        ],
        "sla": {
            "urgent": {"first_response": "15m", "resolution": "4h"},
            "high": {"first_response": "1h", "resolution": "1d"},
            "normal": {"first_response": "4h", "resolution": "3d"},
            "low": {"first_response": "1d", "resolution": "7d"},
        },
        "routing": [
            {
                "name": "emergencies",
                "when": {"urgency": "critical"},
                "team": "urgences",
                "priority": "urgent",
            },
            {
                "name": "roads and lighting",
                "when": {"topic": ["roads", "street_lighting"]},
                "team": "voirie",
            },
            {
                "name": "potholes",
                "when": {"keywords": ["nid de poule", "pothole"]},
                "team": "voirie",
                "priority": "high",
                "tags": ["pothole"],
            },
            {
                "name": "abuse",
                "when": {"toxicity": "toxic", "channel": ["x", "facebook"]},
                "team": "moderation",
                "sla": "low",
            },
            {"when": {"connection": "lyon-sms", "language": "en"}, "team": "sms"},
            {
                "name": "rumours",
                "when": {"misinformation": "likely_false", "sentiment": ["negative", "angry"]},
                "team": "communication",
            },
            {"name": "everything else", "default": True, "team": "accueil", "priority": "low"},
        ],
    }
)

CONFIG = AgoraConfig(agencies=[AGENCY])


def classification(
    *,
    topic: str = "other",
    intent: str = "complaint",
    sentiment: str = "neutral",
    urgency: str = "normal",
    language: str = "fr",
    toxicity: str = "not_toxic",
    misinformation: str = "none",
) -> Classification:
    def verdict(label: str) -> Verdict:
        return Verdict(label=label, score=0.9, by="test")

    return Classification(
        language=verdict(language),
        topic=verdict(topic),
        intent=verdict(intent),
        sentiment=verdict(sentiment),
        urgency=verdict(urgency),
        toxicity=verdict(toxicity),
        spam=verdict("not_spam"),
        misinformation=verdict(misinformation),
        crisis_relevance=verdict("not_related"),
        crisis_info_type=verdict("none"),
    )


def interaction(
    message_id: str = "m1",
    *,
    text: str = "Bonjour",
    conversation_id: str = "post-9",
    channel: Channel = Channel.FACEBOOK,
    connection_id: str = CONNECTION,
    agency_id: str = AGENCY_ID,
    received_s: float = 0,
) -> Interaction:
    return Interaction(
        interaction_id=interaction_id(agency_id, channel, message_id),
        agency_id=agency_id,
        connection_id=connection_id,
        channel=channel,
        kind=Kind.COMMENT,
        message_id=message_id,
        conversation_id=conversation_id,
        author=Author(id="citizen-1", handle="@citizen", display_name="A. Citizen"),
        text=text,
        created_at=at(received_s),
        received_at=at(received_s),
    )


def classified(
    message_id: str = "m1", *, topic: str = "roads", urgency: str = "normal", **fields: Any
) -> InteractionClassified:
    """A classified interaction, its event id derived the way classify derives it."""
    item = interaction(message_id, **fields)
    return InteractionClassified(
        event_id=derived_event_id(item.interaction_id, "interaction.classified"),
        occurred_at=item.received_at + timedelta(seconds=1),
        agency_id=item.agency_id,
        interaction_id=item.interaction_id,
        interaction=item,
        classification=classification(topic=topic, urgency=urgency),
    )


def a_case(event: InteractionClassified | None = None, *, opened_s: float = 2) -> Case:
    """A freshly opened case, the way the use case opens one."""
    event = event or classified()
    item = event.interaction
    decision = route(AGENCY, item, event.classification)
    return open_case(
        item,
        event.classification,
        case_id=case_id(item.agency_id, item.channel, item.conversation_id, 0),
        generation=0,
        decision=decision,
        due=due_times(AGENCY, decision.sla_policy, opened_at=at(opened_s)),
        now=at(opened_s),
    )


def user(
    role: str = "responder", *, teams: tuple[str, ...] = ("voirie",), name: str = "alice"
) -> User:
    return User.model_validate(
        {"user": name, "role": role, "teams": teams, "agency_ids": (AGENCY_ID,)}
    )
