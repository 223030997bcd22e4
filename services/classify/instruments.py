"""Classify's Prometheus instruments, on the app's own registry."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class ClassifyInstruments:
    classified: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "ClassifyInstruments":
        return cls(
            classified=Counter(
                "agora_classify_interactions_classified_total",
                "Interactions classified (a redelivery counts again).",
                ["agency", "topic", "urgency"],
                registry=registry,
            )
        )
