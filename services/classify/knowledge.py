"""Loads what classification needs once per process: the models and each agency's rules and
fact base (I/O lives here, the pipeline stays pure)."""

from services.classify.classifiers.misinformation import NO_FACTS, FactBase
from services.classify.models.encoder import load_encoder
from services.classify.models.heads import load_heads
from services.classify.models.language import detect_languages
from services.classify.pipeline import AgencyKnowledge, AgencyRules, Models
from shared.config import AgoraConfig

MODEL_NAME = "use-m3"


def load_models() -> Models:
    encoder = load_encoder()
    return Models(
        name=MODEL_NAME, embed=encoder.embed, heads=load_heads(), languages=detect_languages
    )


def agency_knowledge(config: AgoraConfig, models: Models | None) -> dict[str, AgencyKnowledge]:
    """Per agency: compiled keyword rules and the embedded claims of its fact base."""
    return {
        agency.id: AgencyKnowledge(
            rules=AgencyRules.build(agency.classifier_rules),
            facts=FactBase.build(agency.facts, models.embed) if models is not None else NO_FACTS,
            topics=frozenset(topic.id for topic in agency.topics),
        )
        for agency in config.agencies
    }
