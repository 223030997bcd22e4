"""Runs every dimension on one text and keeps each score and reason (pure).

Agency rules from ``agora.yaml`` beat the defaults and say so in ``by``; the emergency lexicon
always wins on urgency.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from services.classify.classifiers import lexicons
from services.classify.classifiers.keywords import KeywordRules, normalise
from services.classify.classifiers.language import detect_language
from services.classify.classifiers.personal_data import find_personal_data, redact
from shared.config import KeywordRule
from shared.events import Classification, Verdict

_TOPIC = KeywordRules.build("topic_keywords", lexicons.TOPIC)
_INTENT = KeywordRules.build("intent_keywords", lexicons.INTENT)
_SENTIMENT = KeywordRules.build("sentiment_keywords", lexicons.SENTIMENT)
_EMERGENCY = KeywordRules.build("emergency_lexicon", lexicons.EMERGENCY)
_TOXIC = KeywordRules.build("toxicity_keywords", lexicons.TOXIC)
_SPAM = KeywordRules.build("spam_keywords", lexicons.SPAM)


def _default(label: str, by: str) -> Verdict:
    return Verdict(label=label, score=0.5, by=by, evidence=())


@dataclass(frozen=True)
class AgencyRules:
    """An agency's own keyword rules, compiled once per configuration."""

    by_dimension: dict[str, list[KeywordRules]]

    @classmethod
    def build(cls, rules: Sequence[KeywordRule]) -> "AgencyRules":
        compiled: dict[str, list[KeywordRules]] = {}
        for index, rule in enumerate(rules):
            compiled.setdefault(rule.dimension, []).append(
                KeywordRules.build(f"agency_rule:{index + 1}", {rule.label: rule.keywords})
            )
        return cls(by_dimension=compiled)

    def match(self, dimension: str, text: str) -> Verdict | None:
        for rules in self.by_dimension.get(dimension, []):
            if (verdict := rules.match(text)) is not None:
                return verdict
        return None


NO_AGENCY_RULES = AgencyRules(by_dimension={})


def classify_text(
    text: str, *, language_hint: str | None = None, agency: AgencyRules = NO_AGENCY_RULES
) -> Classification:
    norm = normalise(text)

    def dimension(name: str, defaults: KeywordRules, fallback: str) -> Verdict:
        return (
            agency.match(name, norm) or defaults.match(norm) or _default(fallback, defaults.rule_id)
        )

    urgency = (
        _EMERGENCY.match(norm)
        or agency.match("urgency", norm)
        or _default("normal", "emergency_lexicon")
    )
    findings = find_personal_data(text)
    return Classification(
        language=detect_language(text, language_hint),
        topic=dimension("topic", _TOPIC, "other"),
        intent=dimension("intent", _INTENT, "other"),
        sentiment=dimension("sentiment", _SENTIMENT, "neutral"),
        urgency=urgency,
        toxicity=_TOXIC.match(norm) or _default("not_toxic", _TOXIC.rule_id),
        spam=_SPAM.match(norm) or _default("not_spam", _SPAM.rule_id),
        misinformation=_default("none", "fact_base"),
        crisis_relevance=_default("not_related", "crisis_rules"),
        crisis_info_type=_default("none", "crisis_rules"),
        personal_data=findings,
        redacted_text=redact(text, findings),
    )
