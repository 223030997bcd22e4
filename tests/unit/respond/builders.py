"""Literal inputs for the respond tests: two agencies, interactions, classifications, users."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.respond.domain.access import User
from services.respond.domain.cases import Case, open_case
from services.respond.domain.routing import route
from services.respond.domain.sla import SlaClock
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

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
AGENCY_ID = "lyon"
OTHER_AGENCY_ID = "grenoble"
CONNECTION = "lyon-demo"
PARIS = ZoneInfo("Europe/Paris")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


AGENCY = Agency.model_validate(
    {
        "id": AGENCY_ID,
        "name": "Ville de Lyon",
        "languages": ["fr", "en"],
        "connections": [
            {"id": CONNECTION, "channel": "generic", "secret_env": "AGORA_TEST_UNUSED"}
        ],
        "teams": [
            {"id": "urgences", "name": "Urgences", "members": ["carol"]},
            {
                "id": "voirie",
                "name": "Voirie",
                "languages": ["fr"],
                "members": ["alice", {"id": "bob", "languages": ["fr", "en"]}],
            },
            {"id": "moderation", "name": "Moderation"},
            {"id": "sms", "name": "Sms"},
            {"id": "communication", "name": "Communication"},
            {"id": "eau", "name": "Eau", "members": ["farid"], "reply_approval": True},
            {
                "id": "accueil",
                "name": "Accueil",
                "members": [{"id": "hugo", "available": False}, "gaelle"],
            },
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
            {"name": "water", "when": {"topic": "water"}, "team": "eau", "priority": "high"},
            {"name": "everything else", "default": True, "team": "accueil", "priority": "low"},
        ],
        "templates": [
            {
                "id": "thanks",
                "name": "Thanks, we are on it",
                "text": {
                    "fr": "Bonjour {citizen_name}, merci : l'équipe {team_name} s'en occupe"
                    " (réf. {case_ref}). {responder}",
                    "en": "Hello {citizen_name}, thanks: {team_name} is on it"
                    " (ref. {case_ref}). {responder}",
                },
            },
            {
                "id": "water-cut",
                "name": "Planned water cut",
                "teams": ["eau"],
                "text": {"fr": "Coupure d'eau programmée, {citizen_handle}."},
            },
        ],
        "facts": [
            {
                "id": "bus-free",
                "claim": {"fr": "Les bus sont gratuits"},
                "answer": {"fr": "Les bus ne sont pas gratuits.", "en": "Buses are not free."},
                "link": "https://lyon.example.org/bus",
            },
            {
                "id": "water-poison",
                "claim": {"fr": "L'eau est empoisonnée"},
                "answer": {"fr": "L'eau du robinet est contrôlée chaque jour."},
            },
        ],
    }
)

OTHER_AGENCY = Agency.model_validate(
    {
        "id": OTHER_AGENCY_ID,
        "name": "Ville de Grenoble",
        "teams": [{"id": "voirie", "name": "Voirie Grenoble", "members": ["ines"]}],
        "routing": [{"default": True, "team": "voirie"}],
    }
)

CONFIG = AgoraConfig(agencies=[AGENCY, OTHER_AGENCY])

# An agency in Paris whose office policy runs in business hours, with a holiday.
CITY = Agency.model_validate(
    {
        "id": "city",
        "name": "City",
        "timezone": "Europe/Paris",
        "holidays": ["2026-05-01"],
        "teams": [{"id": "all", "name": "All"}],
        "sla": {
            "office": {
                "first_response": "4h",
                "resolution": "1d",
                "business_hours": "Mon-Fri 08:30-18:00",
            },
            "round_the_clock": {"first_response": "15m", "resolution": "4h"},
            "nervous": {
                "first_response": "10h",
                "resolution": "20h",
                "business_hours": "24/7",
                "at_risk": 0.5,
            },
        },
        "routing": [{"default": True, "team": "all", "sla": "office"}],
    }
)


def classification(
    *,
    topic: str = "other",
    intent: str = "complaint",
    sentiment: str = "neutral",
    urgency: str = "normal",
    language: str = "fr",
    toxicity: str = "not_toxic",
    misinformation: str = "none",
    facts: tuple[str, ...] = (),
) -> Classification:
    def verdict(label: str, evidence: tuple[str, ...] = ()) -> Verdict:
        return Verdict(label=label, score=0.9, by="test", evidence=evidence)

    return Classification(
        language=verdict(language),
        topic=verdict(topic),
        intent=verdict(intent),
        sentiment=verdict(sentiment),
        urgency=verdict(urgency),
        toxicity=verdict(toxicity),
        spam=verdict("not_spam"),
        misinformation=verdict(misinformation, tuple(f"fact:{f}" for f in facts)),
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
        author=Author(id="citizen-1", handle="citizen", display_name="A. Citizen"),
        text=text,
        created_at=at(received_s),
        received_at=at(received_s),
    )


def classified(
    message_id: str = "m1",
    *,
    topic: str = "roads",
    urgency: str = "normal",
    language: str = "fr",
    facts: tuple[str, ...] = (),
    **fields: Any,
) -> InteractionClassified:
    """A classified interaction, its event id derived the way classify derives it."""
    item = interaction(message_id, **fields)
    return InteractionClassified(
        event_id=derived_event_id(item.interaction_id, "interaction.classified"),
        occurred_at=item.received_at + timedelta(seconds=1),
        agency_id=item.agency_id,
        interaction_id=item.interaction_id,
        interaction=item,
        classification=classification(topic=topic, urgency=urgency, language=language, facts=facts),
    )


def clock_of(case: Case, agency: Agency = AGENCY) -> SlaClock:
    return SlaClock.of(agency, case.sla_policy)


def a_case(
    event: InteractionClassified | None = None, *, opened_s: float = 2, agency: Agency = AGENCY
) -> Case:
    """A freshly opened case, the way the use case opens one (before any assignment)."""
    event = event or classified()
    item = event.interaction
    decision = route(agency, item, event.classification)
    return open_case(
        item,
        event.classification,
        case_id=case_id(item.agency_id, item.channel, item.conversation_id, 0),
        generation=0,
        decision=decision,
        due=SlaClock.of(agency, decision.sla_policy).due_times(at(opened_s)),
        now=at(opened_s),
    )


def user(
    role: str = "responder",
    *,
    teams: tuple[str, ...] = ("voirie",),
    name: str = "alice",
    agency_ids: tuple[str, ...] = (AGENCY_ID,),
) -> User:
    return User.model_validate(
        {"user": name, "role": role, "teams": teams, "agency_ids": agency_ids}
    )
