"""Runs every dimension on a batch of texts and keeps each score and reason (pure).

Rules first where lives or law are at stake: the emergency lexicon always makes a message
critical, personal data is found by validated patterns, a listed false claim is matched in the
agency's fact base. Agency rules from ``agora.yaml`` beat the models and say so in ``by``. The
models (a multilingual sentence encoder feeding one small head per dimension) decide the rest;
without them (``models=None``) the keyword lexicons do, as a documented baseline.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from services.classify.classifiers import lexicons
from services.classify.classifiers.emergency import detect_emergency
from services.classify.classifiers.keywords import KeywordRules, normalise
from services.classify.classifiers.language import detect_language as function_words_language
from services.classify.classifiers.misinformation import (
    NO_FACTS,
    FactBase,
    misinformation_verdict,
)
from services.classify.classifiers.personal_data import find_personal_data, redact
from services.classify.classifiers.toxicity import detect_toxicity
from shared.config import KeywordRule
from shared.events import Classification, Verdict

_TOPIC = KeywordRules.build("topic_keywords", lexicons.TOPIC)
_INTENT = KeywordRules.build("intent_keywords", lexicons.INTENT)
_SENTIMENT = KeywordRules.build("sentiment_keywords", lexicons.SENTIMENT)
_SPAM = KeywordRules.build("spam_keywords", lexicons.SPAM)

# Below this probability a head's answer yields to a keyword match.
MODEL_CONFIDENCE = 0.4

Prediction = tuple[str, float, tuple[str, ...]]  # label, probability, evidence


class Head(Protocol):
    """One dimension's model head (``services.classify.models.heads``)."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict(self, embeddings: NDArray[np.float32]) -> list[Prediction]: ...


@dataclass(frozen=True)
class Models:
    """Loaded once per process by the caller (I/O stays out of this module)."""

    name: str
    embed: Callable[[Sequence[str]], NDArray[np.float32]]
    heads: Mapping[str, Head]
    languages: Callable[[Sequence[tuple[str, str | None]]], list[tuple[str, float]]]


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


@dataclass(frozen=True)
class AgencyKnowledge:
    """What one agency adds: its keyword rules and its fact base."""

    rules: AgencyRules = NO_AGENCY_RULES
    facts: FactBase = NO_FACTS
    topics: frozenset[str] | None = None  # the agency's taxonomy; None: Agora's default


NO_AGENCY = AgencyKnowledge()


def _default(label: str, by: str) -> Verdict:
    return Verdict(label=label, score=0.5, by=by, evidence=())


def _from_model(
    prediction: Prediction | None, models: Models | None, dimension: str
) -> Verdict | None:
    if prediction is None or models is None:
        return None
    label, probability, evidence = prediction
    return Verdict(
        label=label,
        score=round(min(1.0, max(0.0, probability)), 3),
        by=f"{models.name}:{dimension}",
        evidence=evidence,
    )


def _confident(verdict: Verdict | None) -> Verdict | None:
    return verdict if verdict is not None and verdict.score >= MODEL_CONFIDENCE else None


def classify_texts(
    texts: Sequence[tuple[str, str | None]],
    *,
    models: Models | None = None,
    agency: AgencyKnowledge = NO_AGENCY,
) -> list[Classification]:
    """Classify ``(text, language hint)`` pairs; one encoder pass for the whole batch."""
    if not texts:
        return []
    vectors: NDArray[np.float32] | None = None
    predictions: dict[str, list[Prediction]] = {}
    languages: list[Verdict] = []
    if models is not None:
        vectors = models.embed([text for text, _ in texts])
        predictions = {name: head.predict(vectors) for name, head in models.heads.items()}
        languages = [
            Verdict(label=label, score=round(confidence, 3), by="lingua", evidence=())
            for label, confidence in models.languages(texts)
        ]
    return [
        _classify_one(
            text,
            hint,
            vector=None if vectors is None else vectors[i],
            predictions={name: found[i] for name, found in predictions.items()},
            language=languages[i] if languages else function_words_language(text, hint),
            models=models,
            agency=agency,
        )
        for i, (text, hint) in enumerate(texts)
    ]


def classify_text(
    text: str,
    *,
    language_hint: str | None = None,
    agency: AgencyKnowledge = NO_AGENCY,
    models: Models | None = None,
) -> Classification:
    return classify_texts([(text, language_hint)], models=models, agency=agency)[0]


def _classify_one(
    text: str,
    hint: str | None,
    *,
    vector: NDArray[np.float32] | None,
    predictions: Mapping[str, Prediction],
    language: Verdict,
    models: Models | None,
    agency: AgencyKnowledge,
) -> Classification:
    norm = normalise(text)
    rules = agency.rules

    def model(dimension: str) -> Verdict | None:
        return _from_model(predictions.get(dimension), models, dimension)

    def layered(dimension: str, keywords: KeywordRules, fallback: str) -> Verdict:
        return (
            rules.match(dimension, norm)
            or _confident(model(dimension))
            or keywords.match(norm)
            or model(dimension)
            or _default(fallback, keywords.rule_id)
        )

    findings = find_personal_data(text)
    fake_news = predictions.get("misinformation")
    return Classification(
        language=language,
        topic=_within(layered("topic", _TOPIC, "other"), agency.topics),
        intent=layered("intent", _INTENT, "other"),
        sentiment=layered("sentiment", _SENTIMENT, "neutral"),
        urgency=(
            detect_emergency(text)
            or rules.match("urgency", norm)
            or model("urgency")
            or _default("normal", "emergency_lexicon")
        ),
        toxicity=detect_toxicity(text) or model("toxicity") or _default("not_toxic", "toxicity"),
        spam=_confident(model("spam"))
        or _SPAM.match(norm)
        or model("spam")
        or _default("not_spam", _SPAM.rule_id),
        misinformation=misinformation_verdict(
            vector,
            agency.facts,
            model_score=_probability_of(fake_news, "possible_misinformation"),
        ),
        crisis_relevance=model("crisis_relevance") or _default("not_related", "crisis"),
        crisis_info_type=model("crisis_info_type") or _default("none", "crisis"),
        personal_data=findings,
        redacted_text=redact(text, findings),
    )


def _within(verdict: Verdict, topics: frozenset[str] | None) -> Verdict:
    """A topic outside the agency's own taxonomy becomes ``other``, saying which it was."""
    if topics is None or verdict.label in topics:
        return verdict
    return verdict.model_copy(
        update={"label": "other", "evidence": (f"outside taxonomy: {verdict.label}",)}
    )


def _probability_of(prediction: Prediction | None, label: str) -> float | None:
    if prediction is None:
        return None
    found, probability, _ = prediction
    return probability if found == label else 1.0 - probability
