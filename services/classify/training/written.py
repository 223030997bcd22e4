"""Examples written for Agora: civic messages in French and English from a phrase bank (pure)."""

from collections.abc import Iterator
from typing import Any

from services.classify.training.extras import EXTRAS
from services.classify.training.phrases import PLACES, TEMPLATES, TOPIC_PHRASES

SOURCE = "agora-written"
LICENCE = "Apache-2.0"
_PROBLEM_INTENTS = ("report", "complaint", "request")
_SERVICE_INTENTS = ("question", "suggestion", "praise")
_SENTIMENT = {"complaint": "negative", "praise": "positive", "question": "neutral"}
# Topics where a message may well be about a crisis: no crisis labels asserted for them.
_CRISIS_PRONE = {"emergency_rescue", "housing_shelter", "food_aid", "health", "buildings"}


def _labels(topic: str, intent: str, urgent: bool) -> dict[str, str]:
    urgency = "low" if intent in _SERVICE_INTENTS else ("high" if urgent else "normal")
    labels = {
        "topic": topic,
        "intent": intent,
        "urgency": urgency,
        "toxicity": "not_toxic",
        "spam": "not_spam",
        "misinformation": "none",
    }
    if intent in _SENTIMENT:
        labels["sentiment"] = _SENTIMENT[intent]
    if topic not in _CRISIS_PRONE and not urgent:
        labels |= {"crisis_relevance": "not_related", "crisis_info_type": "none"}
    return labels


def _sentence(template: str, **slots: str) -> str:
    text = template.format(**slots)
    text = " ".join(text.split()).replace(" .", ".").replace(" ,", ",").replace(" ?", " ?")
    return text[0].upper() + text[1:]


def _template_rows() -> Iterator[dict[str, Any]]:
    turn = 0
    for topic, bank in TOPIC_PHRASES.items():
        for lang in ("fr", "en"):
            places = PLACES[lang]
            for index, raw in enumerate(bank[f"{lang}_problems"]):
                urgent, problem = raw.startswith("!"), raw.lstrip("!")
                for intent in _PROBLEM_INTENTS:
                    turn += 1
                    template = TEMPLATES[intent][lang][turn % 3]
                    yield {
                        "text": _sentence(template, p=problem, w=places[turn % len(places)]),
                        "lang": lang,
                        "group": f"{topic}:{lang}:p{index}",
                        **_labels(topic, intent, urgent),
                    }
            for index, service in enumerate(bank[f"{lang}_services"]):
                for intent in _SERVICE_INTENTS:
                    turn += 1
                    template = TEMPLATES[intent][lang][turn % 3]
                    yield {
                        "text": _sentence(template, s=service, w=places[turn % len(places)]),
                        "lang": lang,
                        "group": f"{topic}:{lang}:s{index}",
                        **_labels(topic, intent, False),
                    }


def written_rows() -> list[dict[str, Any]]:
    """Every written example as a JSONL row: ``text``, ``lang``, Agora labels, ``source``, ``rid``.

    ``group`` names the phrase a row was built from, so a held-out split never sees it in training.
    """
    rows = list(_template_rows())
    rows += [
        {"text": text, "lang": lang, "group": f"extra:{i}", **labels}
        for i, (lang, text, labels) in enumerate(EXTRAS)
    ]
    return [
        {**row, "source": SOURCE, "rid": f"w-{i + 1:04d}", "licence": LICENCE}
        for i, row in enumerate(rows)
    ]
