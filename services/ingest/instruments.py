"""Ingest's Prometheus instruments, on the app's own registry."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class IngestInstruments:
    received: Counter
    duplicates: Counter
    rejected: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "IngestInstruments":
        return cls(
            received=Counter(
                "agora_ingest_interactions_received_total",
                "New interactions stored and published.",
                ["agency", "channel"],
                registry=registry,
            ),
            duplicates=Counter(
                "agora_ingest_duplicates_total",
                "Platform retries recognised as already stored.",
                ["agency", "channel"],
                registry=registry,
            ),
            rejected=Counter(
                "agora_ingest_webhooks_rejected_total",
                "Webhook requests refused, by reason.",
                ["channel", "error"],
                registry=registry,
            ),
        )
