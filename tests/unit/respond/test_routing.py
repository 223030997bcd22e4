import pytest

from services.respond.domain.routing import NO_MATCH_REASON, route
from shared.config import Agency
from shared.events import Channel
from tests.unit.respond.builders import AGENCY, classification, interaction


@pytest.mark.parametrize(
    ("labels", "text", "channel", "connection", "rule_name", "team"),
    [
        # first match wins: an emergency about roads goes to the emergency team
        (
            {"urgency": "critical", "topic": "roads"},
            "",
            "facebook",
            "lyon-demo",
            "emergencies",
            "urgences",
        ),
        ({"topic": "roads"}, "", "facebook", "lyon-demo", "roads and lighting", "voirie"),
        # a list means any of its values
        ({"topic": "street_lighting"}, "", "facebook", "lyon-demo", "roads and lighting", "voirie"),
        # keywords: any of them, ignoring case
        ({}, "Un NID DE POULE rue Garibaldi", "facebook", "lyon-demo", "potholes", "voirie"),
        ({}, "Huge pothole on Elm street", "sms", "lyon-demo", "potholes", "voirie"),
        # every condition given must match
        ({"toxicity": "toxic"}, "", "x", "lyon-demo", "abuse", "moderation"),
        ({"toxicity": "toxic"}, "", "instagram", "lyon-demo", "everything else", "accueil"),
        ({"language": "en"}, "", "sms", "lyon-sms", "rule 5", "sms"),
        ({"language": "fr"}, "", "sms", "lyon-sms", "everything else", "accueil"),
        (
            {"misinformation": "likely_false", "sentiment": "angry"},
            "",
            "facebook",
            "lyon-demo",
            "rumours",
            "communication",
        ),
        (
            {"misinformation": "likely_false"},
            "",
            "facebook",
            "lyon-demo",
            "everything else",
            "accueil",
        ),
        # nothing matches: the default rule
        ({"topic": "other"}, "Bonjour", "facebook", "lyon-demo", "everything else", "accueil"),
    ],
)
def test_first_matching_routing_rule_wins(
    labels: dict[str, str], text: str, channel: str, connection: str, rule_name: str, team: str
) -> None:
    decision = route(
        AGENCY,
        interaction(text=text, channel=Channel(channel), connection_id=connection),
        classification(**labels),
    )
    assert (decision.rule_name, decision.team) == (rule_name, team)


def test_labels_match_whatever_their_case() -> None:
    decision = route(AGENCY, interaction(), classification(topic="ROADS"))
    assert decision.rule_name == "roads and lighting"


@pytest.mark.parametrize(
    ("labels", "text", "reason"),
    [
        ({"topic": "roads"}, "", "topic=roads matched rule 'roads and lighting'"),
        ({}, "A pothole again", "keyword 'pothole' matched rule 'potholes'"),
        ({"topic": "other"}, "", NO_MATCH_REASON),
    ],
)
def test_decision_explains_which_conditions_matched(
    labels: dict[str, str], text: str, reason: str
) -> None:
    assert route(AGENCY, interaction(text=text), classification(**labels)).reason == reason


def test_reason_names_every_condition_of_a_rule() -> None:
    decision = route(AGENCY, interaction(channel=Channel.X), classification(toxicity="toxic"))
    assert decision.reason == "toxicity=toxic, channel=x matched rule 'abuse'"


def test_decision_carries_index_priority_and_tags_of_the_rule() -> None:
    decision = route(AGENCY, interaction(text="pothole"), classification())
    assert (decision.rule_index, decision.priority, decision.tags) == (2, "high", ("pothole",))


@pytest.mark.parametrize(
    ("labels", "sla_policy"),
    [
        ({"urgency": "critical"}, "urgent"),  # the priority names the policy
        ({"topic": "roads"}, "normal"),
        ({"toxicity": "toxic"}, "low"),  # an explicit sla beats the priority
    ],
)
def test_sla_policy_is_the_rules_sla_or_else_its_priority(
    labels: dict[str, str], sla_policy: str
) -> None:
    decision = route(AGENCY, interaction(channel=Channel.X), classification(**labels))
    assert decision.sla_policy == sla_policy


def test_default_rule_is_labelled_default_when_unnamed() -> None:
    agency = Agency.model_validate(
        {
            "id": "tiny",
            "name": "Tiny",
            "teams": [{"id": "all", "name": "All"}],
            "routing": [{"default": True, "team": "all"}],
        }
    )
    decision = route(agency, interaction(agency_id="tiny"), classification())
    assert (decision.rule_index, decision.rule_name, decision.priority) == (0, "default", "normal")
