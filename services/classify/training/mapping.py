"""Maps the shared data's label families onto Agora's dimensions and vocabularies (pure)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.classify.training.vocabularies import VOCABULARIES

# (label_family, source label) -> (Agora dimension, Agora label); absent pairs are not used.
FAMILY_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("topic", "Potholes"): ("topic", "roads"),
    ("topic", "Streetlights"): ("topic", "street_lighting"),
    ("topic", "Waste/Garbage"): ("topic", "waste"),
    ("topic", "Plastic"): ("topic", "waste"),
    ("topic", "Sewage"): ("topic", "sewage_sanitation"),
    ("topic", "Sanitation"): ("topic", "sewage_sanitation"),
    ("topic", "Water"): ("topic", "water"),
    ("topic", "Traffic/Parking"): ("topic", "traffic_parking"),
    ("topic", "Air"): ("topic", "environment"),
    ("topic_disaster", "water"): ("topic", "water"),
    ("topic_disaster", "food"): ("topic", "food_aid"),
    ("topic_disaster", "shelter"): ("topic", "housing_shelter"),
    ("topic_disaster", "medical_help"): ("topic", "health"),
    ("topic_disaster", "search_and_rescue"): ("topic", "emergency_rescue"),
    ("topic_disaster", "security"): ("topic", "public_safety"),
    ("topic_disaster", "electricity"): ("topic", "energy"),
    ("topic_disaster", "transport"): ("topic", "public_transport"),
    ("topic_disaster", "buildings"): ("topic", "buildings"),
    ("topic_disaster", "death"): ("topic", "emergency_rescue"),
    ("intent_disaster", "request"): ("intent", "request"),
    ("intent_disaster", "offer"): ("intent", "offer"),
    ("intent_disaster", "other_related"): ("intent", "other"),
    ("intent_disaster", "unrelated"): ("intent", "other"),
    ("urgency", "actionable"): ("urgency", "high"),
    ("misinformation", "false_claim"): ("misinformation", "possible_misinformation"),
    ("misinformation", "not_false_claim"): ("misinformation", "none"),
    ("informativeness", "related_informative"): ("crisis_relevance", "related_informative"),
    ("informativeness", "related_not_informative"): (
        "crisis_relevance",
        "related_not_informative",
    ),
    ("informativeness", "not_related"): ("crisis_relevance", "not_related"),
    **{("sentiment", label): ("sentiment", label) for label in VOCABULARIES["sentiment"]},
    **{("toxicity", label): ("toxicity", label) for label in VOCABULARIES["toxicity"]},
    **{("spam", label): ("spam", label) for label in VOCABULARIES["spam"]},
    **{
        ("crisis_info_type", label): ("crisis_info_type", label)
        for label in VOCABULARIES["crisis_info_type"]
    },
}


@dataclass(frozen=True)
class Example:
    """One text with the Agora labels known for it (one or several dimensions)."""

    text: str
    lang: str
    labels: Mapping[str, str]
    source: str
    rid: str
    family: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.source}#{self.rid}"


def map_family_label(family: str, label: str) -> tuple[str, str] | None:
    """The Agora (dimension, label) for a shared-data family label, or None when unused."""
    return FAMILY_LABELS.get((family, label))


def row_labels(row: Mapping[str, Any]) -> dict[str, str]:
    """Agora labels of one JSONL row, in either format.

    Accepts ``{"label_family": ..., "label": ...}`` (the shared data) and
    ``{"<dimension>": "<label>", ...}`` in Agora vocabularies; unknown labels raise ValueError.
    """
    labels: dict[str, str] = {}
    if "label_family" in row:
        mapped = map_family_label(str(row["label_family"]), str(row["label"]))
        if mapped is not None:
            labels[mapped[0]] = mapped[1]
    for dimension, vocabulary in VOCABULARIES.items():
        value = row.get(dimension)
        if value is None:
            continue
        if value not in vocabulary:
            raise ValueError(f"{dimension}: {value!r} is not one of {', '.join(vocabulary)}")
        labels[dimension] = str(value)
    return labels


def to_example(row: Mapping[str, Any], index: int = 0) -> Example | None:
    """An Example from one row, or None when the row carries no usable label."""
    labels = row_labels(row)
    text = str(row.get("text") or "").strip()
    if not labels or not text:
        return None
    return Example(
        text=text,
        lang=str(row.get("lang") or "und"),
        labels=labels,
        source=str(row.get("source") or "file"),
        rid=str(row.get("rid") or row.get("id") or index),
        family=str(row.get("label_family") or ""),
    )
