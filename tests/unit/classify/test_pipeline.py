import pytest

from services.classify.pipeline import AgencyKnowledge, AgencyRules, classify_text
from shared.config import KeywordRule


@pytest.mark.parametrize(
    "text",
    [
        "Fuite de gaz au 3e étage !",
        "There is a gas leak in my building",
        "INCENDIE rue Mercière",
        "The basement is flooded",
        "Je veux en finir",
        "I want to kill myself",
    ],
)
def test_emergency_lexicon_always_makes_a_message_critical(text: str) -> None:
    urgency = classify_text(text).urgency
    assert urgency.label == "critical"
    assert urgency.by.startswith("emergency_lexicon:")
    assert urgency.evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Un nid de poule énorme avenue Berthelot", "roads"),
        ("Les poubelles débordent", "waste"),
        ("The streetlight outside is off", "street_lighting"),
        ("Bonjour, rien de spécial", "other"),
    ],
)
def test_topic_keywords_say_which_words_decided(text: str, topic: str) -> None:
    verdict = classify_text(text).topic
    assert verdict.label == topic


def test_agency_rule_beats_the_default_lexicon_and_says_so() -> None:
    rules = AgencyRules.build(
        [KeywordRule(dimension="topic", label="public_transport", keywords=["ligne C3"])]
    )
    verdict = classify_text(
        "Encore un nid de poule sur la ligne C3", agency=AgencyKnowledge(rules=rules)
    ).topic
    assert (verdict.label, verdict.by, verdict.evidence) == (
        "public_transport",
        "agency_rule:1",
        ("ligne C3",),
    )


def test_language_is_detected_from_function_words() -> None:
    assert classify_text("Bonjour, le bus est encore en retard").language.label == "fr"
    assert classify_text("Hello, the bus is late again").language.label == "en"
    assert classify_text("👍").language.label == "und"


def test_personal_data_is_found_and_redacted() -> None:
    result = classify_text("Écrivez à jean.dupont@mail.fr ou au 06 12 34 56 78")
    assert [f.type for f in result.personal_data] == ["email", "phone"]
    assert result.redacted_text == "Écrivez à [email] ou au [phone]"


def test_every_score_is_between_zero_and_one() -> None:
    result = classify_text("Merci beaucoup pour votre aide !")
    for name in ("language", "topic", "intent", "sentiment", "urgency", "toxicity", "spam"):
        assert 0 <= getattr(result, name).score <= 1
    assert result.sentiment.label == "positive"


def test_a_topic_outside_the_agency_taxonomy_becomes_other_and_says_which() -> None:
    agency = AgencyKnowledge(topics=frozenset({"waste", "other"}))
    verdict = classify_text("Un nid de poule énorme avenue Berthelot", agency=agency).topic
    assert verdict.label == "other"
    assert verdict.evidence == ("outside taxonomy: roads",)
